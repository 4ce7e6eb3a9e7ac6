"""Background work of the review core.

What a change owes is written in its own transaction as outbox items (review.outbox, REL-01); the one task
here that does them is `outbox_deliver_task`. The work itself lives in plain functions (transition_notify,
notification_email_send, …) registered as outbox handlers, each idempotent. The sweep does what the broker
or a dead worker left undone and runs the apps' repairs, each item on its own (REL-02)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from beian.portal_origin import portal_link

from .models import Deadline, Notification, ReviewEvent
from .transitions import Action, State

log = logging.getLogger(__name__)
TASK = {
    "acks_late": True,
    "autoretry_for": (OSError,),
    "retry_backoff": True,
    "max_retries": 5,
    "time_limit": 120,
    "soft_time_limit": 100,
}


MESSAGES = {
    Action.SUBMIT: ("已收到您提交的“%(title)s”，网信部门将在30个工作日内完成审核。", ""),
    Action.MODIFY: ("已收到“%(title)s”的变更申请，审核通过前原备案信息继续有效。", ""),
    Action.CLAIM: ("“%(title)s”已进入审核。", ""),
    Action.APPROVE: ("“%(title)s”已审核通过。", ""),
    Action.REJECT: ("“%(title)s”未通过审核。", "审核意见：%(reason)s"),
    Action.MARK_INCOMPLETE: ("“%(title)s”材料不齐全，请补充后重新提交。", "需补充：%(reason)s"),
    Action.CANCEL: ("“%(title)s”已注销。", ""),
    Action.OFFICE_CANCEL: ("“%(title)s”已被网信部门注销。", "理由：%(reason)s"),
    Action.REVOKE: ("“%(title)s”已被网信部门撤销。", "理由：%(reason)s"),
}


def transition_notify(*, event_id: int, origin: str | None = None) -> int:
    """REV-03: tell the owning filer what happened (in the portal and by e-mail). Returns messages written.
    An outbox handler: done once per event (the outbox key, and one notification per user and event)."""
    from .notifications import notify

    event = ReviewEvent.objects.select_related("content_type").filter(pk=event_id).first()
    if event is None or event.subject is None:
        return 0
    subject = event.subject
    account = subject.review_account()
    if account is None or event.action in (Action.REOPEN, Action.RELEASE, Action.REASSIGN):
        return 0
    if Notification.objects.filter(user=account, event=event).exists():
        return 0  # already told
    title_text, body_text = MESSAGES.get(event.action, ("“%(title)s”：%(state)s", ""))
    with translation.override(settings.LANGUAGE_CODE):
        values = {"title": str(subject), "state": State(event.to_state).label, "reason": event.reason}
        title = _(title_text) % values
        body = (_(body_text) % values) if body_text else ""
    notify(user=account, title=title, body=body, url=subject.review_filer_url(), event=event, origin=origin)
    return 1


def notification_email_send(*, notification_id: int, origin: str | None = None) -> int:
    """E-mail an in-portal message once (an outbox handler: emailed_at is set in the same transaction);
    its link on `origin`, the address of the request that owed it, else PORTAL_BASE_URL."""
    notification = (
        Notification.objects.select_for_update()
        .select_related("user")
        .filter(pk=notification_id, emailed_at=None)
        .first()
    )
    if notification is None or not notification.user.email:
        return 0
    link = portal_link(notification.url, origin)
    body = f"{notification.body}\n\n{link}\n\n互联网信息服务算法备案系统"
    sent = send_mail(f"【算法备案】{notification.title}", body.strip(), None, [notification.user.email])
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return sent


def deadline_compute_owed(*, deadline_id: int) -> str | None:
    """DL-05: compute an open deadline's due date (an outbox handler; computing twice gives the same date)."""
    from .deadlines import deadline_compute

    deadline = Deadline.objects.filter(pk=deadline_id, met_at=None).first()
    if deadline is None:
        return None
    deadline_compute(deadline)
    return deadline.due_on.isoformat() if deadline.due_on else None


@shared_task(**TASK)
def outbox_deliver_task(item_id: int) -> str:
    """REL-01: do one outbox item (idempotent: a done item, or one another worker holds, is skipped)."""
    from .outbox import outbox_deliver

    return outbox_deliver(item_id)


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def sweep() -> dict:
    """REL-01/02: do what the broker or a dead worker left undone (the outbox), then the apps' repairs
    (e.g. numbers of approved filings) and deadlines without a date — each item on its own, so one that
    fails is logged and the rest go on."""
    from .deadlines import deadlines_repair
    from .outbox import outbox_sweep, repairs_run

    result = {"outbox": outbox_sweep(), **repairs_run(), "deadlines": deadlines_repair()}
    log.info("sweep: %s", result)
    return result


@shared_task(acks_late=True, time_limit=900, soft_time_limit=840)
def daily_deadlines() -> dict:
    """DL-06: refresh deadlines and send reminders before a deadline and on the day it is missed."""
    from .reminders import reminders_send

    result = sweep()
    result["reminders"] = reminders_send(today=timezone.localdate())
    return result
