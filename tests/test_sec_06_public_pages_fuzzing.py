"""SEC-05 / SEC-06: Hypothesis over the query strings of every public page and open-data endpoint —
random text, digits of other scripts, huge and negative numbers, far-away and impossible moments, NUL,
broken percent-encoding, empty and repeated parameters, unknown ids in the path. No answer may be a 5xx."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from public_search.models_announcements import Announcement
from public_search.models_lists import ListExport

from .builders import published_filings
from .fuzzing import FUZZ_SETTINGS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quiet_request_log")]

MAX_EXAMPLES = 40
PDF_EXAMPLES = 8  # WeasyPrint lays out a list in ~0.3 s: fewer examples for the PDF download

SEARCH = ("q", "type", "role", "province", "state", "year", "sort", "page")
OPEN_DATA = (*SEARCH, "modified_since", "after_id", "page_size")
LIST = ("period", "batch", "kind", "page")  # batch: issue 15


PAGES: list[tuple[str, str, tuple[str, ...]]] = [  # name, path ({pk}: an id), the parameters it reads
    ("home", "/", ("q",)),
    ("search", "/search/", SEARCH),
    ("number check", "/number-check/", ("number",)),
    ("statistics", "/stats/", ()),
    ("statistics chart", "/stats/approved.svg", ()),
    ("statistics csv", "/stats/domain.csv", ()),
    ("self-check", "/self-check/", ("public_in_china", "forms_offered", "techniques", "synthesis", "role")),
    ("lists", "/lists/", LIST),
    ("list csv", "/lists/download/csv/", LIST),
    ("list pdf", "/lists/download/pdf/", LIST),
    ("list export", "/lists/exports/{pk}/", ()),
    ("list export file", "/lists/exports/{pk}/file/", ()),
    ("announcements", "/announcements/", ("page",)),
    ("announcement", "/announcements/{pk}/", ()),
    ("announcement feed", "/announcements/feed.atom", ()),
    ("public filing", "/public/filing/{pk}/", ()),
    ("badge", "/public/filing/{pk}/badge.svg", ()),
    ("QR code", "/public/filing/{pk}/qr.svg", ()),
    ("open data search", "/api/v1/public/filings/", OPEN_DATA),
    ("open data filing", "/api/v1/public/filings/{pk}/", ()),
    ("open data lists", "/api/v1/public/lists/", (*LIST, "page_size")),
    ("open data number check", "/api/v1/public/number-check/", ("number",)),
]


# Values a person, a script or an attacker might put in a query string.
UNICODE_DIGITS = st.text(st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=12)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(
        ["0", "-1", "2021", "2022", "2026", "10000", "9223372036854775807", "9223372036854775808"]
    ),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
MOMENTS = st.one_of(
    st.datetimes().map(lambda d: d.isoformat()),
    st.tuples(st.datetimes(), st.integers(-99, 99), st.integers(0, 99)).map(
        lambda t: f"{t[0]:%Y-%m-%dT%H:%M:%S}{'+' if t[1] >= 0 else '-'}{abs(t[1]):02d}:{t[2]:02d}"
    ),
    st.sampled_from(
        ["2026-13-01T00:00:00", "2026-02-30", "0001-01-01T00:00:00", "9999-12-31T23:59:59-12:00", "yesterday"]
    ),
)
PERIODS = st.one_of(
    st.integers(0, 99999).map(str),
    st.tuples(st.integers(0, 99999), st.integers(-5, 99)).map(lambda t: f"{t[0]}-{t[1]}"),
    st.builds(lambda y, m: f"{y}年{m}月", st.integers(0, 99999), st.integers(0, 99)),
)
VALUES = st.one_of(
    st.text(max_size=30),
    UNICODE_DIGITS,
    NUMBERS,
    MOMENTS,
    PERIODS,
    st.just(""),
    st.just("\x00"),
    st.sampled_from(["01", "02", "05", "generative", "provider", "approved", "date", "relevance", "110000"]),
)
# Broken percent-encoding and raw bytes, which no encoder would produce.
RAW_QUERIES = st.lists(
    st.sampled_from(
        ["%ff", "%", "%%", "%zz", "%00", "&", "=", "==", "&&", ";", "+", "%e4%b8", "a[]", "page"]
    ),
    max_size=8,
).map("".join)


# What each parameter is most likely to be tried with, besides any value at all.
LIKELY = {
    "year": st.one_of(NUMBERS, UNICODE_DIGITS),
    "page": st.one_of(NUMBERS, UNICODE_DIGITS),
    "page_size": st.one_of(NUMBERS, UNICODE_DIGITS),
    "after_id": st.one_of(NUMBERS, UNICODE_DIGITS),
    "modified_since": MOMENTS,
    "period": st.one_of(PERIODS, UNICODE_DIGITS),
    "number": st.one_of(NUMBERS, UNICODE_DIGITS, st.text(max_size=80)),
}


def _queries(names: tuple[str, ...]):
    """Each parameter the page reads, present or not, once or twice; plus a parameter it does not know;
    or a raw query string with broken percent-encoding."""
    known = st.fixed_dictionaries(
        {},
        optional={
            name: st.lists(
                st.one_of(LIKELY[name], VALUES) if name in LIKELY else VALUES, min_size=1, max_size=2
            )
            for name in names
        },
    )
    unknown = st.lists(st.tuples(st.text(max_size=8), VALUES), max_size=1)
    encoded = st.builds(
        lambda params, extra: urlencode([(k, v) for k, values in params.items() for v in values] + extra),
        known,
        unknown,
    )
    return st.one_of(encoded, encoded, encoded, RAW_QUERIES)


def _ids(known: int):
    return st.one_of(
        st.just(known),
        st.integers(min_value=0, max_value=10**30),
        st.sampled_from([0, 2**31, 2**63 - 1, 2**63, 2**64]),
    )


@pytest.fixture
def public_world(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (filing,) = published_filings()
    announcement = Announcement.objects.create(
        title="关于算法备案的公告", body="正文", published_at=timezone.now()
    )
    export = ListExport.objects.create(period=f"{timezone.localdate():%Y-%m}", fmt="csv")
    return PAGES, {"filing": filing.pk, "announcement": announcement.pk, "export": export.pk}


class PageFuzz:
    """Sends the generated requests to one page after another and keeps every 5xx with its URL."""

    def __init__(self):
        self.client = Client(raise_request_exception=False)
        self.cases = 0
        self.server_errors: list[str] = []

    def fuzz(self, name: str, path: str, params: tuple[str, ...], known_pk: int) -> None:
        @settings(FUZZ_SETTINGS, max_examples=PDF_EXAMPLES if "pdf" in path else MAX_EXAMPLES)
        @given(query=_queries(params), pk=_ids(known_pk))
        def fuzz(query, pk):
            url = path.format(pk=pk) + (f"?{query}" if query else "")
            status = self.client.get(url).status_code
            self.cases += 1
            if status >= 500:
                self.server_errors.append(f"{status} {name}: {url}")

        fuzz()


def test_sec_06_public_pages_answer_any_query_string_without_a_5xx(public_world):
    """SEC-05: no query string, however malformed, gets a 5xx from a public page or the open data."""
    pages, ids = public_world
    run = PageFuzz()
    started = time.monotonic()
    for name, path, params in pages:
        kind = "announcement" if "announce" in path else "export" if "exports" in path else "filing"
        run.fuzz(name, path, params, ids[kind])
    print(
        f"SEC-06 public pages: {len(pages)} pages, {run.cases} cases, {len(run.server_errors)} 5xx, "
        f"{time.monotonic() - started:.1f} s"
    )
    assert not run.server_errors, f"{len(run.server_errors)} answers were 5xx:\n" + "\n".join(
        run.server_errors
    )
