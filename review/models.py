from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .transitions import Action, State


class Reviewable(models.Model):
    """An object that passes review (REV-01): entity information, a product, a filing.

    `state` is written only by `review.services.transition_perform`; it is not
    editable in forms or the admin.
    """

    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.DRAFT, editable=False, db_index=True
    )
    state_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    # What the review core needs to know of each kind; each model answers.
    def review_region_code(self) -> str:
        """The GB/T 2260 code of the owning entity's registered address (reviewer scope)."""
        raise NotImplementedError

    def review_owner_entity_id(self) -> int | None:
        """The id of the entity whose account may perform the filer's moves."""
        raise NotImplementedError

    def review_recipients(self) -> list[str]:
        """E-mail addresses told of each transition."""
        return []

    def on_transition(self, transition, actor) -> None:  # noqa: B027 — optional hook
        """Called inside the transition's transaction, after the state is set and before saving.

        A model keeps its revisions here (e.g. the approved revision on approve).
        """


class ReviewEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("review history is append-only")

    def delete(self):
        raise PermissionError("review history is append-only")


class ReviewEvent(models.Model):
    """One recorded transition (REV-01): object, from, to, actor, time, reason. Append-only."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    from_state = models.CharField(_("原状态"), max_length=16, choices=State.choices)
    to_state = models.CharField(_("新状态"), max_length=16, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_events",
    )
    reason = models.TextField(_("理由"), blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, editable=False)

    objects = ReviewEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "created_at"], name="review_event_subject")
        ]

    def __str__(self) -> str:
        return f"{self.content_type.model}#{self.object_id} {self.from_state}→{self.to_state}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("review history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("review history is append-only")
