"""Fields for the values a request carries as text or JSON (SEC-05).

Ids, years, moments and days are parsed here once, for the pages' forms and the API's serializers alike,
so that no view calls int(), isdigit(), date.fromisoformat() or parse_datetime() on raw input. A bad value
is a ValidationError at its field — a 400 naming it — never a 5xx:

- Python's int() and isdigit() take digits of every script ("²".isdigit() is true, int("٣") is 3): an id
  or a year here is ASCII digits only.
- An id beyond a 64-bit integer overflows SQLite and PostgreSQL's bigint: ids stop at MAX_ID.
- A moment in year 1 or 9999 overflows when it is moved to UTC: moments stay between the regulation and
  a day from now.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# The largest id either database stores: PostgreSQL's bigint and SQLite's INTEGER are signed 64-bit.
MAX_ID = 2**63 - 1
# 《互联网信息服务算法推荐管理规定》 is in force from 2022-03-01: nothing was filed, listed or changed before.
FIRST_YEAR = 2022
FIRST_DAY = date(2022, 3, 1)
# How far ahead a moment may be: clocks differ by seconds, not by more than a day.
FUTURE_SLACK = timedelta(days=1)

_DIGITS = re.compile(r"[0-9]{1,20}")
_YEAR = re.compile(r"[0-9]{4}")


def last_year() -> int:
    """The latest year a filter may name: the next one (a list or a deadline may already reach into it)."""
    return timezone.localdate().year + 1


def id_parse(value) -> int:
    """An object's id: ASCII digits, or a JSON integer, from 0 to MAX_ID."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        raise ValidationError(_("应为编号（0至9223372036854775807的整数）。"), code="invalid")
    if not 0 <= number <= MAX_ID:
        raise ValidationError(_("编号超出范围（0至9223372036854775807）。"), code="out_of_range")
    return number


def year_parse(value) -> int:
    """A year of filing: four ASCII digits (or a JSON integer) from 2022 to next year."""
    if isinstance(value, int) and not isinstance(value, bool):
        year = value
    elif isinstance(value, str) and _YEAR.fullmatch(value.strip()):
        year = int(value.strip())
    else:
        raise ValidationError(_("年份应为四位数字，如2026。"), code="invalid")
    if not FIRST_YEAR <= year <= last_year():
        raise ValidationError(
            _("年份应在%(first)s年至%(last)s年之间（算法备案自2022年3月1日起办理）。")
            % {"first": FIRST_YEAR, "last": last_year()},
            code="out_of_range",
        )
    return year


def moment_parse(value) -> datetime:
    """An ISO 8601 moment in ASCII, e.g. 2026-11-01T08:00:00+08:00; without an offset it is Beijing time.
    From 2022 to a day from now."""
    text = value.strip() if isinstance(value, str) else ""
    try:
        if not text.isascii():
            raise ValueError(text)
        moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise ValidationError(_("应为ISO 8601时间，如2026-11-01T00:00:00+08:00。"), code="invalid") from None
    if timezone.is_naive(moment):
        if moment.year < FIRST_YEAR or moment.year > last_year():
            raise ValidationError(_moment_range_message(), code="out_of_range")
        moment = timezone.make_aware(moment)
    # Aware moments compare across offsets without being moved to UTC, so year 1 or 9999 cannot overflow.
    first = datetime(FIRST_YEAR, 1, 1, tzinfo=timezone.get_default_timezone())
    if not first <= moment <= timezone.now() + FUTURE_SLACK:
        raise ValidationError(_moment_range_message(), code="out_of_range")
    return moment


def _moment_range_message() -> str:
    return _("时间应在2022年1月1日至明天之间。")


def day_parse(value) -> date:
    """A day, YYYY-MM-DD in ASCII, from 2022-03-01 (the regulation in force) to next year."""
    text = value.strip() if isinstance(value, str) else ""
    try:
        if not (text.isascii() and len(text) == 10):
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        raise ValidationError(_("日期格式应为年-月-日，如2026-11-01。"), code="invalid") from None
    if not FIRST_DAY <= day <= date(last_year(), 12, 31):
        raise ValidationError(_("日期应在2022年3月1日之后。"), code="out_of_range")
    return day


