"""Search results are counted up to a cap, on the page and in the open-data API alike: an exact count of
every filing whose name holds 科 would read 600,000 postings at a million filings, for a number nobody
pages through. Past the cap the page says "more than 1,000" and the API says count_capped."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from .services import PostingSearch

COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 matches, once per page (the ordering plays no part in a count)."""

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, PostingSearch):
            return self.object_list.count(cap=COUNT_CAP + 1)
        return self.object_list.order_by()[: COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        """More matches than COUNT_CAP: say "more than", not a number."""
        return self.count > COUNT_CAP

    @property
    def shown_count(self) -> int:
        return min(self.count, COUNT_CAP)
