"""Keep the public projection in step with review transitions, in the same transaction."""

from __future__ import annotations

from algorithms.models import Filing
from filers.models import Entity

from .services import public_refresh


def on_transitioned(sender, obj, event, **kwargs) -> None:
    if isinstance(obj, Filing):
        public_refresh(filing=obj)
    elif isinstance(obj, Entity) and event.action == "approve":
        # An approved change of the entity (a new name) reaches its published filings.
        for filing in Filing.objects.filter(entity=obj, approved_revision__isnull=False):
            public_refresh(filing=filing)


def on_number_issued(sender, filing, **kwargs) -> None:
    public_refresh(filing=filing)
