"""DL-05 provisional deadlines (预计) for years whose State Council schedule is not entered, recomputed
the moment it is; DL-06 the filer's 期限 panel on the dashboard and on each object's page."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import chinese_calendar
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse

from algorithms.services import filing_save_step
from review.calendar import clear_cache
from review.models import CalendarYear, Deadline, DeadlineKind
from review.statutory_holidays import provisional_days_off, provisional_year

from .builders import BASIC, complete_entity, complete_filing, complete_product
from .factories import FilerFactory, ReviewerFactory, UserFactory

pytestmark = pytest.mark.django_db

WHY_2027 = "国务院尚未公布2027年放假安排，按法定节假日推算"


@pytest.fixture
def today(monkeypatch):
    """Pin the portal's 'today' (the day deadlines start and are counted from)."""

    def pin(day: date) -> None:
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)

    return pin


@pytest.fixture
def ready(filer):
    complete_entity(filer, approve=True)
    return filer, complete_product(filer, approve=True)


def _deadline(obj, kind) -> Deadline:
    return Deadline.objects.get(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, kind=kind, met_at=None
    )


# --- The provisional calendar -------------------------------------------------------------------


def test_dl_05_the_provisional_2027_calendar_from_the_statutory_holidays():
    """2027 by hand: 元旦 Fri 01-01; 春节 除夕 Fri 02-05, 初一 Sat 02-06, 初二 Sun 02-07, 初三 Mon 02-08,
    the two weekend days made up on Tue 02-09 and Wed 02-10 (art. 6); 清明 Mon 04-05; 劳动节 Sat 05-01 and
    Sun 05-02, made up Mon 05-03 and Tue 05-04; 端午 (五月初五) Wed 06-09; 中秋 (八月十五) Wed 09-15;
    国庆 Fri 10-01, Sat 10-02 and Sun 10-03 made up Mon 10-04 and Tue 10-05."""
    assert sorted(provisional_days_off(2027)) == [
        date(2027, 1, 1),
        date(2027, 2, 5),
        date(2027, 2, 8),
        date(2027, 2, 9),
        date(2027, 2, 10),
        date(2027, 4, 5),
        date(2027, 5, 3),
        date(2027, 5, 4),
        date(2027, 6, 9),
        date(2027, 9, 15),
        date(2027, 10, 1),
        date(2027, 10, 4),
        date(2027, 10, 5),
    ]


@pytest.mark.parametrize("year", [2025, 2026])
def test_dl_05_the_provisional_calendar_has_as_many_working_days_as_the_state_councils(year):
    """调休 only moves days: a year under the amended 办法 has as many working days provisionally as the
    State Council's schedule gave it."""
    first = date(year, 1, 1)
    official = sum(chinese_calendar.is_workday(first + timedelta(days=i)) for i in range(365))
    assert sum(provisional_year(year)) == official


# --- DL-05: a submission on 2026-11-20 ----------------------------------------------------------

