"""Background work of the review core. Tasks take ids, are idempotent, are sent on commit,
acknowledge late, retry with backoff and have time limits; the sweep repairs what a lost task left."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

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


def _filing_model():
    from .registry import kind_for

    return kind_for("filing").model


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


@shared_task(**TASK)
def transition_notify(event_id: int) -> int:
    """REV-03: tell the owning filer what happened (in the portal and by e-mail). Returns messages written."""
    from .notifications import notify

    event = ReviewEvent.objects.select_related("content_type").filter(pk=event_id).first()
    if event is None or event.subject is None:
        return 0
    subject = event.subject
    account = getattr(getattr(subject, "entity", subject), "account", None)
    if account is None or event.action == Action.REOPEN:
        return 0
    if Notification.objects.filter(user=account, event=event).exists():
        return 0  # already told: the task is idempotent
    title_text, body_text = MESSAGES.get(event.action, ("“%(title)s”：%(state)s", ""))
    with translation.override(settings.LANGUAGE_CODE):
        values = {"title": str(subject), "state": State(event.to_state).label, "reason": event.reason}
        title = _(title_text) % values
        body = (_(body_text) % values) if body_text else ""
    notify(user=account, title=title, body=body, url=_subject_url(subject), event=event)
    return 1


def _subject_url(subject) -> str:
    from django.urls import reverse

    from .registry import kind_of

    return {
        "entity": reverse("filers:entity"),
        "product": reverse("products:list"),
        "filing": reverse("algorithms:detail", args=[subject.pk]),
    }[kind_of(subject).key]


@shared_task(**TASK)
def notification_email_task(notification_id: int) -> int:
    """E-mail an in-portal message once."""
    notification = (
        Notification.objects.select_related("user").filter(pk=notification_id, emailed_at=None).first()
    )
    if notification is None or not notification.user.email:
        return 0
    link = f"{settings.PORTAL_BASE_URL.rstrip('/')}{notification.url}"
    body = f"{notification.body}\n\n{link}\n\n互联网信息服务算法备案系统"
    sent = send_mail(f"【算法备案】{notification.title}", body.strip(), None, [notification.user.email])
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return sent


@shared_task(**TASK)
def number_issue_task(filing_id: int) -> str | None:
    """NUM-01: issue the number of a filing approved for the first time; tell the filer."""
    from .notifications import notify
    from .numbers import number_display, number_issue

    filing = _filing_model().objects.select_related("entity").filter(pk=filing_id).first()
    if filing is None:
        return None
    had_number = bool(filing.number)
    digits = number_issue(filing=filing)
    account = getattr(filing.entity, "account", None)
    if digits and not had_number and account is not None:
        notify(
            user=account,
            title=_("“%(title)s”的备案编号：%(number)s")
            % {"title": filing, "number": number_display(digits)},
            url=_subject_url(filing),
        )
    return digits


@shared_task(**TASK)
def deadline_compute_task(deadline_id: int) -> str | None:
    from .deadlines import deadline_compute

    deadline = Deadline.objects.filter(pk=deadline_id, met_at=None).first()
    if deadline is None:
        return None
    deadline_compute(deadline)
    return deadline.due_on.isoformat() if deadline.due_on else None


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def sweep() -> dict:
    """Repair what lost tasks left undone: numbers of approved filings, deadlines without a date."""
    from .deadlines import deadlines_repair

    missing = list(
        _filing_model()
        .objects.filter(number__isnull=True, approved_revision__isnull=False)
        .values_list("pk", flat=True)
    )
    for pk in missing:
        number_issue_task(pk)
    repaired = deadlines_repair()
    if missing or repaired:
        log.info("sweep: %s numbers issued, %s deadlines computed", len(missing), repaired)
    return {"numbers": len(missing), "deadlines": repaired}


@shared_task(acks_late=True, time_limit=900, soft_time_limit=840)
def daily_deadlines() -> dict:
    """DL-06: refresh deadlines and send reminders before a deadline and on the day it is missed."""
    from .reminders import reminders_send

    result = sweep()
    result["reminders"] = reminders_send(today=timezone.localdate())
    return result
