"""PRC working days (DL-05): the State Council's holiday schedule, 调休 included.

Sources, in order of precedence for a given date:

1. a `CalendarDay` row (holiday or adjusted working day) entered by an
   administrator — it overrides the library on that date;
2. the bundled `chinese_calendar` library, for the years it covers;
3. for a year an administrator marked complete (`CalendarYear.complete`):
   Monday–Friday are working days, Saturday and Sunday are not.

A year that is neither covered by the library nor marked complete is
*unknown*. `is_working_day`, `add_working_days` and `working_days_between`
raise `UnknownYear` for it, unless asked for `provisional=True`: then the
year is read on the provisional calendar of `review.statutory_holidays`
(weekends plus the statutory holidays of 《全国年节及纪念日放假办法》).
`deadline_for` tries the schedules first and falls back to the provisional
calendar, marking the result provisional (DL-05: "预计", never a blank).
Rows in a year that is not complete are a draft: they make the year neither
known nor change its provisional calendar.

Caching: each process keeps one working/non-working table per year, built on
first use. Every public call first reads a one-row fingerprint of the two
calendar tables (row counts and latest `updated_at`), so an edit made by any
process — or a transaction rolled back — is seen by the next call. A batch
job computing many deadlines can wrap its loop in `calendar_snapshot()` to
read the fingerprint once. Writes that bypass `save()` (`QuerySet.update`)
must set `updated_at`, or call `clear_cache()`.
"""

from __future__ import annotations

import contextvars
import functools
import threading
from bisect import bisect_left
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate

import chinese_calendar
from django.db import connection

from .models_calendar import CalendarDay, CalendarYear
from .statutory_holidays import provisional_year

__all__ = [
    "DeadlineResult",
    "UnknownYear",
    "add_working_days",
    "calendar_snapshot",
    "clear_cache",
    "deadline_for",
    "is_working_day",
    "library_covers",
    "working_days_between",
    "year_known",
]


class UnknownYear(Exception):
    """The calendar does not know the working days of `years` (DL-05): the library does not
    cover them and no administrator has marked them complete."""

    def __init__(self, *years: int) -> None:
        self.years: tuple[int, ...] = tuple(sorted(set(years)))
        super().__init__(
            "工作日历未录入 " + "、".join(f"{y}年" for y in self.years) + " 的节假日安排 (DL-05)"
        )

    @property
    def year(self) -> int:
        """The first unknown year."""
        return self.years[0]


@dataclass(frozen=True)
class DeadlineResult:
    """A deadline of n working days (DL-01…DL-05).

    `unknown_year` names the first year on the way whose State Council schedule is not entered. Then
    `due` is the provisional date (`provisional`), computed from the statutory holidays, or None when
    not even that can be computed (a year outside the provisional calendar's range).
    """

    due: date | None
    unknown_year: int | None = None
    provisional: bool = False

    @property
    def flagged(self) -> bool:
        """True when the calendar could not compute the deadline (DL-05: flagged, never guessed)."""
        return self.due is None


# --- The bundled library ---------------------------------------------------------------------


@functools.cache
def library_covers(year: int) -> bool:
    """True if the bundled `chinese_calendar` carries the State Council schedule of `year` (DL-05).

    The library signals a year it has no data for by raising NotImplementedError.
    """
    if not 1 <= year <= 9999:
        return False
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@functools.cache
def _library_year(year: int) -> tuple[bool, ...]:
    """Working day or not, for each day of a library year (index 0 = 1 January)."""
    first = date(year, 1, 1)
    return tuple(chinese_calendar.is_workday(first + timedelta(days=i)) for i in range(_days_in(year)))


def _weekday_year(year: int) -> tuple[bool, ...]:
    """Monday–Friday working, for a year an administrator marked complete."""
    first = date(year, 1, 1)
    return tuple((first + timedelta(days=i)).weekday() < 5 for i in range(_days_in(year)))


def _days_in(year: int) -> int:
    return 366 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 365


# --- Per-process cache, validated against the database -------------------------------------


@dataclass
class _Year:
    working: tuple[bool, ...]
    # cum[i] = number of working days among days 0 .. i-1 of the year; len = days + 1.
    cum: tuple[int, ...]


@dataclass
class _State:
    fingerprint: tuple
    complete_years: frozenset[int]
    overrides: dict[int, dict[int, bool]]  # year -> {day index: working?}
    years: dict[int, _Year | None] = field(default_factory=dict)

    provisional_years: dict[int, _Year | None] = field(default_factory=dict)

    def year(self, year: int, provisional: bool = False) -> _Year | None:
        """The year's table; for an unknown year None, or its provisional table when `provisional`."""
        table = self._official(year)
        if table is None and provisional:
            if year not in self.provisional_years:
                base = provisional_year(year)
                self.provisional_years[year] = (
                    None if base is None else _Year(working=base, cum=(0, *accumulate(base)))
                )
            table = self.provisional_years[year]
        return table

    def _official(self, year: int) -> _Year | None:
        try:
            return self.years[year]
        except KeyError:
            pass
        if library_covers(year):
            base = _library_year(year)
        elif year in self.complete_years:
            base = _weekday_year(year)
        else:
            self.years[year] = None
            return None
        overrides = self.overrides.get(year)
        if overrides:
            working = list(base)
            for index, value in overrides.items():
                working[index] = value
            base = tuple(working)
        built = _Year(working=base, cum=(0, *accumulate(base)))
        self.years[year] = built
        return built


