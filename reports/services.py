"""RPT-01: problem reports — what the public sends, the e-mail confirmation, and the reviewers' moves.

Writes live here; the pages and the admin call them. Every move goes through `report_move`, which locks the
report, checks the move against the table in `reports.transitions`, saves, writes the history row and owes
what the move promises (the filer's message) in the same transaction, as the review core does for filings.
"""

from __future__ import annotations

import secrets

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from algorithms.models import Filing
from filers.uploads import upload_check
from review.numbers import number_parse

from .models import (
    DESCRIPTION_MAX,
    FILER_MESSAGE_MAX,
    NOTE_MAX,
    PUBLIC_OUTCOME_MAX,
    SEEN_URL_MAX,
    SEEN_WHERE_MAX,
    Report,
    ReportCategory,
    ReportEvent,
    ReportOutcome,
    ReportSource,
)
from .transitions import Actor, ReportAction, ReportState, report_transition_find

# Codes are read aloud and typed from an e-mail: no 0/O, 1/I/L; 16 characters of 31 are 79 bits.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_GROUPS, CODE_GROUP_LENGTH = 4, 4
CONFIRM_SALT = "reports.confirm"
CONFIRM_MAX_AGE = 7 * 24 * 3600  # seconds: a confirmation link works for a week


class ReportError(Exception):
    """A move the table or its rules refuse; the message says why, in the reader's language."""


class ReportOutOfScope(LookupError):
    """No such report, or not in the reviewer's scope: both answer "not found"."""


def report_code_new() -> str:
    """An unguessable code the reporter follows the report with, e.g. 7KQ2-M9XD-4TPA-HW3R."""
    groups = (
        "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_GROUP_LENGTH)) for _g in range(CODE_GROUPS)
    )
    return "-".join(groups)


def report_code_normalise(text: str) -> str:
    """What a reader typed (spaces, lower case, no dashes) as the stored code; "" when it cannot be one."""
    compact = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    if len(compact) != CODE_GROUPS * CODE_GROUP_LENGTH or any(ch not in CODE_ALPHABET for ch in compact):
        return ""
    return "-".join(compact[i : i + CODE_GROUP_LENGTH] for i in range(0, len(compact), CODE_GROUP_LENGTH))


def screenshot_check(uploaded) -> str:
    """RPT-01: a screenshot is checked as every upload is (content, not name; size), and must be an image —
    the same check as a product's homepage screenshot (filers.uploads.upload_check, images_only)."""
    return upload_check(uploaded, label=_("截图"), images_only=True)


def _length_check(errors: dict, field: str, value: str, limit: int, label) -> None:
    if len(value) > limit:
        errors[field] = [
            _("%(field)s不能超过%(limit)s字（当前%(n)s字）。")
            % {"field": label, "limit": limit, "n": len(value)}
        ]


def _text_check(*, description: str, seen_where: str, seen_url: str) -> dict:
    errors: dict = {}
    _length_check(errors, "description", description, DESCRIPTION_MAX, _("问题描述"))
    _length_check(errors, "seen_where", seen_where, SEEN_WHERE_MAX, _("应用或网站名称"))
    _length_check(errors, "seen_url", seen_url, SEEN_URL_MAX, _("网址"))
    if seen_url and "seen_url" not in errors:
        try:
            URLValidator(schemes=["http", "https"])(seen_url)
        except ValidationError:
            errors["seen_url"] = [_("网址格式不正确，应以 http:// 或 https:// 开头。")]
    return errors


