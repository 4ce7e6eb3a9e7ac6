"""The provisional working-day calendar of a year whose State Council schedule is not out yet (DL-05).

《全国年节及纪念日放假办法》 (as amended in 2024, in force from 2025) fixes the public holidays years
ahead: 元旦 1 day (1 January), 春节 4 days (农历除夕 through 正月初三), 清明节 1 day (the day of the
清明 solar term), 劳动节 2 days (1 and 2 May), 端午节 1 day (农历五月初五), 中秋节 1 day (农历八月十五),
国庆节 3 days (1 to 3 October). Its article 6: a holiday that falls on a Saturday or Sunday is made up on
a working day (补假). Only the State Council's yearly notice moves weekend days into longer breaks
(调休); that swaps days but does not change how many working days a year has.

So the provisional calendar is: Monday–Friday working, minus each holiday falling on one of them, minus
one made-up day for each holiday falling on a weekend (or on a day already off for another holiday),
placed on the first working days after that festival — where every notice since 2008 has put them
(e.g. 2022: 元旦 on a Saturday, 3 January off). For 2025 and 2026 it gives the same number of working
days as the State Council's schedules (tests/test_calendar_provisional.py).

Lunar dates and the 清明 solar term come from `lunar_python` (6tail's lunar, maintained), which covers
the years this portal will ever compute deadlines in.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

# The amended 办法 applies from 2025; a provisional calendar is never needed for a year before it
# (the bundled library covers them), and lunar_python's tables end in 9999 but are checked far less.
FIRST_YEAR = 2025
LAST_YEAR = 2199


def _lunar_day(year: int, month: int, day: int) -> date:
    from lunar_python import Lunar

    solar = Lunar.fromYmd(year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _qingming(year: int) -> date:
    from lunar_python import Lunar

    solar = Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"]
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def statutory_holidays(year: int) -> list[tuple[str, list[date]]]:
    """The public holidays of `year` under the amended 办法, festival by festival, in date order."""
    new_year = _lunar_day(year, 1, 1)  # 正月初一
    festivals = [
        ("元旦", [date(year, 1, 1)]),
        ("春节", [new_year + timedelta(days=i) for i in range(-1, 3)]),  # 除夕 … 初三
        ("清明节", [_qingming(year)]),
        ("劳动节", [date(year, 5, 1), date(year, 5, 2)]),
        ("端午节", [_lunar_day(year, 5, 5)]),
        ("中秋节", [_lunar_day(year, 8, 15)]),
        ("国庆节", [date(year, 10, d) for d in (1, 2, 3)]),
    ]
    return sorted(festivals, key=lambda festival: festival[1][0])


def provisional_days_off(year: int) -> dict[date, str]:
    """Every Monday–Friday of `year` that the provisional calendar keeps off, with its festival's name
    (a made-up day is named "<festival>（补假）")."""
    off: dict[date, str] = {}
    for name, days in statutory_holidays(year):
        owed = 0
        for day in days:
            if day.weekday() < 5 and day not in off:
                off[day] = name
            else:
                owed += 1  # art. 6: made up on a working day
        day = days[-1]
        while owed:
            day += timedelta(days=1)
            if day.weekday() < 5 and day not in off and day.year == year:
                off[day] = f"{name}（补假）"
                owed -= 1
    return off


@functools.cache
def provisional_year(year: int) -> tuple[bool, ...] | None:
    """Working day or not for each day of `year` (index 0 = 1 January) on the provisional calendar;
    None for a year outside the range this is defined for."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    off = provisional_days_off(year)
    first = date(year, 1, 1)
    days = (date(year + 1, 1, 1) - first).days
    return tuple((day := first + timedelta(days=i)).weekday() < 5 and day not in off for i in range(days))
