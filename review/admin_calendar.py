"""Admin for the working-day calendar (DL-05): administrators enter the years the bundled library
does not know, and may correct single days of the years it does."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .calendar import library_covers
from .models_calendar import CalendarDay, CalendarYear

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "kind", "name", "note", "updated_by", "updated_at")
    list_filter = ("kind", "name")
    search_fields = ("name", "note")
    date_hierarchy = "date"
    fields = ("date", "kind", "name", "note", "updated_by", "updated_at")
    readonly_fields = ("updated_by", "updated_at")

    @admin.display(description=_("星期"))
    def weekday(self, obj: CalendarDay) -> str:
        return WEEKDAYS[obj.date.weekday()]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "complete", "in_bundled_calendar", "source", "updated_at")
    list_filter = ("complete",)
    readonly_fields = ("updated_at",)

    @admin.display(description=_("内置日历已含"), boolean=True)
    def in_bundled_calendar(self, obj: CalendarYear) -> bool:
        return library_covers(obj.year)
