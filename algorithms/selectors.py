from __future__ import annotations

from .models import AlgorithmType, Filing, Role


def filing_review_context(filing: Filing, data: dict) -> dict:
    """The reviewer's view of a submitted filing: the snapshot, with labels for its codes."""
    basic = data.get("basic", {})
    return {
        "s": data,
        "filing": filing,
        "algo_type_label": dict(AlgorithmType.choices).get(basic.get("algo_type"), ""),
        "role_label": dict(Role.choices).get(basic.get("role"), ""),
        "entity": filing.entity,
    }
