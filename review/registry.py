"""Which models pass review, registered by their own apps (so review never imports upward).

Each app registers its reviewable model in AppConfig.ready(); the queue, the
reviewer's pages and the deadlines read the kinds from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ReviewKind:
    key: str  # "entity", "product", "filing": used in URLs
    model: Any
    label: Any  # lazily translated name of the kind
    entity_lookup: str  # ORM path to the owning entity's id
    detail_template: str  # the reviewer's view of one object's data
    describe: Any = None  # (obj, revision data) -> template context for detail_template
    field_label: Any = None  # (dotted path into revision data) -> label shown in the reviewer's diff
    select_related: tuple[str, ...] = field(default_factory=tuple)


_KINDS: dict[str, ReviewKind] = {}


def register(kind: ReviewKind) -> None:
    _KINDS[kind.key] = kind


def kinds() -> list[ReviewKind]:
    return list(_KINDS.values())


def kind_for(key: str) -> ReviewKind | None:
    return _KINDS.get(key)


def kind_of(obj) -> ReviewKind:
    for kind in _KINDS.values():
        if isinstance(obj, kind.model):
            return kind
    raise LookupError(f"{type(obj).__name__} is not a registered reviewable model")


@dataclass(frozen=True)
class QueueTab:
    """Another tab of the reviewers' queue, kept by an app above review (RPT-01's 问题报告): its page and
    how many items wait there for a reviewer. Registered in AppConfig.ready(), as the kinds are."""

    key: str
    label: Any
    url_name: str
    count: Any  # (reviewer) -> int


_TABS: dict[str, QueueTab] = {}


def register_queue_tab(tab: QueueTab) -> None:
    _TABS[tab.key] = tab


def queue_tabs() -> list[QueueTab]:
    return list(_TABS.values())
