"""The public projection of filings (PUB-02…06) and the search over it (PUB-01)."""

from __future__ import annotations

import logging
import re
from abc import ABC, abstractmethod
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Exists, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from algorithms import declarations
from algorithms.models import AlgorithmType, Filing, Role
from beian.input_fields import FIRST_YEAR, last_year
from review.diff import revision_diff
from review.models import ReviewEvent
from review.numbers import number_parse
from review.selectors import review_history
from review.transitions import Action, State

from .models import PublicFiling, PublicGram, PublicState
from .stats import FIELDS as STAT_FIELDS
from .stats import stat_apply, stat_cells, stat_cells_of

logger = logging.getLogger(__name__)

_SEPARATORS = re.compile(r"[\s\u3000]+")


def public_fields() -> dict:
    """The fields of an approved revision that the public sees, with their labels for the public history:
    the list columns and the 公示内容 as the filing form declares it (algorithms.declarations)."""
    return {
        "basic.name": gettext_lazy("算法名称"),
        "basic.algo_type": gettext_lazy("算法类型"),
        "basic.role": gettext_lazy("角色"),
        **{f.path: declarations.public_heading(f) for f in declarations.public_fields()},
        "basic.main_use": gettext_lazy("主要用途"),  # a column of the lists too, known by this name there
        "products": gettext_lazy("应用产品"),
    }


HISTORY_LABELS = {
    "approved": gettext_lazy("备案通过"),
    "changed": gettext_lazy("变更"),
    "cancelled": gettext_lazy("注销"),
    "revoked": gettext_lazy("撤销"),
}


GRAM_MAX = 3  # the longest gram kept in the posting lists: a query this short is its own gram


def grams_of(*texts: str) -> set[str]:
    """Every run of one to GRAM_MAX neighbouring characters, lower-cased, spaces dropped."""
    grams: set[str] = set()
    for text in texts:
        for part in _SEPARATORS.split((text or "").lower()):
            for size in range(1, GRAM_MAX + 1):
                grams.update(part[i : i + size] for i in range(len(part) - size + 1))
    return grams


def query_grams(query: str) -> list[str]:
    """The grams every match must contain: the query itself up to GRAM_MAX characters, else its runs
    of GRAM_MAX characters."""
    text = _SEPARATORS.sub("", (query or "").lower())
    if len(text) <= GRAM_MAX:
        return [text] if text else []
    return sorted({text[i : i + GRAM_MAX] for i in range(len(text) - GRAM_MAX + 1)})


def _fields_text(fields: list[str]) -> str:
    """The labels of changed public fields, in the active language: 主要用途、应用产品."""
    labels = public_fields()
    return _("、").join(str(labels.get(f, f)) for f in fields)


def _products_display(snapshot: dict, approved: dict[int, dict] | None = None) -> str:
    """PUB-05's 应用产品: 产品名（APP、网站）, several joined by 、; "--" for a technical supporter.

    With `approved` (product id → the product's approved revision data), each product is shown as its
    approved version says (PUB-06), and a product with no approved version is left out."""
    if snapshot.get("basic", {}).get("role") == Role.SUPPORTER:
        return "--"
    from products.models import ServiceForm

    labels = dict(ServiceForm.choices)
    parts = []
    for product in snapshot.get("products", []):
        if approved is not None:
            product = approved.get(product.get("id"))
            if product is None:
                continue
        forms = "、".join(str(labels.get(f, f)) for f in product.get("service_forms", []))
        parts.append(f"{product['name']}（{forms}）" if forms else product["name"])
    return "、".join(parts) or "--"


def _approved_products(snapshot: dict) -> dict[int, dict]:
    """The approved revision data of the products a filing's snapshot covers, by product id."""
    from products.models import Product

    ids = [p.get("id") for p in snapshot.get("products", []) if isinstance(p, dict)]
    products = Product.objects.filter(pk__in=ids, approved_revision__isnull=False).select_related(
        "approved_revision"
    )
    return {product.pk: product.approved_revision.data for product in products}


def _disclosure(snapshot: dict) -> dict:
    """The 拟公示内容 published on the filing's page (PUB-03), as the filing form declares it."""
    return declarations.disclosure_of(snapshot)


