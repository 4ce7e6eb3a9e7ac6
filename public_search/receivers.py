"""Keep the public projection in step with review transitions, in the same transaction."""

from __future__ import annotations

from algorithms.models import Filing
from filers.models import Entity
from products.models import Product
from review.transitions import Action

from .services import public_refresh


def on_transitioned(sender, obj, event, **kwargs) -> None:
    if isinstance(obj, Filing):
        public_refresh(filing=obj)
    elif isinstance(obj, (Entity, Product)) and event.action == Action.APPROVE:
        # An approved change of the entity (a new name, region) or of a product (its name, its service
        # forms) reaches the entity's published filings (PUB-06: the public sees approved versions only).
        for filing in Filing.objects.filter(
            entity_id=obj.review_owner_entity_id(), approved_revision__isnull=False
        ):
            public_refresh(filing=filing)


def on_number_issued(sender, filing, **kwargs) -> None:
    public_refresh(filing=filing)
