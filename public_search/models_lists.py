"""A 备案清单 (PUB-05) too long to make during a request: made by a Celery task, which records its
progress here for the page the reader waits on. The file is public data, like the list itself."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ListExport(models.Model):
    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        PDF = "pdf", "PDF"

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    period = models.CharField(
        _("期间"), max_length=12, help_text=_("某月 YYYY-MM、全年 YYYY，或批次 bYYYY-N（第N批）")
    )
    generative = models.BooleanField(_("生成合成类"), default=False)
    fmt = models.CharField(_("格式"), max_length=3, choices=Format.choices)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    total = models.PositiveIntegerField(_("条数"), default=0)
    file = models.FileField(_("文件"), upload_to="exports/", blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("备案清单导出")
        verbose_name_plural = _("备案清单导出")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["period", "generative", "fmt", "-created_at"], name="list_export_key")
        ]

    def __str__(self) -> str:
        kind = "生成合成类" if self.generative else ""
        return f"{self.period} {kind}备案清单（{self.fmt.upper()}）"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ListKind(models.TextChoices):
    """The two lists the CAC publishes (PUB-05). The values are the `kind` of the lists' URLs and open
    data."""

    INTERNET = "all", _("境内互联网信息服务算法备案清单")  # every type but 生成合成类
    DEEP_SYNTHESIS = "generative", _("境内深度合成服务算法备案清单")  # 生成合成类 only, with 角色


class ListBatch(models.Model):
    """第N批: the approvals an administrator published together in one list, numbered per year and list
    ("2026年第3批"). Made only by lists.list_batch_publish; its filings never change afterwards."""

    kind = models.CharField(_("清单"), max_length=10, choices=ListKind.choices)
    year = models.PositiveSmallIntegerField(_("年份"))
    number = models.PositiveSmallIntegerField(_("批次"))
    published_at = models.DateTimeField(_("发布时间"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    filings = models.ManyToManyField(
        "public_search.PublicFiling",
        through="ListBatchEntry",
        related_name="batches",
        verbose_name=_("备案"),
    )

    class Meta:
        verbose_name = _("备案清单批次")
        verbose_name_plural = _("备案清单批次")
        ordering = ["kind", "-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "number"], name="list_batch_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.label}）"

    @property
    def label(self) -> str:
        return f"{self.year}年第{self.number}批"

    @property
    def key(self) -> str:
        """How the lists name it in URLs and exports: "2026-3"."""
        return f"{self.year}-{self.number}"

    @property
    def generative(self) -> bool:
        return self.kind == ListKind.DEEP_SYNTHESIS


class ListBatchEntry(models.Model):
    """One filing of a batch. A filing is published in one batch only (the unique filing)."""

    batch = models.ForeignKey(ListBatch, on_delete=models.CASCADE, related_name="entries")
    filing = models.OneToOneField(
        "public_search.PublicFiling", on_delete=models.CASCADE, related_name="batch_entry"
    )

    class Meta:
        verbose_name = _("批次中的备案")
        verbose_name_plural = _("批次中的备案")

    def __str__(self) -> str:
        return f"{self.batch}: {self.filing_id}"