# A made-up 2027 notice for the test (the real one is not out): 元旦 bridged to Monday 01-04, made up on
# Saturday 01-09.
NOTICE_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-01-04,holiday,元旦
2027-01-09,workday,元旦
"""


def test_dl_05_a_provisional_2027_deadline_moves_at_once_when_the_schedule_is_imported(
    ready, today, client, tmp_path, django_capture_on_commit_callbacks
):
    filer, product = ready
    today(date(2026, 11, 20))  # a Friday
    with django_capture_on_commit_callbacks(execute=True):
        filing = complete_filing(filer, product)
    deadline = _deadline(filing, DeadlineKind.REVIEW)
    # By hand: 30 working days after Fri 2026-11-20 — 11-23 … 12-31 are 29 (no holiday left in 2026);
    # 2027-01-01 is 元旦 by statute and 01-02/03 a weekend, so the 30th is Monday 2027-01-04.
    assert deadline.due_on == date(2027, 1, 4)
    assert deadline.provisional and deadline.unknown_year == 2027

    client.force_login(filer)
    html = client.get(reverse("algorithms:detail", args=[filing.pk])).content.decode()
    assert "预计 2027-01-04" in html and WHY_2027 in html
    reviewer = client_for(ReviewerFactory())
    queue = reviewer.get(reverse("review:queue")).content.decode()
    assert "预计 2027-01-04" in queue and "日历未录入" not in queue

    csv = tmp_path / "2027.csv"
    csv.write_text(NOTICE_2027, encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_calendar", str(csv), "--year", "2027", "--complete", stdout=StringIO())
    # No sweep ran: the import's commit recomputed it. 01-04 is now off, so the 30th is Tuesday 01-05.
    deadline.refresh_from_db()
    assert deadline.due_on == date(2027, 1, 5)
    assert not deadline.provisional and deadline.unknown_year is None
    assert deadline.estimated_due_on == date(2027, 1, 4) and deadline.confirmed_at is not None

    html = client.get(reverse("algorithms:detail", args=[filing.pk])).content.decode()
    assert "2027-01-05" in html and "已按国务院安排更新" in html and "原预计 2027-01-04" in html
    assert "预计 2027-01-04</span>" not in html
    queue = reviewer.get(reverse("review:queue")).content.decode()
    assert "2027-01-05" in queue and "已按国务院安排更新" in queue


def client_for(user):
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c


def test_dl_05_entering_the_year_in_the_admin_recomputes_on_commit(
    ready, today, client, django_capture_on_commit_callbacks
):
    filer, product = ready
    today(date(2026, 11, 20))
    with django_capture_on_commit_callbacks(execute=True):
        filing = complete_filing(filer, product)
    deadline = _deadline(filing, DeadlineKind.REVIEW)
    assert deadline.provisional
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("admin:review_calendaryear_add"), {"year": "2027", "complete": "on", "source": "测试"}
        )
    assert response.status_code == 302
    assert len(callbacks) == 1  # once per transaction
    deadline.refresh_from_db()
    # An empty complete year: Monday–Friday all working, so 2027-01-01 is the 30th.
    assert deadline.due_on == date(2027, 1, 1) and not deadline.provisional and deadline.confirmed_at


def test_dl_05_a_rolled_back_calendar_edit_recomputes_nothing(
    ready, today, django_capture_on_commit_callbacks
):
    from django.db import transaction

    filer, product = ready
    today(date(2026, 11, 20))
    with django_capture_on_commit_callbacks(execute=True):
        filing = complete_filing(filer, product)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                CalendarYear.objects.create(year=2027, complete=True)
                raise RuntimeError
        except RuntimeError:
            pass
    assert callbacks == []
    clear_cache()
    assert _deadline(filing, DeadlineKind.REVIEW).provisional


# --- DL-06: the filer's 期限 panel ---------------------------------------------------------------


def test_dl_06_the_dashboard_panel_lists_the_filers_own_and_the_offices_deadlines(
    ready, today, client, django_capture_on_commit_callbacks
):
    filer, product = ready
    today(date(2026, 11, 20))
    with django_capture_on_commit_callbacks(execute=True):
        submitted = complete_filing(filer, product, basic={"name": "已提交算法"})
        draft = complete_filing(
            filer, product, submit=False, basic={"name": "待备案算法", "launch_date": "2026-11-16"}
        )
    launch = _deadline(draft, DeadlineKind.LAUNCH)
    # DL-01: launched Mon 11-16; 10 working days: 11-17 … 11-30.
    assert launch.due_on == date(2026, 11, 30) and not launch.provisional

    # Another entity's deadlines never show.
    other = FilerFactory()
    complete_entity(other, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        complete_filing(other, complete_product(other, approve=True), basic={"name": "别家算法"})

    client.force_login(filer)
    html = client.get(reverse("filers:workspace")).content.decode()
    assert 'id="sec-deadlines"' in html
    assert "上线后备案" in html and "待备案算法" in html and "2026-11-30" in html
    assert "剩余 6 个工作日" in html  # 11-23 … 11-30
    assert "网信部门审核" in html and "已提交算法" in html and "预计 2027-01-04" in html
    assert "剩余 30 个工作日" in html
    assert "别家算法" not in html
    assert reverse("algorithms:detail", args=[submitted.pk]) in html

    # The filing's own page shows only its deadlines.
    page = client.get(reverse("algorithms:detail", args=[draft.pk])).content.decode()
    assert "上线后备案" in page and "网信部门审核" not in page


def test_dl_06_change_and_cancellation_deadlines_on_the_filing_page(
    ready, today, client, django_capture_on_commit_callbacks
):
    from products.services import product_update

    from .builders import approve_item

    filer, product = ready
    filing = approve_item(complete_filing(filer, product))
    today(date(2026, 11, 20))
    with django_capture_on_commit_callbacks(execute=True):
        filing_save_step(filing=filing, actor=filer, step=1, basic={**BASIC, "main_use": "变更后的用途。"})
        product_update(
            product=product,
            actor=filer,
            data={"service_status": "terminated", "end_date": date(2026, 11, 13)},
        )
    client.force_login(filer)
    html = client.get(reverse("algorithms:detail", args=[filing.pk])).content.decode()
    # DL-02: 10 working days from Fri 11-20 → 12-04. DL-03: 20 from Fri 11-13 → 12-11.
    assert "变更备案" in html and "2026-12-04" in html
    assert "申请注销" in html and "2026-12-11" in html and "剩余 15 个工作日" in html


def test_dl_06_entity_and_product_pages_show_their_review_deadlines(filer, today, client):
    today(date(2026, 11, 20))
    complete_entity(filer)
    complete_product(filer)
    for deadline in Deadline.objects.all():
        from review.deadlines import deadline_compute

        deadline_compute(deadline)
    client.force_login(filer)
    entity_page = client.get(reverse("filers:entity")).content.decode()
    assert "网信部门审核" in entity_page and "预计 2027-01-04" in entity_page
    products_page = client.get(reverse("products:list")).content.decode()
    assert "网信部门审核" in products_page and "星河资讯" in products_page


def test_dl_06_an_empty_panel_says_so(filer, client):
    client.force_login(filer)
    html = client.get(reverse("filers:workspace")).content.decode()
    assert "当前没有进行中的期限。" in html


def test_dl_06_the_panel_in_english(ready, today, client, django_capture_on_commit_callbacks):
    filer, product = ready
    today(date(2026, 11, 20))
    with django_capture_on_commit_callbacks(execute=True):
        complete_filing(filer, product)
    client.force_login(filer)
    client.cookies.load({"django_language": "en"})
    html = client.get(reverse("filers:workspace"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Review by the cyberspace office" in html and "Provisional 2027-01-04" in html
    assert "The State Council has not yet published the 2027 holiday schedule" in html
    assert "30 working days left" in html


def test_dl_06_the_panel_takes_the_same_queries_however_many_deadlines(ready, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    filer, product = ready
    client.force_login(filer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("filers:workspace")).status_code == 200
        return len(captured)

    complete_filing(filer, product)
    one = queries()
    for _ in range(3):
        complete_filing(filer, product)
    assert queries() == one


def test_dl_01_a_launch_date_still_ahead_opens_its_deadline_when_it_arrives(ready, today):
    from review.tasks import sweep

    filer, product = ready
    today(date(2026, 11, 10))
    draft = complete_filing(filer, product, submit=False, basic={"launch_date": "2026-11-16"})
    assert not Deadline.objects.filter(kind=DeadlineKind.LAUNCH).exists()  # not launched yet
    assert sweep()["launch_deadlines"] == 0

    today(date(2026, 11, 17))  # launched the day before; the filer has not saved since
    result = sweep()
    assert result["launch_deadlines"] == 1
    launch = _deadline(draft, DeadlineKind.LAUNCH)
    assert launch.starts_on == date(2026, 11, 16) and launch.due_on == date(2026, 11, 30)
    assert sweep()["launch_deadlines"] == 0  # once
