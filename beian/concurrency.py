"""REL-03: two people editing the same object never silently overwrite each other.

Every editable object carries a `version`, raised by one on each save. A page or an API client says which
version its edit was made from (a hidden `version` field; the API's `If-Match` header or a `version` in the
body); the service, holding the row lock, refuses a save made from an older version with StaleEdit — which
lists the fields where what is saved now differs from what the person sent, so that they can compare and
merge — and changes nothing. A page keeps what the person typed and offers the saved values beside it; its
next save, made from the current version, goes through.

Creating twice is answered once: a create carries an idempotency key (a hidden token on the page, the API's
`Idempotency-Key` header), and a second request with the same key gets the object the first one made
(`idempotent_create`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Change:
    """A field where what is saved now differs from what the person sent."""

    field: str
    label: str
    saved: Any
    yours: Any


class StaleEdit(Exception):
    """REL-03: the object was saved by someone else since this edit's page (or API client) read it."""

    code = "stale_edit"

    def __init__(self, *, current: int, expected: int, changes: list[Change]):
        self.current, self.expected, self.changes = current, expected, changes
        super().__init__(
            _(
                "保存前，这些内容已被另一个登录修改并保存（当前为第%(current)s版，您的页面是第%(expected)s版）。"
                "您填写的内容尚未保存，仍保留在页面上；请核对下列不同之处，确认后再保存。"
            )
            % {"current": current, "expected": expected}
        )

    def as_api(self) -> dict:
        return {
            "detail": str(self),
            "code": self.code,
            "version": self.current,
            "changes": [
                {"field": c.field, "label": c.label, "saved": c.saved, "yours": c.yours} for c in self.changes
            ],
        }


def version_parse(value) -> int | None:
    """The version an edit says it was made from: a positive ASCII integer, or None when not given."""
    if value in (None, ""):
        return None
    text = str(value).strip().strip('"').removeprefix("W/").strip('"')
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise ValueError(value)
    return int(text)


def version_check(
    obj: models.Model,
    expected: int | None,
    *,
    saved: Mapping[str, Any] | None = None,
    yours: Mapping[str, Any] | None = None,
    labels: Mapping[str, Any] | Callable[[str], Any] | None = None,
) -> None:
    """Refuse (StaleEdit) an edit made from `expected` when `obj` — locked and fresh — is at another version.
    `saved` and `yours` (field → value) say what differs; None for `expected` means the caller did not say
    (an API client without If-Match): the edit goes through."""
    if expected is None or expected == obj.version:
        return
    raise StaleEdit(current=obj.version, expected=expected, changes=changes_between(saved, yours, labels))


def changes_between(
    saved: Mapping[str, Any] | None,
    yours: Mapping[str, Any] | None,
    labels: Mapping[str, Any] | Callable[[str], Any] | None = None,
) -> list[Change]:
    changes = []
    for field, mine in (yours or {}).items():
        theirs = (saved or {}).get(field)
        if _comparable(theirs) != _comparable(mine):
            if callable(labels):
                label = labels(field)
            else:
                label = (labels or {}).get(field, field)
            changes.append(Change(field=field, label=str(label), saved=theirs, yours=mine))
    return changes


def _comparable(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (list, tuple, set)):
        return (
            sorted(_comparable(v) for v in value)
            if isinstance(value, set)
            else [_comparable(v) for v in value]
        )
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def version_bump(obj: models.Model, fields: Iterable[str] | None = None) -> list[str] | None:
    """Raise the version before a save; returns `fields` plus "version" for update_fields (or None)."""
    obj.version = (obj.version or 0) + 1
    return None if fields is None else [*fields, "version"]


def idempotent_create(
    *, actor, key: str | None, scope: str, create: Callable[[], models.Model]
) -> models.Model:
    """REL-03: `create()` once per (actor, scope, key). A second call with the same key returns what the
    first made (while it exists) instead of making another; two at the same moment make one, the other
    gets it. Without a key, creates as asked."""
    from .models import IdempotencyKey

    if not key:
        return create()
    key = str(key)[:64]
    lookup = {"actor": actor, "scope": scope, "key": key}
    record = IdempotencyKey.objects.filter(**lookup).select_related("content_type").first()
    if record is not None:
        existing = record.target()
        if existing is not None:
            return existing
        record.delete()  # what it made was deleted since: make it again
    try:
        with transaction.atomic():
            obj = create()
            IdempotencyKey.objects.create(**lookup, target_object=obj)
            return obj
    except IntegrityError:
        record = IdempotencyKey.objects.filter(**lookup).select_related("content_type").first()
        if record is None or record.target() is None:
            raise  # not a race on the key: the create itself was refused
        return record.target()


class EditGuard(forms.Form):
    """The two hidden fields of an edit page (REL-03): the version it was made from, and for a page that
    creates something, a token that makes a second post of the same page answer with the first one's
    object. A page that sends no version is not checked (as an API client without If-Match)."""

    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    form_token = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        import uuid

        self.initial.setdefault("form_token", uuid.uuid4().hex)
        if version is not None:
            self.initial["version"] = version

    def edit_version(self) -> int | None:
        """The version posted; a malformed one counts as out of date."""
        if "version" in self.errors:
            return 0
        return self.cleaned_data.get("version")

    def creation_key(self) -> str | None:
        return self.cleaned_data.get("form_token") or None

    def keep_typed(self, version: int) -> None:
        """After a refused stale save: the page keeps what was typed, and its next save is made from
        `version` (the person has seen what differs)."""
        keep_typed(self, version)


def keep_typed(form: forms.Form, version: int) -> None:
    """A bound form after a refused stale save (or a save): what was typed stays, and the page's next save
    is made from `version`."""
    form.data = form.data.copy()
    form.data["version"] = str(version)


def posted_version(request) -> int | None:
    """The version a posted page was made from: None when it sends none (unchecked), 0 — out of date —
    when it is malformed."""
    try:
        return version_parse(request.POST.get("version"))
    except ValueError:
        return 0


IDEMPOTENCY_KEEP = 24 * 3600  # seconds: long past any retry of the same request


def idempotency_keys_prune() -> int:
    """Keys older than a day go: a request repeated after that is a new request."""
    from datetime import timedelta

    from django.utils import timezone

    from .models import IdempotencyKey

    cutoff = timezone.now() - timedelta(seconds=IDEMPOTENCY_KEEP)
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
