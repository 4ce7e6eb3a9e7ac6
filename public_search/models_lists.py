"""A 备案清单 (PUB-05) too long to make during a request: made by a Celery task, which records its
progress here for the page the reader waits on. The file is public data, like the list itself."""

from __future__ import annotations

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

    period = models.CharField(_("期间"), max_length=7, help_text=_("某月 YYYY-MM 或全年 YYYY"))
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