class IdConverter:
    """`<id:pk>` in a URL: ASCII digits up to MAX_ID. Anything else matches no route: a 404, where
    `<int:pk>` let a 20-digit id through to the database, which overflowed (a 500)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError(value)  # Django takes this as "no match"
        return number

    def to_url(self, value) -> str:
        return str(value)


# --- Form fields (pages) ----------------------------------------------------------------------------


class _ParsedFormField(forms.Field):
    parse = staticmethod(id_parse)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return self.parse(value)


class IdField(_ParsedFormField):
    """An object's id in a form; the widget carries it as text."""


class YearField(_ParsedFormField):
    parse = staticmethod(year_parse)


class MomentField(_ParsedFormField):
    parse = staticmethod(moment_parse)


class DayField(_ParsedFormField):
    parse = staticmethod(day_parse)
    widget = forms.DateInput(attrs={"type": "date"})


class IdListField(forms.Field):
    """The ids of ticked check boxes (`name=products` once per box): every one must be an id."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"too_many": _("最多可选择%(max)s项。")}

    def __init__(self, *, max_count: int = 10_000, **kwargs):
        self.max_count = max_count
        super().__init__(**kwargs)

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        if len(values) > self.max_count:
            raise ValidationError(
                self.error_messages["too_many"], code="too_many", params={"max": self.max_count}
            )
        return list(dict.fromkeys(id_parse(v) for v in values))


class TextListField(forms.Field):
    """Several texts under one name (a table's column, a path's steps), as typed: each without NUL
    (PostgreSQL refuses it in text and JSON: a 500) and, when a limit is given, within it."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "too_long": _("第%(n)s项不超过%(max)s个字（现为%(length)s个字）。"),
        "too_many": _("最多可填写%(max)s项。"),
    }

    def __init__(self, *, max_length: int | None = None, max_count: int = 100, **kwargs):
        self.max_length, self.max_count = max_length, max_count
        super().__init__(**kwargs)

    def to_python(self, value) -> list[str]:
        if not value:
            return []
        return [str(v) for v in (value if isinstance(value, list | tuple) else [value])]

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        if len(value) > self.max_count:
            raise ValidationError(
                self.error_messages["too_many"], code="too_many", params={"max": self.max_count}
            )
        for n, text in enumerate(value, 1):
            ProhibitNullCharactersValidator()(text)
            if self.max_length is not None and len(text) > self.max_length:
                raise ValidationError(
                    self.error_messages["too_long"],
                    code="too_long",
                    params={"n": n, "max": self.max_length, "length": len(text)},
                )


# --- Serializer fields (API) ------------------------------------------------------------------------


def _api(parse, data):
    try:
        return parse(data)
    except ValidationError as exc:
        raise serializers.ValidationError(exc.messages, code=exc.code) from None


@extend_schema_field({"type": "integer", "format": "int64", "minimum": 0, "maximum": MAX_ID})
class IdApiField(serializers.Field):
    def to_internal_value(self, data) -> int:
        return _api(id_parse, data)

    def to_representation(self, value) -> int:
        return value


@extend_schema_field({"type": "integer", "minimum": FIRST_YEAR, "maximum": last_year()})
class YearApiField(serializers.Field):
    def to_internal_value(self, data) -> int:
        return _api(year_parse, data)

    def to_representation(self, value) -> int:
        return value


@extend_schema_field({"type": "string", "format": "date-time"})
class MomentApiField(serializers.Field):
    def to_internal_value(self, data) -> datetime:
        return _api(moment_parse, data)

    def to_representation(self, value) -> str:
        return value.isoformat()


@extend_schema_field({"type": "string", "format": "date"})
class DayApiField(serializers.Field):
    def to_internal_value(self, data) -> date:
        return _api(day_parse, data)

    def to_representation(self, value) -> str:
        return value.isoformat()