def _public_history(filing: Filing) -> tuple[list[dict], str]:
    """The public history (approved, changed — what and when, cancelled, revoked with the reason) and 备注."""
    history, previous, remark = [], None, ""
    published = public_fields()
    for event in review_history(obj=filing).select_related("revision"):
        when = timezone.localtime(event.created_at).date().isoformat()
        if event.action == Action.APPROVE and event.revision is not None:
            data = event.revision.data
            if previous is None:
                history.append({"date": when, "event": "approved", "label": str(HISTORY_LABELS["approved"])})
            else:
                fields = [c.field for c in revision_diff(previous, data) if c.field in published]
                if _products_display(previous) != _products_display(data):
                    fields.append("products")
                if fields:
                    fields = list(dict.fromkeys(fields))
                    detail = _fields_text(fields)
                    history.append(
                        {
                            "date": when,
                            "event": "changed",
                            "label": str(HISTORY_LABELS["changed"]),
                            "detail": detail,
                            "fields": fields,
                        }
                    )
                    remark = _("变更内容：%(fields)s") % {"fields": detail}
            previous = data
        elif event.action in (Action.CONFIRM_CANCEL, Action.OFFICE_CANCEL):
            item = {"date": when, "event": "cancelled", "label": str(HISTORY_LABELS["cancelled"])}
            if event.action == Action.OFFICE_CANCEL:
                item["detail"] = event.reason  # REV-05: the office's reason is public
            history.append(item)
            remark = _("已注销")
        elif event.action == Action.REVOKE:
            label = str(HISTORY_LABELS["revoked"])
            history.append({"date": when, "event": "revoked", "label": label, "detail": event.reason})
            remark = _("已撤销")
    return history, remark


def public_refresh(*, filing: Filing) -> PublicFiling | None:
    """Write the filing's public record from its approved revision (never from the working copy).

    The record is the official text, in the portal's language (Chinese) whatever language the reviewer
    or filer whose action triggered it is using; pages translate its labels when they show it."""
    with translation.override(settings.LANGUAGE_CODE):
        return _public_write(filing=filing)


def history_display(history: list[dict]) -> list[dict]:
    """The public history in the reader's language: labels and changed fields translated, a reason
    (the office's own words) as written."""
    items = []
    for item in history:
        shown = {**item, "label": HISTORY_LABELS.get(item.get("event"), item.get("label", ""))}
        if item.get("fields"):
            shown["detail"] = _fields_text(item["fields"])
        items.append(shown)
    return items


