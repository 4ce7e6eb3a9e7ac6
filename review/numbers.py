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
