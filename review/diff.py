"""What changed between two revisions: field by field, for the reviewer and the public history."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Change:
    field: str  # a dotted path into the revision data, e.g. "basic.main_use" or "details.risks[0].risk"
    old: object
    new: object
    label: str = ""  # what a person calls the field, when the owning app knows it


def _flatten(value, prefix: str = "") -> dict[str, object]:
    if isinstance(value, dict):
        flat: dict[str, object] = {}
        for key, item in value.items():
            flat.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(value, list) and any(isinstance(item, dict | list) for item in value):
        flat = {}
        for i, item in enumerate(value):
            flat.update(_flatten(item, f"{prefix}[{i}]"))
        return flat
    return {prefix: value}


def revision_diff(old: dict | None, new: dict | None) -> list[Change]:
    """Every leaf that differs, in the order of the new revision (then removed ones)."""
    before, after = _flatten(old or {}), _flatten(new or {})
    changes = [Change(k, before.get(k), v) for k, v in after.items() if before.get(k) != v]
    changes += [Change(k, v, None) for k, v in before.items() if k not in after and v not in (None, "", [])]
    return [c for c in changes if not (c.old in (None, "", []) and c.new in (None, "", []))]


def labelled(changes: list[Change], field_label) -> list[Change]:
    """The same changes with their labels, from the owning app's `field_label(path)`."""
    if field_label is None:
        return changes
    return [Change(c.field, c.old, c.new, field_label(c.field) or c.field) for c in changes]
