"""RPT-01: the e-mail a reporter is sent to confirm their address (an outbox handler, done once)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from beian.portal_origin import portal_link

from .models import Report
from .services import report_confirm_token
from .transitions import ReportState


def report_confirm_email_send(*, report_id: int, origin: str | None = None) -> int:
    """Send the confirmation link and the report's code to the address the reporter gave. Idempotent: a
    report no longer waiting for its confirmation is sent nothing."""
    report = Report.objects.filter(pk=report_id, state=ReportState.UNCONFIRMED).first()
    if report is None or not report.email:
        return 0
    confirm = portal_link(reverse("reports:confirm", args=[report_confirm_token(report)]), origin=origin)
    status = portal_link(reverse("reports:status", args=[report.code]), origin=origin)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("请确认您提交的问题报告")
        body = render_to_string(
            "reports/email/confirm.txt", {"report": report, "confirm_url": confirm, "status_url": status}
        )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [report.email])
    return 1
