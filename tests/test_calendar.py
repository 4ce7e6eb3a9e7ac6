"""DL-05: PRC working days — the State Council schedule with 调休, administrator-entered years,
unknown years provisional (预计) from the statutory holidays; the import_calendar command and the admin."""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from io import StringIO

import chinese_calendar
import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from review.calendar import (
    DeadlineResult,
    UnknownYear,
    add_working_days,
    calendar_snapshot,
    deadline_for,
    is_working_day,
    working_days_between,
    year_known,
)
from review.models import CalendarDay, CalendarYear

from .factories import UserFactory

pytestmark = pytest.mark.django_db

# A made-up 2027 schedule for the tests: no official 2027 schedule exists yet.
TEST_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-02-06,workday,春节
2027-02-08,holiday,春节
"""


def days(start: date, end: date):
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)


def write_csv(tmp_path, text: str, name: str = "calendar.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def import_calendar(*args) -> str:
    out = StringIO()
    call_command("import_calendar", *map(str, args), stdout=out)
    return out.getvalue()


def reference_add(start: date, n: int) -> date:
    """The n-th working day after start, day by day on the library alone."""
    d = start
    while n:
        d += timedelta(days=1)
        n -= chinese_calendar.is_workday(d)
    return d


# --- The bundled schedule: 2025 and 2026 ------------------------------------------------------


def test_dl_05_2025_and_2026_follow_the_bundled_state_council_schedule():
    for d in days(date(2025, 1, 1), date(2026, 12, 31)):
        assert is_working_day(d) == chinese_calendar.is_workday(d), d


def test_dl_05_2025_holidays_and_adjusted_working_days():
    # 春节: 1-28 … 2-4 off; Sunday 1-26 and Saturday 2-8 worked.
    assert is_working_day(date(2025, 1, 26)) and date(2025, 1, 26).weekday() == 6
    assert is_working_day(date(2025, 2, 8)) and date(2025, 2, 8).weekday() == 5
    assert not any(is_working_day(d) for d in days(date(2025, 1, 28), date(2025, 2, 4)))
    # 国庆节 + 中秋: 10-1 … 10-8 off; Sunday 9-28 and Saturday 10-11 worked.
    assert not any(is_working_day(d) for d in days(date(2025, 10, 1), date(2025, 10, 8)))
    assert is_working_day(date(2025, 9, 28)) and date(2025, 9, 28).weekday() == 6
    assert is_working_day(date(2025, 10, 11)) and date(2025, 10, 11).weekday() == 5
    assert is_working_day(date(2025, 10, 9))
    weekend_worked = {
        d for d in days(date(2025, 1, 1), date(2025, 12, 31)) if d.weekday() >= 5 and is_working_day(d)
    }
    assert weekend_worked == {
        date(2025, 1, 26),
        date(2025, 2, 8),
        date(2025, 4, 27),
        date(2025, 9, 28),
        date(2025, 10, 11),
    }


def test_dl_05_2026_holidays_and_adjusted_working_days():
    weekend_worked = {
        d for d in days(date(2026, 1, 1), date(2026, 12, 31)) if d.weekday() >= 5 and is_working_day(d)
    }
    assert weekend_worked == {
        date(2026, 1, 4),  # Sunday, 元旦
        date(2026, 2, 14),  # Saturday, 春节
        date(2026, 2, 28),  # Saturday, 春节
        date(2026, 5, 9),  # Saturday, 劳动节
        date(2026, 9, 20),  # Sunday, 国庆节
        date(2026, 10, 10),  # Saturday, 国庆节
    }
    assert not any(is_working_day(d) for d in days(date(2026, 1, 1), date(2026, 1, 3)))
    assert not any(is_working_day(d) for d in days(date(2026, 2, 15), date(2026, 2, 23)))
    assert not any(is_working_day(d) for d in days(date(2026, 5, 1), date(2026, 5, 5)))
    assert not is_working_day(date(2026, 6, 19))  # 端午, Friday
    assert not is_working_day(date(2026, 9, 25))  # 中秋, Friday
    assert not any(is_working_day(d) for d in days(date(2026, 10, 1), date(2026, 10, 7)))
    assert is_working_day(date(2026, 2, 24)) and is_working_day(date(2026, 10, 9))


def test_dl_05_years_known():
    assert year_known(2004) and year_known(2025) and year_known(2026)
    assert not year_known(2003) and not year_known(2027)


# --- Counting --------------------------------------------------------------------------------


def test_dl_05_the_day_of_the_event_does_not_count():
    assert add_working_days(date(2025, 3, 7), 1) == date(2025, 3, 10)  # Friday → Monday
    assert add_working_days(date(2025, 3, 8), 1) == date(2025, 3, 10)  # Saturday → Monday
    assert add_working_days(date(2025, 3, 10), 1) == date(2025, 3, 11)
    assert add_working_days(date(2025, 3, 7), 0) == date(2025, 3, 7)
    with pytest.raises(ValueError):
        add_working_days(date(2025, 3, 7), -1)


def test_dl_05_adjusted_working_days_count_and_holidays_do_not():
    assert add_working_days(date(2025, 1, 24), 1) == date(2025, 1, 26)  # Friday → the worked Sunday
    assert add_working_days(date(2025, 1, 27), 1) == date(2025, 2, 5)  # over 春节
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)  # over 国庆节
    assert add_working_days(date(2025, 9, 30), 3) == date(2025, 10, 11)  # the worked Saturday
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)  # Friday → the worked Saturday
    assert add_working_days(date(2025, 12, 30), 3) == date(2026, 1, 5)  # across the year: 12-31, 1-4, 1-5


def test_dl_05_working_days_between():
    # After Friday 9-26 up to Saturday 10-11: 9-28, 9-29, 9-30, 10-9, 10-10, 10-11.
    assert working_days_between(date(2025, 9, 26), date(2025, 10, 11)) == 6
    assert working_days_between(date(2025, 10, 11), date(2025, 9, 26)) == -6
    assert working_days_between(date(2025, 10, 1), date(2025, 10, 8)) == 0
    assert working_days_between(date(2025, 3, 7), date(2025, 3, 7)) == 0
    assert working_days_between(date(2025, 3, 7), date(2025, 3, 10)) == 1
    total = sum(chinese_calendar.is_workday(d) for d in days(date(2025, 1, 1), date(2026, 12, 31)))
    assert working_days_between(date(2024, 12, 31), date(2026, 12, 31)) == total


def test_dl_05_add_and_between_round_trip_on_random_starts():
    rng = random.Random(20250101)  # noqa: S311
    first, last = date(2025, 1, 1), date(2026, 8, 31)
    for _ in range(500):
        start = first + timedelta(days=rng.randrange((last - first).days))
        n = rng.randrange(0, 61)
        due = add_working_days(start, n)
        assert due == reference_add(start, n), (start, n)
        assert working_days_between(start, due) == n
        assert working_days_between(due, start) == -n
        if n:
            assert is_working_day(due)
            assert working_days_between(start, due - timedelta(days=1)) == n - 1
        end = start + timedelta(days=rng.randrange(0, 90))
        k = working_days_between(start, end)
        back = add_working_days(start, k)
        assert back <= end
        assert (back == end) == (is_working_day(end) or k == 0 and end == start)


# --- Unknown years: flagged, never guessed --------------------------------------------------


def test_dl_05_unknown_year_raises():
    with pytest.raises(UnknownYear) as exc:
        is_working_day(date(2027, 1, 4))
    assert exc.value.year == 2027 and exc.value.years == (2027,)
    with pytest.raises(UnknownYear):
        is_working_day(date(2003, 6, 2))
    with pytest.raises(UnknownYear) as exc:
        add_working_days(date(2026, 12, 30), 2)
    assert exc.value.year == 2027
    assert add_working_days(date(2026, 12, 30), 1) == date(2026, 12, 31)  # stays in 2026
    with pytest.raises(UnknownYear) as exc:
        working_days_between(date(2026, 12, 1), date(2028, 1, 10))
    assert exc.value.years == (2027, 2028)
    with pytest.raises(UnknownYear):
        working_days_between(date(2027, 1, 10), date(2026, 12, 1))


def test_dl_05_deadline_in_an_unknown_year_is_provisional_never_blank():
    # 25 working days remain in 2026 after Thursday 11-26.
    assert deadline_for(date(2026, 11, 26), 25) == DeadlineResult(due=date(2026, 12, 31))
    # 2027 is not entered: 元旦 (Friday 01-01) is off by statute, so 01-04 … 01-08 are days 26 … 30.
    result = deadline_for(date(2026, 11, 26), 30)
    assert result == DeadlineResult(due=date(2027, 1, 8), unknown_year=2027, provisional=True)
    assert not result.flagged
    assert not deadline_for(date(2025, 3, 7), 10).flagged
    # Beyond the provisional calendar's range a deadline is still flagged rather than guessed.
    beyond = deadline_for(date(2199, 12, 1), 30)
    assert beyond.flagged and beyond.unknown_year == 2199


def test_dl_05_rows_of_an_incomplete_year_do_not_make_it_known():
    CalendarDay.objects.create(date=date(2027, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦")
    CalendarYear.objects.create(year=2027, complete=False)
    assert not year_known(2027)
    with pytest.raises(UnknownYear):
        is_working_day(date(2027, 1, 1))
    assert deadline_for(date(2026, 11, 26), 30).unknown_year == 2027


def test_dl_05_a_complete_year_entered_by_an_administrator(tmp_path):
    import_calendar(write_csv(tmp_path, TEST_2027), "--year", 2027, "--complete")
    assert year_known(2027)
    # 25 working days to 12-31, then 2027-01-01 (Friday) is a holiday: 1-4 … 1-8.
    assert deadline_for(date(2026, 11, 26), 30) == DeadlineResult(due=date(2027, 1, 8))
    assert not is_working_day(date(2027, 1, 1))
    assert is_working_day(date(2027, 2, 6))  # the Saturday row
    assert not is_working_day(date(2027, 2, 7))  # an ordinary Sunday
    assert not is_working_day(date(2027, 2, 8))
    assert is_working_day(date(2027, 2, 9))  # an ordinary Tuesday
    assert working_days_between(date(2027, 2, 5), date(2027, 2, 9)) == 2
    with pytest.raises(UnknownYear):
        add_working_days(date(2027, 12, 1), 30)  # into 2028

    CalendarDay.objects.get(date=date(2027, 1, 1)).delete()
    assert deadline_for(date(2026, 11, 26), 30).due == date(2027, 1, 7)
    CalendarYear.objects.filter(year=2027).update(complete=False, updated_at=timezone.now())
    assert deadline_for(date(2026, 11, 26), 30).unknown_year == 2027


def test_dl_05_rows_override_the_library():
    assert not is_working_day(date(2025, 10, 8))
    CalendarDay.objects.create(date=date(2025, 10, 8), kind=CalendarDay.Kind.WORKDAY, name="国庆节")
    CalendarDay.objects.create(date=date(2025, 10, 9), kind=CalendarDay.Kind.HOLIDAY, name="测试")
    assert is_working_day(date(2025, 10, 8)) and not is_working_day(date(2025, 10, 9))
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 8)
    assert add_working_days(date(2025, 9, 30), 2) == date(2025, 10, 10)
    CalendarDay.objects.filter(date__year=2025).delete()
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert not is_working_day(date(2025, 10, 8))


def test_dl_05_edits_from_elsewhere_and_rollbacks_are_seen():
    assert is_working_day(date(2026, 3, 2))
    # bulk_create sends no signals: the next call still sees it.
    CalendarDay.objects.bulk_create([CalendarDay(date=date(2026, 3, 2), kind=CalendarDay.Kind.HOLIDAY)])
    assert not is_working_day(date(2026, 3, 2))
    with transaction.atomic():
        CalendarDay.objects.create(date=date(2026, 3, 3), kind=CalendarDay.Kind.HOLIDAY)
        assert not is_working_day(date(2026, 3, 3))
        transaction.set_rollback(True)
    assert is_working_day(date(2026, 3, 3))


def test_dl_05_one_query_per_call_none_in_a_snapshot(django_assert_num_queries):
    add_working_days(date(2025, 3, 7), 30)  # warm up
    with django_assert_num_queries(1):
        assert add_working_days(date(2025, 3, 7), 30) == reference_add(date(2025, 3, 7), 30)
    with django_assert_num_queries(1), calendar_snapshot():
        for month in range(1, 13):
            deadline_for(date(2025, month, 1), 30)
            working_days_between(date(2025, month, 1), date(2026, month, 1))


def test_dl_05_add_working_days_is_fast():
    add_working_days(date(2025, 3, 7), 30)
    runs = 500
    began = time.perf_counter()
    for i in range(runs):
        add_working_days(date(2025, 1, 1) + timedelta(days=i % 600), 30)
    per_call = (time.perf_counter() - began) / runs
    assert per_call < 0.005, f"{per_call * 1000:.3f} ms per call"


# --- import_calendar --------------------------------------------------------------------------


def test_dl_05_import_command_upserts_rows(tmp_path):
    out = import_calendar(write_csv(tmp_path, TEST_2027))
    assert "3 rows imported (3 new, 0 replaced)" in out
    assert not year_known(2027)  # not marked complete
    row = CalendarDay.objects.get(date=date(2027, 2, 6))
    assert (row.kind, row.name, row.updated_by) == ("workday", "春节", None)
    # Re-importing replaces; a BOM and a note column are accepted.
    text = "\ufeffdate,kind,name,note\n2027-02-06,workday,春节调休,国办发明电\n\n"
    out = import_calendar(write_csv(tmp_path, text, "again.csv"))
    assert "1 rows imported (0 new, 1 replaced)" in out
    row.refresh_from_db()
    assert (row.name, row.note) == ("春节调休", "国办发明电")
    assert CalendarDay.objects.count() == 3


def test_dl_05_import_command_complete_marks_the_year(tmp_path):
    out = import_calendar(write_csv(tmp_path, TEST_2027), "--complete", "--source", "测试安排")
    assert "Marked complete: 2027" in out
    year = CalendarYear.objects.get(year=2027)
    assert year.complete and year.source == "测试安排"
    assert year_known(2027)


def test_dl_05_import_command_bad_rows_write_nothing(tmp_path):
    text = (
        "date,kind,name\n"
        "2027-01-01,holiday,元旦\n"  # line 2: fine
        "2027-02-30,holiday,春节\n"  # line 3
        "2027-02-06,holliday,春节\n"  # line 4
        "2027/02/07,workday,春节\n"  # line 5
        "2027-01-01,holiday,元旦\n"  # line 6: duplicate of line 2
        "2027-02-09,workday,春节\n"  # line 7: a Tuesday
        "2028-01-01,holiday,元旦\n"  # line 8: not --year
        "2027-02-10,holiday\n"  # line 9
    )
    with pytest.raises(CommandError) as exc:
        import_calendar(write_csv(tmp_path, text), "--year", 2027, "--complete")
    message = str(exc.value)
    assert "nothing written" in message
    for line, reason in [
        (3, "does not exist"),
        (4, "'holliday' is not holiday or workday"),
        (5, "is not YYYY-MM-DD"),
        (6, "already on line 2"),
        (7, "is a weekday"),
        (8, "not in --year 2027"),
        (9, "2 fields, expected 3"),
    ]:
        assert f"line {line}: " in message and reason in message, (line, reason)
    assert "line 2:" not in message
    assert not CalendarDay.objects.exists() and not CalendarYear.objects.exists()


def test_dl_05_import_command_refuses_bad_files(tmp_path):
    with pytest.raises(CommandError, match="header must be date,kind,name"):
        import_calendar(write_csv(tmp_path, "day,type\n2027-01-01,holiday\n"))
    with pytest.raises(CommandError, match="No such file"):
        import_calendar(tmp_path / "missing.csv")
    with pytest.raises(CommandError, match="refusing to mark an empty"):
        import_calendar(write_csv(tmp_path, "date,kind,name\n"), "--year", 2027, "--complete")
    assert not CalendarYear.objects.exists()


def test_dl_05_import_command_overrides_a_library_year(tmp_path):
    out = import_calendar(write_csv(tmp_path, "date,kind,name\n2025-10-08,workday,国庆节\n"))
    assert "2025 is in the bundled calendar" in out
    assert is_working_day(date(2025, 10, 8))


# --- Admin ------------------------------------------------------------------------------------


def test_dl_05_administrator_enters_days_and_years_in_the_admin(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:review_calendarday_add"),
        {"date": "2027-01-01", "kind": "holiday", "name": "元旦", "note": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CalendarDay.objects.get(date=date(2027, 1, 1)).updated_by == admin_user
    response = client.post(
        reverse("admin:review_calendaryear_add"), {"year": "2027", "complete": "on", "source": "测试"}
    )
    assert response.status_code == 302
    assert year_known(2027) and not is_working_day(date(2027, 1, 1))
    for name in ("admin:review_calendarday_changelist", "admin:review_calendaryear_changelist"):
        page = client.get(reverse(name))
        assert page.status_code == 200
    assert "节假日与调休" in client.get(reverse("admin:index")).content.decode()