@transaction.atomic
def _public_write(*, filing: Filing) -> PublicFiling | None:
    # The filing's row is locked so that two refreshes of one filing move its STAT-01 counts one at a time.
    filing = (
        Filing.objects.select_related("entity__approved_revision", "approved_revision")
        .select_for_update(of=("self",))
        .get(pk=filing.pk)
    )
    counted = stat_cells_of(filing.pk)  # STAT-01: what it counted in before this write
    if filing.approved_revision_id is None:
        PublicFiling.objects.filter(pk=filing.pk).delete()
        stat_apply(counted, [])
        return None
    entity = filing.entity
    if entity.approved_revision_id is None:
        # PUB-06: nothing unreviewed is published. ENT-05 keeps a filing from approval before its entity.
        PublicFiling.objects.filter(pk=filing.pk).delete()
        stat_apply(counted, [])
        return None
    entity_data = entity.approved_revision.data
    snapshot = filing.approved_revision.data
    basic = snapshot.get("basic", {})
    entity_name = entity_data.get("name") or ""
    state = public_state(filing)
    first_approval = (
        ReviewEvent.objects.filter(content_type__model="filing", object_id=filing.pk, action=Action.APPROVE)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    history, remark = _public_history(filing)
    former = PublicFiling.objects.filter(pk=filing.pk).values_list("entity_name", flat=True).first()
    if former and former != entity_name and state == PublicState.APPROVED:
        remark = _('原主体名称"%(old)s"变更为"%(new)s"') % {"old": former, "new": entity_name}
    record, _created = PublicFiling.objects.update_or_create(
        filing=filing,
        defaults={
            "number": filing.number,
            "name": basic.get("name", filing.name),
            "algo_type": basic.get("algo_type", filing.algo_type),
            "role": basic.get("role", filing.role),
            "entity_name": entity_name,
            "province_code": (entity_data.get("region_code") or "")[:2],
            "domain": str(basic.get("domain") or "")[:100],
            "products": _products_display(snapshot, _approved_products(snapshot)),
            "main_use": basic.get("main_use", ""),
            "state": state,
            "approved_on": timezone.localtime(first_approval or timezone.now()).date(),
            "changed_at": timezone.now(),
            "disclosure": _disclosure(snapshot),
            "history": history,
            "remark": str(remark),
            "grams": " ".join(sorted(grams_of(entity_name, basic.get("name", "")))),
        },
    )
    stat_apply(counted, stat_cells(**{field: getattr(record, field) for field in STAT_FIELDS}))
    PublicGram.objects.filter(filing=record).delete()
    PublicGram.objects.bulk_create(
        PublicGram(gram=gram, approved_on=record.approved_on, filing=record) for gram in record.grams.split()
    )
    return record


# --- Search (PUB-01, PUB-02) ------------------------------------------------------------------


def _gram_filter(queryset: QuerySet, grams: list[str]) -> QuerySet:
    """Rows whose gram array contains all `grams`: a GIN index scan on PostgreSQL."""
    if connection.vendor != "postgresql":
        return queryset
    from django.contrib.postgres.fields import ArrayField
    from django.db.models import Func, TextField

    array = Func("grams", Value(" "), function="string_to_array", output_field=ArrayField(TextField()))
    return queryset.alias(gram_array=array).filter(gram_array__contains=grams)


class SearchResults(ABC):
    """What public_search() returns, however it searched (PUB-01, PUB-02): the matching filings in order,
    counted up to a cap and read a slice at a time. The search page's and the open-data API's paginators
    (pagination.CappedPaginator) take it as their object list without asking which search made it.

    It has no len(): a count is a query, asked for with its cap."""

    @abstractmethod
    def count(self, cap: int | None = None) -> int:
        """How many filings match, counting at most `cap` of them (None: every one)."""

    @abstractmethod
    def records(self, start: int, stop: int | None) -> list[PublicFiling]:
        """The matching filings from `start` up to `stop` (None: to the end), in order."""

    def __getitem__(self, index):
        if isinstance(index, slice):
            if index.step not in (None, 1):
                raise ValueError("search results are read in order, without a step")
            return self.records(index.start or 0, index.stop)
        found = self.records(index, index + 1)
        if not found:
            raise IndexError(index)
        return found[0]

    def __iter__(self):
        return iter(self.records(0, None))


class QueryResults(SearchResults):
    """A search answered by one query of the public table: a number, filters, or no query at all."""

    def __init__(self, queryset: QuerySet[PublicFiling]):
        self.queryset = queryset

    def count(self, cap: int | None = None) -> int:
        counted = self.queryset.order_by()  # the ordering plays no part in a count
        return counted[:cap].count() if cap is not None else counted.count()

    def records(self, start: int, stop: int | None) -> list[PublicFiling]:
        return list(self.queryset[start:stop])


class PostingSearch(SearchResults):
    """A name search read off the posting lists, newest first (PUB-01, PUB-02).

    Up to GRAM_MAX characters the query is itself a gram: its posting list, in date order, is the answer.
    Longer queries read the posting list of their rarest run of GRAM_MAX characters newest first, joined
    to the names, and keep the filings whose names contain the whole query: one statement that stops at
    the last match asked for, or after BUDGET postings. With sort=relevance, exact name matches come first.
    """

    BUDGET = 200_000  # postings a longer query reads at most
    FREQUENCY_CAP = 5_000  # postings counted per gram when choosing the rarest
    MATCH_LIMIT = 10_000  # matches of a longer query returned at most when no page bounds them

    def __init__(self, query: str, *, relevance: bool):
        self.needle = _SEPARATORS.sub("", query)
        grams = query_grams(query)
        self.direct = len(grams) == 1 and grams[0] == self.needle.lower()
        self.gram = grams[0] if len(grams) == 1 else min(grams, key=self._capped_frequency)
        self.exact = (
            list(
                PublicFiling.objects.filter(Q(entity_name=self.needle) | Q(name=self.needle))
                .order_by("-approved_on", "-filing_id")
                .values_list("pk", flat=True)[:50]
            )
            # An exact name of one or two characters is not one anyone files under: skip the look-up.
            if relevance and len(self.needle) > 2
            else []
        )

    @classmethod
    def _capped_frequency(cls, gram: str) -> int:
        return PublicGram.objects.filter(gram=gram)[: cls.FREQUENCY_CAP].count()

    def _postings(self):
        """The gram's posting list, newest first (up to GRAM_MAX characters: the answer itself)."""
        postings = PublicGram.objects.filter(gram=self.gram)
        if self.exact:
            postings = postings.exclude(filing_id__in=self.exact)
        return postings.order_by("-approved_on", "-filing_id")

    def _matches(self, limit: int) -> list[int]:
        """Longer queries: the first `limit` filings of the gram's posting list whose names contain the
        whole query, newest first, exact matches left out.

        The posting list is read in key order inside a bounded subquery, and each posting is checked
        against its filing's names by a correlated scalar subquery. That form is deliberate: the planner
        cannot turn it into a join, so it never trades the early stop for a hash join over the whole
        table when it misjudges how many names match a LIKE (it estimates a fraction of a percent where
        a common word matches nearly all). The statement is the same on PostgreSQL and SQLite."""
        postings, filings = PublicGram._meta.db_table, PublicFiling._meta.db_table
        pattern = "%" + re.sub(r"([\\%_])", r"\\\1", self.needle.lower()) + "%"
        # Table names come from the models' Meta; every value is a parameter.
        sql = (
            "SELECT p.filing_id FROM (SELECT approved_on, filing_id FROM "  # noqa: S608
            f"{postings} WHERE gram = %s "
            "ORDER BY approved_on DESC, filing_id DESC LIMIT %s) AS p "
            "WHERE (SELECT LOWER(f.entity_name) LIKE %s ESCAPE '\\' OR LOWER(f.name) LIKE %s ESCAPE '\\' "
            f"FROM {filings} AS f WHERE f.filing_id = p.filing_id) "
            "ORDER BY p.approved_on DESC, p.filing_id DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.gram, self.BUDGET, pattern, pattern, limit + len(self.exact)])
            exact = set(self.exact)
            return [row[0] for row in cursor.fetchall() if row[0] not in exact][:limit]

    def count(self, cap: int | None = None) -> int:
        if not self.direct:
            return len(self.exact) + len(self._matches(cap or self.MATCH_LIMIT))
        postings = self._postings()
        return len(self.exact) + (postings[:cap].count() if cap else postings.count())

    def records(self, start: int, stop: int | None) -> list[PublicFiling]:
        exact = self.exact[start:stop]
        rest_start = max(0, start - len(self.exact))
        rest_stop = None if stop is None else max(0, stop - len(self.exact))
        if not self.direct:
            limit = self.MATCH_LIMIT if rest_stop is None else rest_stop
            rest = self._matches(limit)[rest_start:rest_stop]
        else:
            rest = list(self._postings().values_list("filing_id", flat=True)[rest_start:rest_stop])
        ids = exact + rest
        records = PublicFiling.objects.in_bulk(ids)
        return [records[i] for i in ids if i in records]


def public_search(
    *,
    q: str = "",
    algo_type: str = "",
    role: str = "",
    province: str = "",
    state: str = "",
    year: int | None = None,
    sort: str = "relevance",
) -> SearchResults:
    """PUB-01: a filing number finds that filing exactly; anything else is a partial name match.

    A name query without filters reads the posting lists (PostingSearch); with filters it intersects
    the gram index with them (QueryResults). Both give the newest filings first.
    """
    queryset = PublicFiling.objects.all()
    q = (q or "").strip()
    parsed = number_parse(q)
    if parsed.digits:
        return QueryResults(queryset.filter(number=parsed.digits))
    filtered = any((algo_type, role, province, state, year))
    if q and query_grams(q) and not filtered:
        return PostingSearch(q, relevance=sort != "date")
    if q:
        needle = _SEPARATORS.sub("", q)
        queryset = _gram_filter(queryset, query_grams(q)).filter(
            Q(entity_name__icontains=needle) | Q(name__icontains=needle)
        )
    if algo_type:
        queryset = queryset.filter(algo_type=algo_type)
    if role:
        queryset = queryset.filter(role=role)
    if province:
        queryset = queryset.filter(province_code=province[:2])
    if state:
        queryset = queryset.filter(state=state)
    if year:
        queryset = queryset.filter(approved_on__year=year)
    if q and sort != "date":
        exact = Case(
            When(Q(entity_name=q) | Q(name=q), then=Value(0)), default=Value(1), output_field=IntegerField()
        )
        return QueryResults(
            queryset.annotate(relevance=exact).order_by("relevance", "-approved_on", "-filing_id")
        )
    return QueryResults(queryset.order_by("-approved_on", "-filing_id"))


def published_years() -> list[int]:
    """The years the search's 备案年份 filter offers (PUB-02), newest first: each year in which a filing
    now public was first approved, and this year. Only years a filter may name (FIRST_YEAR to next year)
    are asked, each as one probe of the approved_on index, all in one query: no scan of the table."""
    candidates = range(FIRST_YEAR, last_year() + 1)
    probes = {
        f"y{year}": Exists(
            PublicFiling.objects.filter(
                approved_on__gte=date(year, 1, 1), approved_on__lt=date(year + 1, 1, 1)
            )
        )
        for year in candidates
    }
    # No row at all: nothing is public, so no year has a filing.
    found = PublicFiling.objects.order_by().annotate(**probes).values(*probes).first() or {}
    return sorted(
        {year for year in candidates if found.get(f"y{year}")} | {timezone.localdate().year}, reverse=True
    )


def public_changes(*, since, after_id: int | None = None) -> QuerySet[PublicFiling]:
    """Open data's sync cursor (PUB-02): filings changed at or after `since` (after `after_id` among
    those changed at that very moment), oldest change first: a range of the (changed_at, filing) index."""
    changes = PublicFiling.objects.filter(changed_at__gte=since)
    if after_id is not None:
        changes = changes.filter(Q(changed_at__gt=since) | Q(filing_id__gt=after_id))
    return changes.order_by("changed_at", "filing_id")


# The home page's counts are up to this old: counting a million filings by type costs a scan of the
# table (issue 17), and nobody needs the count of the last minute.
TYPE_COUNTS_SECONDS = 60
_TYPE_COUNTS_KEY = "public:type_counts"


def type_counts() -> list[tuple[str, str, int]]:
    """Filings in force by type, for the home page: counted at most once a minute."""
    from django.core.cache import cache
    from django.db.models import Count

    try:
        counts = cache.get(_TYPE_COUNTS_KEY)
    except Exception:  # a cache that is down costs a count, never the page
        logger.warning("cache unavailable for the home page's counts", exc_info=True)
        counts = None
    if counts is None:
        counts = dict(
            PublicFiling.objects.filter(state=PublicState.APPROVED)
            .values_list("algo_type")
            .annotate(n=Count("pk"))
        )
        try:
            cache.set(_TYPE_COUNTS_KEY, counts, TYPE_COUNTS_SECONDS)
        except Exception:
            logger.warning("cache unavailable for the home page's counts", exc_info=True)
    return [(code, label, counts.get(code, 0)) for code, label in AlgorithmType.choices]


def public_state(filing: Filing) -> PublicState:
    """What the public is told of a numbered filing: approved while in force (a pending or rejected change
    does not change it), else cancelled or revoked. The one mapping, for the pages, the projection and
    the number check."""
    return {State.CANCELLED: PublicState.CANCELLED, State.REVOKED: PublicState.REVOKED}.get(
        filing.state, PublicState.APPROVED
    )


def number_check(text: str, *, request=None) -> dict:
    """NUM-04's answer: is this a well-formed filing number, does it exist, and in what public state."""
    from django.urls import reverse

    parsed = number_parse(text)
    result = {
        "number": parsed.digits,
        "well_formed": parsed.well_formed,
        "exists": False,
        "state": None,
        "url": None,
    }
    if not parsed.well_formed:
        return result
    filing = Filing.objects.filter(number=parsed.digits).only("pk", "state").first()
    if filing is None:
        return result
    path = reverse("public_search:filing", args=[filing.pk])
    result.update(
        exists=True,
        state=public_state(filing).value,
        url=request.build_absolute_uri(path) if request is not None else path,
    )
    return result