_lock = threading.Lock()
_state: _State | None = None
_pinned: contextvars.ContextVar[_State | None] = contextvars.ContextVar("calendar_pinned", default=None)


def _fingerprint() -> tuple:
    days, years = CalendarDay._meta.db_table, CalendarYear._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {days}), (SELECT MAX(updated_at) FROM {days}),"  # noqa: S608
            f" (SELECT COUNT(*) FROM {years}), (SELECT MAX(updated_at) FROM {years})"
        )
        return (connection.alias, *cursor.fetchone())


def _load(fingerprint: tuple) -> _State:
    overrides: dict[int, dict[int, bool]] = {}
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        index = day.toordinal() - date(day.year, 1, 1).toordinal()
        overrides.setdefault(day.year, {})[index] = kind == CalendarDay.Kind.WORKDAY
    complete = frozenset(CalendarYear.objects.filter(complete=True).values_list("year", flat=True))
    return _State(fingerprint=fingerprint, complete_years=complete, overrides=overrides)


def _current() -> _State:
    pinned = _pinned.get()
    if pinned is not None:
        return pinned
    global _state
    fingerprint = _fingerprint()
    state = _state
    if state is None or state.fingerprint != fingerprint:
        with _lock:
            state = _state
            if state is None or state.fingerprint != fingerprint:
                state = _state = _load(fingerprint)
    return state


def clear_cache() -> None:
    """Forget the cached calendar; the next call reads the database again."""
    global _state
    with _lock:
        _state = None


@contextmanager
def calendar_snapshot() -> Iterator[None]:
    """Read the calendar once for a batch of calls (DL-06 jobs): inside the block, calls do not
    query the database, and edits made meanwhile are not seen."""
    if _pinned.get() is not None:
        yield
        return
    token = _pinned.set(_current())
    try:
        yield
    finally:
        _pinned.reset(token)


# --- Public API ---------------------------------------------------------------------------------


def year_known(year: int) -> bool:
    """True if the working days of `year` are known (DL-05): the bundled library covers it, or an
    administrator marked it complete (`CalendarYear.complete`)."""
    return _current().year(year) is not None


def is_working_day(day: date) -> bool:
    """True if `day` is a PRC working day (DL-05), 调休 included; raises UnknownYear for a year the
    calendar does not know — never falls back to weekends alone."""
    table = _current().year(day.year)
    if table is None:
        raise UnknownYear(day.year)
    return table.working[day.toordinal() - date(day.year, 1, 1).toordinal()]


def add_working_days(start: date, n: int, *, provisional: bool = False) -> date:
    """The n-th working day after `start` (DL-01…DL-05): the day of the event does not count.

    From a Friday, 1 working day is the next Monday if that is a working day. n = 0 returns
    `start`. Raises UnknownYear if a day it has to look at lies in a year the calendar does not
    know (with `provisional`, only if that year has no provisional calendar either), ValueError if
    n < 0.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    if n == 0:
        return start
    state = _current()
    year = start.year
    index = start.toordinal() - date(year, 1, 1).toordinal() + 1  # first day that counts
    need = n
    while True:
        days = _days_in(year)
        if index < days:
            table = state.year(year, provisional)
            if table is None:
                raise UnknownYear(year)
            available = table.cum[days] - table.cum[index]
            if need <= available:
                # first day j >= index with cum[j + 1] - cum[index] == need
                j = bisect_left(table.cum, table.cum[index] + need) - 1
                return date(year, 1, 1) + timedelta(days=j)
            need -= available
        year += 1
        index = 0


def working_days_between(start: date, end: date, *, provisional: bool = False) -> int:
    """The working days after `start` up to and including `end` (DL-05, DL-06 "N working days left").

    Negative when `end` is before `start`: working_days_between(a, b) == -working_days_between(b, a).
    Raises UnknownYear (with every unknown year in the range) if the range reaches a year the
    calendar does not know; with `provisional`, unknown years are counted on their provisional calendar.
    """
    if end < start:
        return -working_days_between(end, start, provisional=provisional)
    if end == start:
        return 0
    state = _current()
    total = 0
    unknown: list[int] = []
    first = start + timedelta(days=1)
    for year in range(first.year, end.year + 1):
        lo = first.toordinal() - date(year, 1, 1).toordinal() if year == first.year else 0
        hi = end.toordinal() - date(year, 1, 1).toordinal() + 1 if year == end.year else _days_in(year)
        table = state.year(year, provisional)
        if table is None:
            unknown.append(year)
            continue
        total += table.cum[hi] - table.cum[lo]
    if unknown:
        raise UnknownYear(*unknown)
    return total


def deadline_for(start: date, n: int) -> DeadlineResult:
    """The deadline n working days after `start` (DL-01…DL-04), never raising for the calendar:
    if a year on the way is unknown, `unknown_year` names it and `due` is the provisional date from
    the statutory holidays (DL-05), or None if that year has no provisional calendar either."""
    try:
        return DeadlineResult(due=add_working_days(start, n))
    except UnknownYear as exc:
        unknown = exc.year
    try:
        due = add_working_days(start, n, provisional=True)
    except UnknownYear:
        return DeadlineResult(due=None, unknown_year=unknown)
    return DeadlineResult(due=due, unknown_year=unknown, provisional=True)
