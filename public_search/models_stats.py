"""STAT-01: the public statistics as counters, kept up to date in the public projection's own transaction
(public_search.stats), so the statistics page reads a few hundred small rows whatever the number of
filings, never the filings themselves."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StatChart(models.TextChoices):
    APPROVED = "approved", _("每月备案通过数（按算法类型）")
    PROVINCE = "province", _("在册备案数（按省份）")
    DOMAIN = "domain", _("在册备案数（按应用领域）")
    ENDED = "ended", _("每月注销和撤销数")


class StatCount(models.Model):
    """How many published filings fall in one cell of one chart: (chart, period "YYYY-MM" or "", key)."""

    pk = models.CompositePrimaryKey("chart", "period", "key")
    chart = models.CharField(max_length=16, choices=StatChart.choices)
    period = models.CharField(max_length=7, blank=True)
    key = models.CharField(max_length=100)
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("统计计数")
        verbose_name_plural = _("统计计数")

    def __str__(self) -> str:
        return f"{self.chart} {self.period} {self.key}: {self.n}"
