"""DL-06: reminders before a deadline and on the day it is missed, in the portal and by e-mail."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _

from .deadlines import REMIND_WORKING_DAYS_BEFORE, working_days_left
from .models import Deadline, DeadlineKind
from .notifications import notify


def _recipients(deadline: Deadline) -> list:
    """The filer for the filer's deadlines; reviewers in scope for the review deadline (DL-04)."""
    User = get_user_model()
    if deadline.kind == DeadlineKind.REVIEW:
        province = (deadline.region_code or "")[:2]
        return list(
            User.objects.filter(role__in=("reviewer", "admin"), is_active=True).filter(
                Q(province_code="") | Q(province_code__startswith=province)
            )
        )
    subject = deadline.subject
    account = subject.review_account() if subject is not None else None
    return [account] if account is not None else []


def _url(deadline: Deadline) -> str:
    """The reviewer's item page for the review deadline; the filer's page of the object for the others."""
    from django.urls import reverse

    from .registry import kind_of
    from .selectors import filer_subject_url

    subject = deadline.subject
    if subject is None:
        return ""
    if deadline.kind == DeadlineKind.REVIEW:
        return reverse("review:item", args=[kind_of(subject).key, subject.pk])
    return filer_subject_url(subject)


def reminders_send(*, today: date) -> int:
    """Send each reminder once: N working days before the due date, and once when it is missed."""
    sent = 0
    for deadline in Deadline.objects.filter(met_at=None, due_on__isnull=False).select_related("content_type"):
        left = working_days_left(deadline, today)
        if left is None:
            continue
        if 0 <= left <= REMIND_WORKING_DAYS_BEFORE and deadline.reminded_on is None:
            title = _("提醒：“%(title)s”的%(kind)s期限还剩%(n)s个工作日（%(due)s）") % {
                "title": deadline.title,
                "kind": deadline.get_kind_display(),
                "n": left,
                "due": deadline.due_on,
            }
            for user in _recipients(deadline):
                notify(user=user, title=title, url=_url(deadline))
                sent += 1
            deadline.reminded_on = today
            deadline.save(update_fields=["reminded_on"])
        elif today > deadline.due_on and deadline.missed_notified_on is None:
            title = _("逾期：“%(title)s”的%(kind)s期限已于%(due)s届满") % {
                "title": deadline.title,
                "kind": deadline.get_kind_display(),
                "due": deadline.due_on,
            }
            for user in _recipients(deadline):
                notify(user=user, title=title, url=_url(deadline))
                sent += 1
            deadline.missed_notified_on = today
            deadline.save(update_fields=["missed_notified_on"])
    return sent