@transaction.atomic
def report_create(
    *,
    source: str,
    category: str,
    description: str = "",
    email: str = "",
    filing: Filing | None = None,
    number_text: str = "",
    seen_where: str = "",
    seen_url: str = "",
    screenshot=None,
    honeypot: str = "",
    origin: str | None = None,
) -> Report | None:
    """RPT-01: keep a report from the public. None when the honeypot was filled (a robot): nothing is kept.

    With an e-mail the report waits (待确认邮箱) until the link sent there is opened; without one it is kept
    at once and reaches the reviewers of the filing's province, or the national office when the report
    names no filing the portal knows. A report from the number check names the number; if the portal
    knows it, the report is routed as the number's filing."""
    if honeypot.strip():
        return None
    description, seen_where, seen_url = description.strip(), seen_where.strip(), seen_url.strip()
    errors = _text_check(description=description, seen_where=seen_where, seen_url=seen_url)
    if source == ReportSource.FILING_PAGE:
        if filing is None:
            errors["filing"] = [_("未找到该备案。")]
        if not description and "description" not in errors:
            errors["description"] = [_("请描述发现的问题。")]
    number = ""
    if source == ReportSource.NUMBER_CHECK:
        category = ReportCategory.NUMBER_MISUSE
        parsed = number_parse(number_text)
        if parsed.digits is None:
            errors["number"] = [_("备案编号格式不正确：应为“网信算备”加21位数字加“号”。")]
        else:
            number = parsed.digits
            if parsed.well_formed:
                filing = Filing.objects.filter(number=number).first()
        if not seen_where and not seen_url:
            errors["seen_where"] = [_("请填写看到该编号的应用或网站名称，或其网址。")]
    elif filing is not None:
        number = filing.number or ""
    if category not in ReportCategory.values:
        errors["category"] = [_("请选择问题类别。")]
    screenshot_type = ""
    if screenshot is not None:
        try:
            screenshot_type = screenshot_check(screenshot)
        except ValidationError as exc:
            errors["screenshot"] = exc.messages
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    report = Report(
        code=report_code_new(),
        source=source,
        category=category,
        filing=filing,
        number=number,
        description=description,
        seen_where=seen_where,
        seen_url=seen_url,
        screenshot_type=screenshot_type,
        email=email.strip(),
        state=ReportState.UNCONFIRMED if email.strip() else ReportState.NEW,
        received_at=None if email.strip() else now,
        created_at=now,
    )
    if screenshot is not None:
        report.screenshot.save("screenshot", screenshot, save=False)
    report.save()
    ReportEvent.objects.create(
        report=report, action=ReportAction.SUBMIT, from_state="", to_state=report.state, created_at=now
    )
    if report.email:
        from beian.portal_origin import request_origin
        from review.outbox import outbox_add

        outbox_add(
            key=f"email:report-confirm:{report.pk}",
            handler="report_confirm_email",
            report_id=report.pk,
            origin=origin or request_origin(),
        )
    return report


def report_confirm_token(report: Report) -> str:
    return signing.dumps({"r": report.pk}, salt=CONFIRM_SALT, compress=True)


