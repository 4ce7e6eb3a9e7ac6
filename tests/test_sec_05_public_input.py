"""SEC-05 on the public side: every bad value in a query string or a path is a 4xx that names the field
(the search page re-renders with the error at the field and the value kept), never a 5xx. Each class of
bad value found by the fuzzers (tests/test_sec_06_*) has its row here."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

BAD_YEARS = [
    "0",  # date(0, 1, 1) does not exist: was a 500
    "10000",  # nor does year 10000: was a 500
    "²",  # "²".isdigit() is true, int("²") raises: was a 500
    "٢٠٢٦",  # Arabic-Indic digits: int() takes them, an id or a year here does not
    "２０２６",  # full-width digits
    "2021",  # before the regulation (in force 2022-03-01)
    "99999999999999999999",
    "-1",
    "2026.0",
]
BAD_MOMENTS = [
    "2026-13-01T00:00:00",  # month 13: parse_datetime raised ValueError, a 500
    "2026-11-01T00:00:00+99:00",  # an offset of 99 hours: a 500
    "0001-01-01T00:00:00",  # moved to UTC, year 1 overflowed: a 500
    "9999-12-31T23:59:59-12:00",  # and so did year 9999 west of Greenwich
    "２０２６-11-01T00:00:00",  # full-width digits
    "2021-12-31T23:59:59+08:00",  # before 2022
    "yesterday",
]
BAD_IDS = [
    "²",  # isdigit() but not int(): was a 500
    "٣",  # int("٣") == 3: not an id here
    "99999999999999999999",  # beyond a 64-bit integer: SQLite overflowed, a 500
    "9223372036854775808",  # 2**63, one past bigint
    "-1",
    "1e3",
]
HUGE_PATH_IDS = ["9223372036854775808", "18446744073709551616", "99999999999999999999999999999"]


def _soon() -> str:
    return (timezone.now() + timedelta(days=2)).isoformat()


@pytest.mark.parametrize("year", BAD_YEARS)
def test_sec_05_search_page_refuses_a_bad_year_at_the_field_and_keeps_it(year):
    response = Client(raise_request_exception=False).get("/search/", {"q": "星河", "year": year})
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == ["year"]
    html = response.content.decode()
    assert 'id="f-year-error"' in html and 'aria-invalid="true"' in html
    assert response.context["params"]["year"] == year.strip()  # what was typed is shown back


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("type", "99"),
        ("role", "owner"),
        ("province", "99"),
        ("province", "１１"),
        ("state", "draft"),
        ("sort", "price"),
        ("q", "星河\x00"),  # PostgreSQL refuses NUL in a string: was a 500 there
        ("q", "星" * 101),
    ],
)
def test_sec_05_search_page_refuses_an_unknown_filter_naming_it(field, value):
    response = Client(raise_request_exception=False).get("/search/", {field: value})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]


def test_sec_05_search_page_still_takes_every_filter_it_offers():
    year = timezone.localdate().year
    query = {"q": "星河", "type": "02", "role": "provider", "province": "110000", "state": "approved"}
    assert Client().get("/search/", {**query, "year": year, "sort": "date"}).status_code == 200
    assert Client().get("/search/", {"province": "11", "year": ""}).status_code == 200


@pytest.mark.parametrize("year", BAD_YEARS)
def test_sec_05_open_data_refuses_a_bad_year_naming_it(year):
    response = APIClient().get("/api/v1/public/filings/", {"year": year})
    assert response.status_code == 400
    assert list(response.json()) == ["year"]


@pytest.mark.parametrize("moment", [*BAD_MOMENTS, "far future"])
def test_sec_05_open_data_refuses_a_bad_modified_since_naming_it(moment):
    moment = _soon() if moment == "far future" else moment
    response = APIClient().get("/api/v1/public/filings/", {"modified_since": moment})
    assert response.status_code == 400
    assert list(response.json()) == ["modified_since"]


@pytest.mark.parametrize("after_id", BAD_IDS)
def test_sec_05_open_data_refuses_a_bad_after_id_naming_it(after_id):
    query = {"modified_since": "2026-01-01T00:00:00+08:00", "after_id": after_id}
    response = APIClient().get("/api/v1/public/filings/", query)
    assert response.status_code == 400
    assert list(response.json()) == ["after_id"]


def test_sec_05_open_data_takes_a_moment_without_offset_as_beijing_time():
    naive = (timezone.localtime() - timedelta(hours=1)).replace(tzinfo=None).isoformat()
    body = APIClient().get("/api/v1/public/filings/", {"modified_since": naive, "after_id": "0"}).json()
    assert body["results"] == [] and body["count"] == 0


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"period": "2026-11", "kind": "everything"}, "kind"),
        ({"period": "9999"}, "period"),
        ({"period": "2021-12"}, "period"),
        ({"period": "2026-13"}, "period"),
        ({"period": "2026-11", "page_size": "0"}, "page_size"),
    ],
)
def test_sec_05_open_data_lists_refuse_a_bad_parameter_naming_it(query, field):
    response = APIClient().get("/api/v1/public/lists/", query)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("query", [{"period": "2026-11", "kind": "everything"}, {"period": "9999-01"}])
def test_sec_05_lists_page_refuses_a_bad_parameter_and_says_why(query):
    response = Client().get("/lists/", query)
    assert response.status_code == 400
    assert 'id="l-period-error"' in response.content.decode()


@pytest.mark.parametrize("pk", HUGE_PATH_IDS)
@pytest.mark.parametrize(
    "template",
    [
        "/public/filing/{}/",
        "/public/filing/{}/badge.svg",
        "/public/filing/{}/qr.svg",
        "/api/v1/public/filings/{}/",
        "/announcements/{}/",
        "/lists/exports/{}/",
    ],
)
def test_sec_05_an_id_beyond_the_database_range_in_a_path_is_not_found(template, pk):
    """`<int:pk>` passed a 20-digit id to the database, which overflowed (a 500); `<id:pk>` is a 404."""
    assert Client(raise_request_exception=False).get(template.format(pk)).status_code == 404
