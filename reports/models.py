"""RPT-01: problem reports from the public and their history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beian.models import AppendOnly

from .transitions import ReportAction, ReportState

# ALG-13: every limit is shown at its field (a counter), and a longer text is refused, never cut.
DESCRIPTION_MAX = 1000
PUBLIC_OUTCOME_MAX = 500
FILER_MESSAGE_MAX = 1000
NOTE_MAX = 500
SEEN_WHERE_MAX = 100
SEEN_URL_MAX = 500


class ReportCategory(models.TextChoices):
    FALSE_INFO = "false_info", _("信息不实")
    NUMBER_MISUSE = "number_misuse", _("编号被冒用")
    OUT_OF_SCOPE = "out_of_scope", _("超出备案范围")
    OTHER = "other", _("其他")


class ReportOutcome(models.TextChoices):
    VERIFIED = "verified", _("已核实并处理")
    NO_PROBLEM = "no_problem", _("未发现问题")
    REFERRED = "referred", _("转交其他部门")
    UNVERIFIABLE = "unverifiable", _("信息不足，无法核实")


class ReportSource(models.TextChoices):
    FILING_PAGE = "filing_page", _("备案公示页面")
    NUMBER_CHECK = "number_check", _("备案编号核验")


def screenshot_storage_name(instance: Report, filename: str) -> str:
    """Names the reporter does not choose; the extension follows the content, as for attachments."""
    import uuid

    extension = {"image/jpeg": "jpg", "image/png": "png"}[instance.screenshot_type]
    return f"reports/{uuid.uuid4().hex}.{extension}"


class Report(models.Model):
    """A problem a member of the public reports about a filing, or about a number shown somewhere.

    `state` is written only by `reports.services` through the table in `reports.transitions`. Nothing the
    reporter wrote (description, where they saw it, screenshot) and no contact is ever shown publicly: the
    reporter's code page shows the state and the public outcome only."""

    code = models.CharField(_("查询码"), max_length=19, unique=True, editable=False)
    source = models.CharField(_("来源"), max_length=16, choices=ReportSource.choices)
    category = models.CharField(_("问题类别"), max_length=16, choices=ReportCategory.choices)
    filing = models.ForeignKey(
        "algorithms.Filing",
        verbose_name=_("备案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    number = models.CharField(_("所报告的备案编号"), max_length=21, blank=True)
    description = models.TextField(_("问题描述"), blank=True)
    seen_where = models.CharField(_("看到编号的应用或网站"), max_length=SEEN_WHERE_MAX, blank=True)
    seen_url = models.CharField(_("网址"), max_length=SEEN_URL_MAX, blank=True)
    screenshot = models.FileField(
        _("截图"), upload_to=screenshot_storage_name, max_length=200, null=True, blank=True
    )
    screenshot_type = models.CharField(_("截图类型"), max_length=40, blank=True)
    email = models.EmailField(_("联系邮箱"), blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=ReportState.choices, editable=False, db_index=True
    )
    outcome = models.CharField(_("处理结果"), max_length=16, choices=ReportOutcome.choices, blank=True)
    public_outcome = models.TextField(_("公开的处理说明"), blank=True)
    filer_message = models.TextField(_("告知备案主体的内容"), blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("受理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now, editable=False)
    received_at = models.DateTimeField(_("受理队列时间"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("问题报告")
        verbose_name_plural = _("问题报告")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"], name="report_state_created")]

    def __str__(self) -> str:
        return f"{self.get_category_display()} #{self.pk}"

    @property
    def display_number(self) -> str:
        return f"网信算备{self.number}号" if self.number else ""

    def region_code(self) -> str:
        """SEC-02: the region on record of the filing's entity; "" (national reviewers only) when the
        report names no filing the portal knows."""
        if self.filing_id is None:
            return ""
        return self.filing.review_region_code() or ""


class ReportEvent(AppendOnly):
    """One move of a report: who, when, from, to, and the note. Append-only."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=16, choices=ReportAction.choices)
    from_state = models.CharField(_("原状态"), max_length=16, choices=ReportState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=16, choices=ReportState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("问题报告处理记录")
        verbose_name_plural = _("问题报告处理记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"#{self.report_id} {self.from_state}→{self.to_state}"
