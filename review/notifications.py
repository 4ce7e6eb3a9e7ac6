"""Messages to users: in the portal (unread count in the header) and by e-mail (REV-03, DL-06)."""

from __future__ import annotations

from django.db import transaction

from .models import Notification


def notify(*, user, title: str, body: str = "", url: str = "", event=None) -> Notification:
    """Write the in-portal message now; e-mail it once the transaction commits."""
    from .tasks import notification_email_task

    notification = Notification.objects.create(
        user=user, title=title[:200], body=body, url=url[:300], event=event
    )
    if user.email:
        transaction.on_commit(lambda: notification_email_task.delay(notification.pk))
    return notification


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at=None).count()
