"""RPT-01: the small state table of a problem report, apart from the review core's table for filings.

A report is not a reviewed object: it has no revisions, no filer moves and no deadlines, and its moves are
not the filings' (docs/decisions/0005-problem-reports.md). As the review core does, the table is data: the
service refuses any move it does not list, and the tests walk it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportState(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("待确认邮箱")
    NEW = "new", _("待处理")
    IN_PROGRESS = "in_progress", _("处理中")
    CLOSED = "closed", _("已办结")


class ReportAction(models.TextChoices):
    SUBMIT = "submit", _("提交")
    CONFIRM = "confirm", _("确认邮箱")
    TAKE = "take", _("受理")
    RELEASE = "release", _("退回待处理")
    CLOSE = "close", _("办结")


class Actor(models.TextChoices):
    """Who may make a move: the reporter (through the link sent to their e-mail) or a reviewer in scope."""

    REPORTER = "reporter", _("报告人")
    REVIEWER = "reviewer", _("审核人员")


@dataclass(frozen=True)
class ReportTransition:
    source: ReportState
    action: ReportAction
    target: ReportState
    actor: Actor
    # A taken report is acted on by the reviewer who took it (or a supervisor), as a claimed filing is.
    taker_only: bool = False
    outcome_required: bool = False


S, A = ReportState, ReportAction
REPORT_TRANSITIONS: tuple[ReportTransition, ...] = (
    ReportTransition(S.UNCONFIRMED, A.CONFIRM, S.NEW, Actor.REPORTER),
    ReportTransition(S.NEW, A.TAKE, S.IN_PROGRESS, Actor.REVIEWER),
    ReportTransition(
        S.IN_PROGRESS, A.CLOSE, S.CLOSED, Actor.REVIEWER, taker_only=True, outcome_required=True
    ),
    ReportTransition(S.IN_PROGRESS, A.RELEASE, S.NEW, Actor.REVIEWER, taker_only=True),
)

_BY_KEY = {(t.source, t.action): t for t in REPORT_TRANSITIONS}
assert len(_BY_KEY) == len(REPORT_TRANSITIONS), "two moves share a (state, action) pair"

# What reviewers see: a report with an unconfirmed e-mail waits for its reporter, not for them.
OPEN_STATES = (S.NEW, S.IN_PROGRESS)
VISIBLE_STATES = (S.NEW, S.IN_PROGRESS, S.CLOSED)


def report_transition_find(state: str, action: str) -> ReportTransition | None:
    return _BY_KEY.get((state, action))


def report_actions_from(state: str, actor: Actor | None = None) -> list[ReportTransition]:
    return [t for t in REPORT_TRANSITIONS if t.source == state and (actor is None or t.actor == actor)]
