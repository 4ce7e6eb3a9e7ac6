"""Messages to users: in the portal (unread count in the header) and by e-mail (REV-03, DL-06)."""

from __future__ import annotations

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