def report_for_token(token: str) -> Report:
    """The report a confirmation link names, if the link is genuine and not older than a week."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
        pk = int(data["r"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ReportError(_("确认链接无效或已过期。")) from None
    report = Report.objects.filter(pk=pk).first()
    if report is None:
        raise ReportError(_("确认链接无效或已过期。"))
    return report


@transaction.atomic
def report_confirm(*, token: str) -> Report:
    """RPT-01: the reporter opened the link sent to their e-mail: the report is kept and reaches the
    reviewers. A second click changes nothing."""
    report = report_for_token(token)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state != ReportState.UNCONFIRMED:
        return report
    return _move(report=report, action=ReportAction.CONFIRM, actor=None, side=Actor.REPORTER)


def _move(*, report: Report, action: str, actor, side: Actor, note: str = "") -> Report:
    transition = report_transition_find(report.state, action)
    if transition is None or transition.actor != side:
        raise ReportError(
            _("“%(state)s”状态的问题报告不能执行“%(action)s”。")
            % {"state": ReportState(report.state).label, "action": ReportAction(action).label}
        )
    now = timezone.now()
    source = report.state
    report.state = transition.target
    if action == ReportAction.CONFIRM:
        report.received_at = now
    elif action == ReportAction.TAKE:
        report.taken_by = actor
    elif action == ReportAction.RELEASE:
        report.taken_by = None
    elif action == ReportAction.CLOSE:
        report.closed_at = now
    report.save()
    ReportEvent.objects.create(
        report=report,
        action=action,
        from_state=source,
        to_state=report.state,
        actor=actor,
        note=note,
        created_at=now,
    )
    return report


@transaction.atomic
def report_move(
    *,
    report: Report,
    action: str,
    actor,
    outcome: str = "",
    public_outcome: str = "",
    filer_message: str = "",
    note: str = "",
) -> Report:
    """RPT-01: a reviewer's move on a report (受理, 退回待处理, 办结), as the table allows.

    Only a reviewer whose scope covers the report's filing (the national office for an unknown number) may
    act (ReportOutOfScope otherwise, which the pages answer with 404); a taken report is acted on by the
    reviewer who took it or a supervisor. Closing needs an outcome; its public text is what the reporter's
    code page shows, and a message to the filer, when the reviewer writes one, is all the filer is told."""
    # The row alone is locked (PostgreSQL cannot lock the nullable side of the join to the filing).
    report = Report.objects.select_for_update(of=("self",)).select_related("filing__entity").get(pk=report.pk)
    if not getattr(actor, "is_reviewer", False) or not actor.can_review_region(report.region_code()):
        raise ReportOutOfScope(report.pk)
    transition = report_transition_find(report.state, action)
    if transition is None or transition.actor != Actor.REVIEWER:
        raise ReportError(
            _("“%(state)s”状态的问题报告不能执行“%(action)s”。")
            % {"state": ReportState(report.state).label, "action": ReportAction(action).label}
        )
    if transition.taker_only and report.taken_by_id != actor.pk and not actor.is_supervisor:
        raise ReportError(_("该问题报告已由其他审核人员受理，只有受理人或审核组长可以操作。"))
    public_outcome, filer_message, note = public_outcome.strip(), filer_message.strip(), note.strip()
    errors: dict = {}
    _length_check(errors, "public_outcome", public_outcome, PUBLIC_OUTCOME_MAX, _("公开的处理说明"))
    _length_check(errors, "filer_message", filer_message, FILER_MESSAGE_MAX, _("告知备案主体的内容"))
    _length_check(errors, "note", note, NOTE_MAX, _("备注"))
    if transition.outcome_required and outcome not in ReportOutcome.values:
        errors["outcome"] = [_("办结须选择处理结果。")]
    if filer_message and action == ReportAction.CLOSE and report.filing_id is None:
        errors["filer_message"] = [_("该报告未对应任何备案，无法告知备案主体。")]
    if errors:
        raise ValidationError(errors)
    if action == ReportAction.CLOSE:
        report.outcome = outcome
        report.public_outcome = public_outcome
        report.filer_message = filer_message
    report = _move(report=report, action=action, actor=actor, side=Actor.REVIEWER, note=note)
    if action == ReportAction.CLOSE and filer_message:
        _filer_tell(report=report)
    return report


def _filer_tell(*, report: Report) -> None:
    """Tell the filer what the office chose to tell, and nothing more: not who reported, nor what they
    wrote (RPT-01). In the portal and by e-mail, owed in the move's own transaction (REL-01)."""
    from django.conf import settings
    from django.utils import translation

    from review.notifications import notify

    filing = report.filing
    account = filing.review_account()
    if account is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        title = _("网信部门关于“%(title)s”的问题报告处理告知") % {"title": str(filing)}
    notify(user=account, title=title, body=report.filer_message, url=filing.review_filer_url())


def report_unconfirmed_expire() -> int:
    """RPT-01: a report whose e-mail was never confirmed within the link's week reached nobody and never
    will; it is deleted with its screenshot (the sweep runs this). Returns how many were deleted."""
    from datetime import timedelta

    cutoff = timezone.now() - timedelta(seconds=CONFIRM_MAX_AGE)
    stale = list(Report.objects.filter(state=ReportState.UNCONFIRMED, created_at__lt=cutoff)[:1000])
    for report in stale:
        with transaction.atomic():
            if report.screenshot:
                report.screenshot.delete(save=False)
            report.delete()
    return len(stale)
