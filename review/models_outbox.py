"""REL-01: the transactional outbox — what a committed change owes the world, as rows."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxItem(models.Model):
    """One thing a change owes (a notification, an e-mail, a number, a deadline's date), written in the
    change's own transaction and done once: `key` names it uniquely, so owing it twice is owing it once.

    A worker does it as soon as the change commits; if the broker was down or the worker died, the sweep
    does it later. `done_at` is set in the same transaction as the work itself."""

    key = models.CharField(_("键"), max_length=150, unique=True)
    handler = models.CharField(_("处理程序"), max_length=60)
    args = models.JSONField(_("参数"), default=dict)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    available_at = models.DateTimeField(_("可执行时间"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("待办事项（发件箱）")
        verbose_name_plural = _("待办事项（发件箱）")
        indexes = [
            models.Index(
                fields=["available_at", "created_at"],
                condition=models.Q(done_at__isnull=True),
                name="outbox_pending",
            )
        ]

    def __str__(self) -> str:
        return self.key
