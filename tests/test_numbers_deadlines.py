"""NUM-01…04 filing numbers and DL-01…06 deadlines."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from algorithms.models import Filing
from algorithms.numbers import number_issue
from algorithms.services import filing_save_step, filing_submit
from review.deadlines import deadline_compute, working_days_left
from review.models import Deadline, DeadlineKind, Notification
from review.numbers import check_digit, number_compose, number_parse
from review.reminders import reminders_send
from review.services import transition_perform
from review.tasks import sweep
from review.transitions import Action, State

from .builders import BASIC, approve_item, complete_entity, complete_filing, complete_product
from .conftest import requires_postgres
from .factories import FilerFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(filer):
    complete_entity(filer, approve=True)
    return filer, complete_product(filer, approve=True)


def _approve_with_tasks(obj, capture):
    with capture(execute=True):
        approve_item(obj)
    obj.refresh_from_db()
    return obj


# --- NUM-02 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first20", "digit"),
    [("11010882348390222001", "7"), ("31011512345670124001", check_digit("31011512345670124001"))],
)
def test_num_02_check_digit_matches_the_published_numbers(first20, digit):
    assert check_digit(first20) == digit
    assert check_digit("11010882348390222001") == "7"  # 网信算备110108823483902220017号


def test_num_02_composition():
    digits = number_compose(county="110108", entity_code="8234839", algo_type="02", year=2022, sequence=1)
    assert digits == "110108823483902220017"


def test_num_01_the_number_is_issued_on_first_approval_by_the_task(ready, django_capture_on_commit_callbacks):
    filer, product = ready
    filing = complete_filing(filer, product)
    assert filing.number is None
    filing = _approve_with_tasks(filing, django_capture_on_commit_callbacks)
    digits = filing.number
    assert digits and len(digits) == 21 and number_parse(digits).well_formed
    assert digits[:6] == "110108"  # NUM-02: county of the registered address
    assert digits[13:15] == "02" and digits[15:17] == f"{timezone.localdate().year % 100:02d}"
    assert digits[17:20] == "001"
    titles = Notification.objects.filter(user=filer).values_list("title", flat=True)
    assert any(f"网信算备{digits}号" in t for t in titles)


def test_num_01_a_later_change_never_changes_the_number(ready, django_capture_on_commit_callbacks):
    filer, product = ready
    filing = _approve_with_tasks(complete_filing(filer, product), django_capture_on_commit_callbacks)
    number = filing.number
    filing_save_step(filing=filing, actor=filer, step=1, basic={**BASIC, "main_use": "变更。"})
    filing_submit(filing=filing, actor=filer, commitment=True)
    filing = _approve_with_tasks(filing, django_capture_on_commit_callbacks)
    assert filing.number == number
    assert number_issue(filing=filing) == number  # idempotent


def test_num_02_one_entity_code_and_a_sequence_per_type(ready, django_capture_on_commit_callbacks):
    filer, product = ready
    a = _approve_with_tasks(complete_filing(filer, product), django_capture_on_commit_callbacks)
    b = _approve_with_tasks(complete_filing(filer, product), django_capture_on_commit_callbacks)
    c = _approve_with_tasks(
        complete_filing(filer, product, basic={"algo_type": "01"}), django_capture_on_commit_callbacks
    )
    assert a.number[6:13] == b.number[6:13] == c.number[6:13]
    assert (a.number[17:20], b.number[17:20], c.number[17:20]) == ("001", "002", "001")
    other = FilerFactory()
    complete_entity(other, approve=True)
    d = _approve_with_tasks(
        complete_filing(other, complete_product(other, approve=True)), django_capture_on_commit_callbacks
    )
    assert d.number[6:13] != a.number[6:13]


def test_num_01_a_filing_never_approved_gets_no_number(ready):
    filer, product = ready
    filing = complete_filing(filer, product)
    assert number_issue(filing=filing) is None


def test_num_01_the_sweep_issues_numbers_a_lost_task_left_undone(ready):
    """An approval whose task never ran (worker down): reviewers see it, the sweep fixes it."""
    filer, product = ready
    filing = approve_item(complete_filing(filer, product))  # on-commit task never executed here
    assert filing.number is None and filing.state == State.APPROVED
    assert sweep()["numbers"] == 1
    filing.refresh_from_db()
    assert number_parse(filing.number).well_formed


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_num_03_concurrent_approvals_never_share_a_number():
    """Many filings of a few entities approved at the same moment, numbers issued from parallel threads."""
    filings = []
    for _ in range(3):
        filer = FilerFactory()
        complete_entity(filer, approve=True)
        product = complete_product(filer, approve=True)
        filings += [approve_item(complete_filing(filer, product)) for _ in range(8)]
    barrier = threading.Barrier(len(filings))
    errors = []

    def issue(pk):
        barrier.wait()
        try:
            number_issue(filing=Filing.objects.get(pk=pk))
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(f.pk,)) for f in filings]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = list(Filing.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 24 and None not in numbers
    assert all(number_parse(n).well_formed for n in numbers)
    assert len({n[6:13] for n in numbers}) == 3  # one code per entity
    assert sorted(n[17:20] for n in numbers)[:3] == ["001", "001", "001"]


# --- NUM-04 -------------------------------------------------------------------------------------


def test_num_04_number_check_endpoint(ready, django_capture_on_commit_callbacks):
    filer, product = ready
    filing = _approve_with_tasks(complete_filing(filer, product), django_capture_on_commit_callbacks)
    api = APIClient()
    url = "/api/v1/public/number-check/"
    for text in (
        filing.number,
        f"网信算备{filing.number}号",
        f" 网信算备 {filing.number[:10]} {filing.number[10:]} 号 ",
    ):
        body = api.get(url, {"number": text}).json()
        assert body["number"] == filing.number and body["well_formed"] and body["exists"]
        assert body["state"] == "approved"
    wrong_check = filing.number[:20] + str((int(filing.number[20]) + 1) % 10)
    assert api.get(url, {"number": wrong_check}).json() == {
        "number": wrong_check,
        "well_formed": False,
        "exists": False,
        "state": None,
        "url": None,
    }
    assert api.get(url, {"number": "123"}).json()["number"] is None
    unknown = "11010899999990226001"
    unknown += check_digit(unknown)
    assert api.get(url, {"number": unknown}).json()["exists"] is False
    transition_perform(obj=filing, action=Action.REVOKE, actor=ReviewerFactory(), reason="虚假材料")
    assert api.get(url, {"number": filing.number}).json()["state"] == "revoked"


# --- Deadlines ---------------------------------------------------------------------------------------


def _deadline(obj, kind):
    return Deadline.objects.get(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, kind=kind, met_at=None
    )


def test_dl_04_review_deadline_opens_on_submission_and_closes_on_decision(
    ready, django_capture_on_commit_callbacks
):
    filer, product = ready
    with django_capture_on_commit_callbacks(execute=True):
        filing = complete_filing(filer, product)
    deadline = _deadline(filing, DeadlineKind.REVIEW)
    assert deadline.starts_on == timezone.localdate()
    assert deadline.computed_at is not None  # computed by the task
    approve_item(filing)
    assert not Deadline.objects.filter(pk=deadline.pk, met_at=None).exists()


def test_dl_04_thirty_working_days_on_the_prc_calendar():
    d = Deadline(kind=DeadlineKind.REVIEW, starts_on=date(2025, 9, 1), content_type_id=1, object_id=1)
    d.save = lambda **kw: None
    deadline_compute(d)
    # 2025-09-01 + 30 working days: 国庆/中秋 10-01…08 off, 09-28 and 10-11 worked (调休).
    assert d.due_on == date(2025, 10, 17)


def test_dl_05_a_deadline_in_an_unknown_year_is_provisional_not_blank():
    d = Deadline(kind=DeadlineKind.REVIEW, starts_on=date(2026, 11, 26), content_type_id=1, object_id=1)
    d.save = lambda **kw: None
    deadline_compute(d)
    # 25 working days to 2026-12-31; 2027-01-01 is 元旦 by statute; 01-04 … 01-08.
    assert d.due_on == date(2027, 1, 8) and d.unknown_year == 2027 and d.provisional
    assert working_days_left(d, today=date(2026, 12, 31)) == 5


def test_dl_01_file_within_ten_working_days_of_launch(ready):
    filer, product = ready
    from algorithms.services import filing_create

    filing = filing_create(entity=filer.entity, actor=filer)
    filing_save_step(filing=filing, actor=filer, step=1, basic={**BASIC, "launch_date": "2025-09-26"})
    deadline = deadline_compute(_deadline(filing, DeadlineKind.LAUNCH))
    assert deadline.due_on == date(2025, 10, 16)  # 09-28 and 10-11 worked, 10-01…08 off
    complete = complete_filing(filer, product)
    assert not Deadline.objects.filter(
        object_id=complete.pk, kind=DeadlineKind.LAUNCH, met_at=None, content_type__model="filing"
    ).exists()


def test_dl_02_a_change_is_filed_within_ten_working_days(ready):
    filer, product = ready
    filing = approve_item(complete_filing(filer, product))
    filing_save_step(filing=filing, actor=filer, step=1, basic={**BASIC, "main_use": "变更后的用途。"})
    deadline = _deadline(filing, DeadlineKind.CHANGE)
    assert deadline.starts_on == timezone.localdate()
    filing_submit(filing=filing, actor=filer, commitment=True)
    assert not Deadline.objects.filter(pk=deadline.pk, met_at=None).exists()


def test_dl_03_cancel_within_twenty_working_days_of_termination(ready):
    from products.services import product_update

    filer, product = ready
    filing = approve_item(complete_filing(filer, product))
    end = timezone.localdate() - timedelta(days=2)
    product_update(product=product, actor=filer, data={"service_status": "terminated", "end_date": end})
    deadline = _deadline(filing, DeadlineKind.TERMINATION)
    assert deadline.starts_on == end
    from algorithms.services import filing_cancel

    filing_cancel(filing=filing, actor=filer, terminated_on=end)
    assert not Deadline.objects.filter(pk=deadline.pk, met_at=None).exists()


def test_dl_06_reminders_before_the_deadline_and_when_missed(
    ready, mailoutbox, django_capture_on_commit_callbacks
):
    filer, product = ready
    filing = approve_item(complete_filing(filer, product))
    filing_save_step(filing=filing, actor=filer, step=1, basic={**BASIC, "main_use": "变更。"})
    deadline = _deadline(filing, DeadlineKind.CHANGE)
    Deadline.objects.filter(pk=deadline.pk).update(
        starts_on=date(2025, 3, 3), due_on=date(2025, 3, 17), computed_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(today=date(2025, 3, 12)) == 1  # 3 working days left
        assert reminders_send(today=date(2025, 3, 13)) == 0  # once only
        assert reminders_send(today=date(2025, 3, 18)) == 1  # missed
        assert reminders_send(today=date(2025, 3, 19)) == 0
    titles = list(Notification.objects.filter(user=filer).values_list("title", flat=True))
    assert any("还剩3个工作日" in t for t in titles) and any("逾期" in t for t in titles)
    assert any("逾期" in m.subject for m in mailoutbox)


def test_dl_06_the_filer_and_the_reviewer_see_working_days_left(client, ready):
    filer, product = ready
    filing = complete_filing(filer, product)
    deadline = _deadline(filing, DeadlineKind.REVIEW)
    deadline_compute(deadline)
    client.force_login(ReviewerFactory())
    html = client.get(f"/review/filing/{filing.pk}/").content.decode()
    if deadline.due_on:
        assert "剩余" in html
    else:
        assert "年节假日安排尚未录入" in html


def test_dl_05_the_sweep_recomputes_once_the_year_is_entered(ready):
    from review.calendar import clear_cache
    from review.models import CalendarDay, CalendarYear

    filer, product = ready
    filing = complete_filing(filer, product)
    deadline = _deadline(filing, DeadlineKind.REVIEW)
    Deadline.objects.filter(pk=deadline.pk).update(starts_on=date(2026, 12, 1))
    deadline.refresh_from_db()
    deadline_compute(deadline)
    assert deadline.provisional and deadline.unknown_year == 2027
    CalendarDay.objects.create(date=date(2027, 1, 1), kind="holiday", name="元旦")
    CalendarYear.objects.create(year=2027, complete=True, source="国务院办公厅通知")
    clear_cache()
    sweep()
    deadline.refresh_from_db()
    assert deadline.due_on is not None and deadline.unknown_year is None and deadline.due_on.year == 2027
    assert not deadline.provisional and deadline.confirmed_at is not None


def test_num_02_entity_codes_are_drawn_from_all_seven_digits(monkeypatch):
    """Issue 15: published numbers show entity codes starting with 0 (4 of 20 checked); ours never did."""
    import secrets

    from algorithms.numbers import _entity_code

    monkeypatch.setattr(secrets, "randbelow", lambda n: 4321 if n == 10_000_000 else 0)
    filing = complete_filing(FilerFactory(), None, submit=False)
    assert _entity_code(filing.entity) == "0004321"
