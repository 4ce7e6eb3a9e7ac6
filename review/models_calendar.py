"""The administrator-maintained part of the PRC working-day calendar (DL-05).

The bundled `chinese_calendar` library carries the State Council's holiday
schedule (国务院办公厅关于部分节假日安排的通知) for the years it knows. For the
other years — typically next year, before the library is upgraded — an
administrator enters the schedule in the admin: one `CalendarDay` per holiday
or adjusted working day (调休上班), then marks the year complete with a
`CalendarYear`. Rows also override the library on the days they name, for
corrections. `review.calendar` reads both.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """One day of the State Council's schedule that is not an ordinary Mon–Fri working day / weekend."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假（节假日）")
        WORKDAY = "workday", _("上班（调休）")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("节日名称"), max_length=64, blank=True, help_text=_("例如：春节、国庆节"))
    note = models.TextField(_("备注"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}".rstrip()


class CalendarYear(models.Model):
    """An administrator has entered the complete schedule of `year` (DL-05)."""

    year = models.PositiveSmallIntegerField(
        _("年份"), unique=True, validators=[MinValueValidator(1949), MaxValueValidator(9999)]
    )
    complete = models.BooleanField(
        _("已完整录入"),
        default=False,
        help_text=_(
            "勾选后，该年除所录节假日与调休外按周一至周五上班计算工作日，所有未结期限随即重新计算；"
            "未勾选的年份按法定节假日推算期限（预计）。"
        ),
    )
    source = models.TextField(
        _("依据"), blank=True, help_text=_("例如：国务院办公厅关于2027年部分节假日安排的通知（文号）")
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("已录入年份")
        verbose_name_plural = _("已录入年份")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)
