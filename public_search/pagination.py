"""Search results are counted up to a cap, on the page and in the open-data API alike: an exact count of
every filing whose name holds 科 would read 600,000 postings at a million filings, for a number nobody
pages through. Past the cap the page says "more than 1,000" and the API says count_capped."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from .services import SearchResults

COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """Pages SearchResults (public_search's, or QueryResults of any query of the public table), counting
    at most COUNT_CAP + 1 matches, once per page."""

    object_list: SearchResults

    @cached_property
    def count(self) -> int:
        return self.object_list.count(cap=COUNT_CAP + 1)

    @property
    def capped(self) -> bool:
        """More matches than COUNT_CAP: say "more than", not a number."""
        return self.count > COUNT_CAP

    @property
    def shown_count(self) -> int:
        return min(self.count, COUNT_CAP)
