"""Filing-number allocation (NUM-01…03): an entity's 7-digit code and the sequences per entity and type."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EntityCode(models.Model):
    """Digits 7–13 of every number of one entity, assigned once (NUM-02)."""

    entity = models.OneToOneField("filers.Entity", on_delete=models.PROTECT, related_name="number_code")
    code = models.CharField(_("主体编码"), max_length=7, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("主体编码")
        verbose_name_plural = _("主体编码")

    def __str__(self) -> str:
        return self.code


class NumberSequence(models.Model):
    """Digits 18–20: the last sequence issued within one entity and algorithm type (NUM-02)."""

    entity = models.ForeignKey("filers.Entity", on_delete=models.PROTECT, related_name="+")
    algo_type = models.CharField(max_length=2)
    last = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("编号序列")
        verbose_name_plural = _("编号序列")
        constraints = [
            models.UniqueConstraint(fields=["entity", "algo_type"], name="sequence_per_entity_type")
        ]

    def __str__(self) -> str:
        return f"{self.entity_id}/{self.algo_type}: {self.last}"
