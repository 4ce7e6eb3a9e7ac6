"""The one review state-transition table (REV-01), used by every reviewed object.

Entity information, products and algorithm filings all move through this
table; nothing else in the code decides which move is allowed. A plain table
was chosen over django-fsm-2: the same table must serve three models, be
listed on a page and walked by table-driven tests, and the service around it
(lock, history row, side effects on commit) is ours either way — the table as
data is the simplest thing that does all three.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    UNDER_REVIEW = "under_review", _("审核中")
    APPROVED = "approved", _("审核通过")
    REJECTED = "rejected", _("未通过")
    MODIFIED = "modified", _("变更待审核")
    RE_REVIEW = "re_review", _("变更审核中")
    CANCEL_REQUESTED = "cancel_requested", _("注销申请审核中")
    CANCELLED = "cancelled", _("已注销")
    REVOKED = "revoked", _("已撤销")


class Action(models.TextChoices):
    SUBMIT = "submit", _("提交")
    CLAIM = "claim", _("认领审核")
    APPROVE = "approve", _("审核通过")
    REJECT = "reject", _("驳回")
    MARK_INCOMPLETE = "mark_incomplete", _("材料不齐全")
    REOPEN = "reopen", _("修改后重新提交")
    MODIFY = "modify", _("申请变更")
    CANCEL = "cancel", _("申请注销")
    CONFIRM_CANCEL = "confirm_cancel", _("确认注销")
    REFUSE_CANCEL = "refuse_cancel", _("不予注销")
    OFFICE_CANCEL = "office_cancel", _("网信部门注销")
    REVOKE = "revoke", _("撤销")
    RELEASE = "release", _("释放")
    REASSIGN = "reassign", _("改派")
    WITHDRAW = "withdraw", _("撤回")


class Side(models.TextChoices):
    """Who may perform a move: the owning filer or a reviewer in scope."""

    FILER = "filer", _("填报人员")
    REVIEWER = "reviewer", _("审核人员")


class Holder(models.TextChoices):
    """Who on the reviewer's side may make a move on a claimed item (SEC-02): a claim reserves the item for
    the reviewer who claimed it until it is released or reassigned."""

    ANYONE = "anyone", _("范围内的审核人员")
    CLAIMANT = "claimant", _("认领人")
    CLAIMANT_OR_SUPERVISOR = "claimant_or_supervisor", _("认领人或审核组长")
    SUPERVISOR = "supervisor", _("审核组长")


@dataclass(frozen=True)
class Transition:
    source: State
    action: Action
    target: State
    side: Side
    reason_required: bool = False
    holder: Holder = Holder.ANYONE


S, A, H = State, Action, Holder
TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.DRAFT, A.SUBMIT, S.SUBMITTED, Side.FILER),
    Transition(S.SUBMITTED, A.CLAIM, S.UNDER_REVIEW, Side.REVIEWER),
    Transition(S.UNDER_REVIEW, A.APPROVE, S.APPROVED, Side.REVIEWER, holder=H.CLAIMANT),
    Transition(S.UNDER_REVIEW, A.REJECT, S.REJECTED, Side.REVIEWER, reason_required=True, holder=H.CLAIMANT),
    Transition(
        S.UNDER_REVIEW, A.MARK_INCOMPLETE, S.REJECTED, Side.REVIEWER, reason_required=True, holder=H.CLAIMANT
    ),
    Transition(S.UNDER_REVIEW, A.RELEASE, S.SUBMITTED, Side.REVIEWER, holder=H.CLAIMANT_OR_SUPERVISOR),
    Transition(S.UNDER_REVIEW, A.REASSIGN, S.UNDER_REVIEW, Side.REVIEWER, holder=H.SUPERVISOR),
    # Issue 16: what was submitted is what the reviewer reads — frozen until decided. Before a reviewer
    # claims it, the filer may take it back (撤回): a first submission becomes a draft again; a change goes
    # back to an unsent change, the approved version staying in force. The working copy keeps every edit.
    Transition(S.SUBMITTED, A.WITHDRAW, S.DRAFT, Side.FILER),
    Transition(S.MODIFIED, A.WITHDRAW, S.APPROVED, Side.FILER),
    Transition(S.REJECTED, A.REOPEN, S.DRAFT, Side.FILER),
    Transition(S.APPROVED, A.MODIFY, S.MODIFIED, Side.FILER),
    Transition(S.MODIFIED, A.CLAIM, S.RE_REVIEW, Side.REVIEWER),
    # A rejected change leaves the approved version in force: the object keeps
    # its approved revision beside the rejected one (see the owning app).
    Transition(S.RE_REVIEW, A.APPROVE, S.APPROVED, Side.REVIEWER, holder=H.CLAIMANT),
    Transition(S.RE_REVIEW, A.REJECT, S.REJECTED, Side.REVIEWER, reason_required=True, holder=H.CLAIMANT),
    Transition(
        S.RE_REVIEW, A.MARK_INCOMPLETE, S.REJECTED, Side.REVIEWER, reason_required=True, holder=H.CLAIMANT
    ),
    Transition(S.RE_REVIEW, A.RELEASE, S.MODIFIED, Side.REVIEWER, holder=H.CLAIMANT_OR_SUPERVISOR),
    Transition(S.RE_REVIEW, A.REASSIGN, S.RE_REVIEW, Side.REVIEWER, holder=H.SUPERVISOR),
    # ALG-10, REV-01: 申请注销 — the filer applies, the office confirms; until then the filing stays in force.
    # A refusal (with reasons) leaves it approved. Any reviewer in scope decides: nothing to claim.
    Transition(S.APPROVED, A.CANCEL, S.CANCEL_REQUESTED, Side.FILER),
    Transition(S.CANCEL_REQUESTED, A.CONFIRM_CANCEL, S.CANCELLED, Side.REVIEWER),
    Transition(S.CANCEL_REQUESTED, A.REFUSE_CANCEL, S.APPROVED, Side.REVIEWER, reason_required=True),
    Transition(S.APPROVED, A.OFFICE_CANCEL, S.CANCELLED, Side.REVIEWER, reason_required=True),
    Transition(S.APPROVED, A.REVOKE, S.REVOKED, Side.REVIEWER, reason_required=True),
)
# States in which a filer's edits are theirs alone, not yet sent: a change of an approved item being prepared
# (approved, reopened as a draft, or returned with reasons). From submission to decision nothing is unsent.
UNSENT_STATES = frozenset({S.APPROVED, S.DRAFT, S.REJECTED})
# States in which an item belongs to the reviewer who claimed it.
CLAIMED_STATES = frozenset({S.UNDER_REVIEW, S.RE_REVIEW})

_BY_KEY: dict[tuple[str, str], Transition] = {(t.source, t.action): t for t in TRANSITIONS}
assert len(_BY_KEY) == len(TRANSITIONS), "two moves share a (state, action) pair"


def transition_find(state: str, action: str) -> Transition | None:
    """The move that `action` makes from `state`, or None when the table has none."""
    return _BY_KEY.get((state, action))


def actions_from(state: str, side: Side | None = None) -> list[Transition]:
    """The moves the table allows from `state` (for one side, if given): drives the buttons shown."""
    return [t for t in TRANSITIONS if t.source == state and (side is None or t.side == side)]
