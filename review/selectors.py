from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from .models import Reviewable, ReviewEvent


def review_history(*, obj: Reviewable) -> QuerySet[ReviewEvent]:
    """The transitions of `obj`, oldest first (REV-01)."""
    return ReviewEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("actor")
