"""Filing-number allocation (NUM-01…03): an entity's 7-digit code, the sequence per entity and type, and
the number of a filing on its first approval. The format, the check digit and parsing are review.numbers'."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from review.numbers import SEQUENCE_MAX, number_compose
from review.signals import number_issued

from .models import EntityCode, NumberSequence


def number_sequences_left(*, entity_id: int, algo_type: str) -> int:
    """REL-02: how many numbers of this type the entity can still be issued this way (digits 18–20 hold
    999); checked at approval, so the reviewer is told, rather than the worker failing later."""
    last = (
        NumberSequence.objects.filter(entity_id=entity_id, algo_type=algo_type)
        .values_list("last", flat=True)
        .first()
    )
    return SEQUENCE_MAX - (last or 0)


def _entity_code(entity) -> str:
    """The entity's 7-digit code, assigned on its first number and never changed (NUM-02).

    Called with the entity's row locked, so two first approvals of one entity agree.
    """
    existing = EntityCode.objects.filter(entity=entity).values_list("code", flat=True).first()
    if existing:
        return existing
    for _attempt in range(20):
        code = f"{secrets.randbelow(10_000_000):07d}"  # 0000000–9999999: real codes may start with 0
        try:
            with transaction.atomic():
                return EntityCode.objects.create(entity=entity, code=code).code
        except IntegrityError:
            continue  # another entity has that code: draw again
    raise RuntimeError("could not draw a free entity code")


def number_issue(*, filing) -> str | None:
    """NUM-01/03: issue the filing's number on its first approval; idempotent, never reissued.

    The entity row is locked while its code and sequence are allocated, so concurrent
    approvals queue instead of colliding; Filing.number's unique constraint is the last guard.
    Returns the 21 digits, or None when the filing has never been approved (or its entity has no approved
    registration to take the region from).
    """
    with transaction.atomic():
        model = type(filing)
        filing = model._default_manager.select_for_update().select_related("entity").get(pk=filing.pk)
        if filing.number:
            return filing.number
        if filing.approved_revision_id is None:
            return None
        entity = type(filing.entity)._default_manager.select_for_update().get(pk=filing.entity_id)
        # PUB-06: the region digits come from the entity's approved registration, never its working copy.
        county = entity.approved_revision.data.get("region_code") if entity.approved_revision_id else ""
        if not county:
            return None  # ENT-05 keeps this from happening: no approved registration, no number
        sequence, _created = NumberSequence.objects.select_for_update().get_or_create(
            entity=entity, algo_type=filing.algo_type
        )
        sequence.last += 1
        sequence.save(update_fields=["last"])
        filing.number = number_compose(
            county=county,
            entity_code=_entity_code(entity),
            algo_type=filing.algo_type,
            year=timezone.localdate().year,
            sequence=sequence.last,
        )
        filing.save(update_fields=["number"])
        number_issued.send(sender=type(filing), filing=filing)
        return filing.number
