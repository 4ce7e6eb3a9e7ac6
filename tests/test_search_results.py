"""Issue 14: public_search() returns one explicit result type (SearchResults) whichever way it searched,
and the search page and the open-data API page it the same way, with the queries they made before."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from public_search.models import PublicFiling, PublicGram
from public_search.services import SearchResults, grams_of, public_search

from .test_lists import publish

pytestmark = pytest.mark.django_db

SEARCH, OPEN_DATA = reverse("public_search:search"), "/api/v1/public/filings/"
NUMBER = "number"  # replaced by the first filing's number
# Each way of searching: its query, and the queries the page makes (the API makes one fewer: the page
# also reads which years to offer). Both count the rate limit once. As they were before SearchResults.
CASES = {
    "posting list (1-3 characters)": ({"q": "星河"}, 5),  # count, postings, the page's filings
    "posting list by date": ({"q": "星河", "sort": "date"}, 5),
    # the two rarest-gram counts, the exact names, the walk counted, the walk paged, the page's filings
    "posting walk (4+ characters)": ({"q": "星河推荐"}, 8),
    "filters": ({"q": "星河", "type": "02", "year": "2026"}, 4),  # count, page
    "number": ({"q": NUMBER}, 4),
    "no query": ({}, 4),
}


def _indexed(record: PublicFiling) -> PublicFiling:
    """A published record with its grams and posting lists, as public_refresh writes them."""
    record.grams = " ".join(sorted(grams_of(record.entity_name, record.name)))
    record.save(update_fields=["grams"])
    PublicGram.objects.bulk_create(
        PublicGram(gram=gram, approved_on=record.approved_on, filing=record) for gram in record.grams.split()
    )
    return record


@pytest.fixture
def filings():
    records = [
        _indexed(publish(f"星河推荐算法{i:02d}", approved_on=date(2026, 11, 1 + i % 28))) for i in range(30)
    ]
    records.append(_indexed(publish("云帆检索算法", entity_name="上海云帆信息公司", algo_type="04")))
    return records


def _query(case: str, filings) -> dict:
    query = dict(CASES[case][0])
    if query.get("q") == NUMBER:
        query["q"] = filings[0].display_number
    return query


@pytest.mark.parametrize("case", CASES)
def test_issue_14_search_page_and_api_queries_are_pinned(client, filings, case, django_assert_num_queries):
    query, page_queries = _query(case, filings), CASES[case][1]
    with django_assert_num_queries(page_queries):
        page = client.get(SEARCH, query)
    with django_assert_num_queries(page_queries - 1):
        api = APIClient().get(OPEN_DATA, query)
    assert page.status_code == 200 and api.status_code == 200
    body = api.json()
    html = page.content.decode()
    assert body["results"], case
    for row in body["results"][:5]:
        assert row["name"] in html, (case, row["name"])  # the page shows what the API lists
    if query:  # a search (the bare page lists the newest filings without a count)
        assert f"找到 {body['count']} 条结果" in html


@pytest.mark.parametrize("case", CASES)
def test_issue_14_every_search_returns_search_results(filings, case):
    query = _query(case, filings)
    arguments = {"q": query.get("q", ""), "algo_type": query.get("type", ""), "sort": query.get("sort", "")}
    if "year" in query:
        arguments["year"] = int(query["year"])
    results = public_search(**{k: v for k, v in arguments.items() if v})
    assert isinstance(results, SearchResults)
    assert not hasattr(results, "__len__")  # a count is a query, asked for with its cap
    everything = list(results)
    assert results.count() == len(everything) and results.count(cap=2) == min(2, len(everything))
    assert results[1:3] == everything[1:3] and results[0] == everything[0]
    with pytest.raises(IndexError):
        results[len(everything)]


@pytest.mark.parametrize("page", ["0", "-1", "abc", "2", "99999999999999999999", "1.5"])
def test_issue_14_any_page_number_is_answered_without_an_error(client, filings, page):
    for query in ({"q": "星河", "page": page}, {"q": "星河推荐", "page": page}, {"type": "02", "page": page}):
        assert client.get(SEARCH, query).status_code == 200
        assert APIClient().get(OPEN_DATA, query).status_code in (200, 400, 404)  # SEC-05: 400 names it
