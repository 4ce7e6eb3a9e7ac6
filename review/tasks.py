"""Side effects of review transitions, run by the worker after the transaction commits."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from .models import ReviewEvent
from .transitions import State

log = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    time_limit=60,
    soft_time_limit=50,
)
def transition_notify(self, event_id: int) -> int:
    """Tell the owning filer by e-mail that their item changed state. Returns the number of mails sent.

    Takes an id and reads the event afresh; an event whose subject is gone sends nothing.
    """
    event = ReviewEvent.objects.select_related("content_type").filter(pk=event_id).first()
    if event is None or event.subject is None:
        return 0
    recipients = event.subject.review_recipients()
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("【算法备案】%(title)s：%(state)s") % {
            "title": str(event.subject),
            "state": State(event.to_state).label,
        }
        body = _("您好：\n\n“%(title)s”的状态已由“%(old)s”变更为“%(new)s”。\n") % {
            "title": str(event.subject),
            "old": State(event.from_state).label,
            "new": State(event.to_state).label,
        }
        if event.reason:
            body += _("理由：%(reason)s\n") % {"reason": event.reason}
        body += _("\n请登录 %(url)s 查看详情。\n\n互联网信息服务算法备案系统") % {
            "url": settings.PORTAL_BASE_URL
        }
    return send_mail(subject, body, None, recipients)
