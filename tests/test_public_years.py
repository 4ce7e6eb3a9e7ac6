"""Issue 14: the search's 备案年份 filter offers the years that have published filings, and this year —
read from the data, not from a range written in the code."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.utils import timezone

from public_search.services import published_years

from .test_lists import publish

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 30)


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def _offered(html: str) -> list[int]:
    select = html[html.index('<select id="f-year"') : html.index("</select>", html.index('id="f-year"'))]
    return [int(year) for year in re.findall(r'<option value="(\d{4})"', select)]


def test_issue_14_a_filing_approved_in_2027_puts_2027_on_offer(client, today, django_assert_num_queries):
    publish("星河推荐算法", approved_on=date(2024, 5, 6))
    publish("云帆检索算法", approved_on=date(2027, 1, 4))  # approved after the clock said 2026

    with django_assert_num_queries(1):  # one query, whatever the number of years
        assert published_years() == [2027, 2026, 2024]

    html = client.get("/search/").content.decode()
    assert _offered(html) == [2027, 2026, 2024]  # 2025, 2023 and 2022 have no filing
    found = client.get("/search/", {"year": "2027"})
    assert found.status_code == 200 and "云帆检索算法" in found.content.decode()
    assert "星河推荐算法" not in found.content.decode()


def test_issue_14_with_nothing_published_this_year_alone_is_offered(client, today):
    assert published_years() == [2026]
    assert _offered(client.get("/search/").content.decode()) == [2026]


def test_issue_14_cancelled_and_revoked_filings_keep_their_year(today):
    publish("星河推荐算法", approved_on=date(2023, 3, 1), state="cancelled", remark="已注销")
    publish("云帆检索算法", approved_on=date(2022, 3, 1), state="revoked", remark="已撤销")
    assert published_years() == [2026, 2023, 2022]
