from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beian.models import AppendOnly

from .transitions import Action, State


class Revision(models.Model):
    """An immutable snapshot of a reviewed object's data, taken when it is submitted.

    The object's own columns are the filer's working copy; what was submitted,
    what is approved and what a reviewer compares live here, side by side, so
    an approved version stays in force while a change waits (ENT-04, PRD-05, ALG-11).
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    number = models.PositiveIntegerField(_("版本号"))
    data = models.JSONField(_("内容"))
    created_at = models.DateTimeField(_("时间"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("通过时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("版本")
        verbose_name_plural = _("版本")
        ordering = ["content_type", "object_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "number"], name="revision_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.content_type.model}#{self.object_id} v{self.number}"


class Reviewable(models.Model):
    """An object that passes review (REV-01): entity information, a product, a filing.

    `state` is written only by `review.services.transition_perform`; it is not
    editable in forms or the admin. The model's own columns are the working
    copy; `pending_revision` is what was last submitted, `approved_revision`
    what is in force.
    """

    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.DRAFT, editable=False, db_index=True
    )
    state_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True, editable=False)
    pending_revision = models.ForeignKey(
        Revision,
        verbose_name=_("待审核版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    approved_revision = models.ForeignKey(
        Revision,
        verbose_name=_("生效版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    # SEC-02: a claimed item belongs to its reviewer until released or reassigned.
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("认领人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True, editable=False)
    # REL-03: raised by one on each save of the working copy and on each transition; an edit says which
    # version it was made from, and one made from an older version is refused (beian.concurrency).
    version = models.PositiveIntegerField(_("修改版本"), default=1, editable=False)

    class Meta:
        abstract = True

    @property
    def is_in_force(self) -> bool:
        """An approved version is in force (even while a change waits or was rejected)."""
        return self.approved_revision_id is not None and self.state not in (State.CANCELLED, State.REVOKED)

    @property
    def filer_may_edit(self) -> bool:
        """ENT-04/PRD-05: editable before submission and after approval (as a change). What has been
        submitted is frozen until it is decided, or withdrawn (撤回) before a reviewer claims it
        (issue 16)."""
        return self.state not in (
            State.SUBMITTED,
            State.MODIFIED,
            State.UNDER_REVIEW,
            State.RE_REVIEW,
            State.CANCEL_REQUESTED,
            State.CANCELLED,
            State.REVOKED,
        )

    def edit_refusal(self, what: str) -> str | None:
        """Why the filer may not edit `what` (“产品“星河资讯””, …) now, in their words; None if they may."""
        if self.filer_may_edit:
            return None
        if self.state in (State.SUBMITTED, State.MODIFIED):
            return _("%(what)s已提交，等待审核，审核结束前不能修改；如需修改，请在审核人员认领前撤回。") % {
                "what": what
            }
        if self.state in (State.UNDER_REVIEW, State.RE_REVIEW):
            return _("%(what)s正在审核中，审核结束前不能修改。") % {"what": what}
        if self.state == State.CANCEL_REQUESTED:
            return _("%(what)s的注销申请正在审核中，不能修改。") % {"what": what}
        return _("%(what)s已注销或已撤销，不能修改。") % {"what": what}

    def revision_data(self) -> dict:
        """The JSON snapshot of the working copy that a submission freezes."""
        raise NotImplementedError

    # What the review core needs to know of each kind; each model answers.
    def review_region_code(self) -> str:
        """The GB/T 2260 code of the owning entity's registered address (reviewer scope)."""
        raise NotImplementedError

    def review_owner_entity_id(self) -> int | None:
        """The id of the entity whose account may perform the filer's moves."""
        raise NotImplementedError

    def review_account(self):
        """The filer's account told of this object's moves (None while the entity has none)."""
        raise NotImplementedError

    def review_filer_url(self) -> str:
        """The filer's own page for this object, linked from what they are told."""
        raise NotImplementedError

    def review_prerequisites(self) -> list[Reviewable]:
        """ENT-05: the reviewed objects that must be approved before this one can be (none by default)."""
        return []

    def review_refusal(self, transition) -> str | None:
        """A reason this object's own rules refuse `transition` now (said to the person who tried), or
        None. Checked by the review core before anything changes."""
        return None

    def review_record_refresh(self) -> None:
        """Called by the review core whenever what is on record for this object may have changed: after a
        transition (inside its transaction, before saving) and after a filer's edit replaced the pending
        revision. Models that derive scope from their approved data (SEC-02) recompute it here."""

    def on_transition(self, transition, actor) -> None:
        """Keep the revisions; called inside the transition's transaction, before saving.

        Submitting (or submitting a change) freezes the working copy as a new
        revision; approval puts that revision in force; a rejection leaves the
        approved revision where it was. Models extend this (numbers, public index).
        """
        if transition.action in (Action.SUBMIT, Action.MODIFY):
            self.pending_revision = revision_create(subject=self, data=self.revision_data(), actor=actor)
        elif transition.action == Action.WITHDRAW:
            # The withdrawn revision stays in the history (its event names it); nothing waits any more.
            self.pending_revision = None
        elif transition.action == Action.APPROVE and self.pending_revision_id:
            revision = self.pending_revision
            revision.approved_at = timezone.now()
            revision.save(update_fields=["approved_at"])
            self.approved_revision, self.pending_revision = revision, None


class ReviewEvent(AppendOnly):
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
    revision = models.ForeignKey(
        Revision,
        verbose_name=_("相关版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "created_at"], name="review_event_subject")
        ]

    def __str__(self) -> str:
        return f"{self.content_type.model}#{self.object_id} {self.from_state}→{self.to_state}"


def revision_create(*, subject: models.Model, data: dict, actor=None) -> Revision:
    content_type = ContentType.objects.get_for_model(subject)
    last = (
        Revision.objects.filter(content_type=content_type, object_id=subject.pk)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return Revision.objects.create(
        content_type=content_type,
        object_id=subject.pk,
        number=(last or 0) + 1,
        data=data,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )


from .models_calendar import CalendarDay, CalendarYear  # noqa: E402,F401
from .models_deadlines import Deadline, DeadlineKind, Notification  # noqa: E402,F401
from .models_outbox import OutboxItem  # noqa: E402,F401
