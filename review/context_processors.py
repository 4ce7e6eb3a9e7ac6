from .notifications import unread_count


def notifications(request):
    """The unread count shown beside the nickname menu."""
    user = getattr(request, "user", None)
    return {"unread_notifications": unread_count(user) if user is not None else 0}
