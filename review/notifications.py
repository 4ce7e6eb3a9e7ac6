"""Messages to users: in the portal (unread count in the header) and by e-mail (REV-03, DL-06)."""

from __future__ import annotations

from django.utils import timezone

from beian.portal_origin import request_origin

from .models import Notification
from .outbox import outbox_add


def notify(
    *, user, title: str, body: str = "", url: str = "", event=None, origin: str | None = None
) -> Notification:
    """Write the in-portal message now, and owe its e-mail in the same transaction (REL-01). Its link
    is on `origin`, or the origin of the request being served, or PORTAL_BASE_URL (beian.portal_origin)."""
    notification = Notification.objects.create(
        user=user, title=title[:200], body=body, url=url[:300], event=event
    )
    if user.email:
        outbox_add(
            key=f"email:notification:{notification.pk}",
            handler="notification_email",
            notification_id=notification.pk,
            origin=origin or request_origin(),
        )
    return notification


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at=None).count()


def notifications_mark_read(*, user, pk: int | None = None, up_to: int | None = None) -> int:
    """Mark the user's unread messages read: the one `pk`, or every one up to `up_to` (the newest the
    reader was shown, so that one arriving meanwhile stays unread), or all. Another user's message is
    never touched. Returns how many were marked."""
    unread = Notification.objects.filter(user=user, read_at=None)
    if pk is not None:
        unread = unread.filter(pk=pk)
    if up_to is not None:
        unread = unread.filter(pk__lte=up_to)
    return unread.update(read_at=timezone.now())
