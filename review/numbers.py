"""Filing numbers (NUM-01…04): 网信算备 + 21 digits + 号.

Digits 1–6 the county code of the entity's registered address (GB/T 2260),
7–13 a 7-digit code given to the entity once, 14–15 the algorithm type,
16–17 the year of issue, 18–20 a sequence within entity and type, 21 a check
digit: (1 + Σ wᵢ·dᵢ) mod 10 over digits 1–20 with weights 4, 2, 6, 8 repeating.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WEIGHTS = (4, 2, 6, 8)
PREFIX, SUFFIX = "网信算备", "号"
# What a number check takes, as its box says (maxlength): a number with prefix and spaces is ~30 (SEC-05).
NUMBER_MAX_LENGTH = 60


def check_digit(first20: str) -> str:
    """NUM-02: the 21st digit of a filing number."""
    if not re.fullmatch(r"\d{20}", first20):
        raise ValueError("the first 20 characters must be digits")
    total = sum(WEIGHTS[i % 4] * int(d) for i, d in enumerate(first20))
    return str((1 + total) % 10)


def number_compose(*, county: str, entity_code: str, algo_type: str, year: int, sequence: int) -> str:
    """The 21 digits of a new number."""
    first20 = f"{county}{entity_code}{algo_type}{year % 100:02d}{sequence:03d}"
    if len(first20) != 20 or not first20.isdigit():
        raise ValueError(f"cannot compose a number from {first20!r}")
    return first20 + check_digit(first20)


def number_display(digits: str) -> str:
    return f"{PREFIX}{digits}{SUFFIX}"


@dataclass(frozen=True)
class ParsedNumber:
    digits: str | None  # the 21 digits when the text is 21 digits, else None
    well_formed: bool  # 21 digits whose check digit is right


def number_parse(text: str) -> ParsedNumber:
    """NUM-04: accept the number with or without 网信算备 and 号, with spaces (full-width too)."""
    compact = re.sub(r"[\s\u3000]+", "", text or "")
    compact = compact.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if compact.startswith(PREFIX):
        compact = compact[len(PREFIX) :]
    if compact.endswith(SUFFIX):
        compact = compact[: -len(SUFFIX)]
    if not re.fullmatch(r"\d{21}", compact):
        return ParsedNumber(None, False)
    return ParsedNumber(compact, check_digit(compact[:20]) == compact[20])


SEQUENCE_MAX = 999  # digits 18–20


def number_sequences_left(*, entity_id: int, algo_type: str) -> int:
    """REL-02: how many numbers of this type the entity can still be issued this way (digits 18–20 hold
    999); checked at approval, so the reviewer is told, rather than the worker failing later."""
    from .models import NumberSequence

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
    import secrets

    from django.db import IntegrityError, transaction

    from .models import EntityCode

    existing = EntityCode.objects.filter(entity=entity).values_list("code", flat=True).first()
    if existing:
        return existing
    for _attempt in range(20):
        code = f"{secrets.randbelow(9_000_000) + 1_000_000}"
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
    from django.db import transaction
    from django.utils import timezone

    from .models import NumberSequence

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
        from .signals import number_issued

        number_issued.send(sender=type(filing), filing=filing)
        return filing.number
