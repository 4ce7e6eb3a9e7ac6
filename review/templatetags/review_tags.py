from django import template
from django.utils.translation import gettext as _

from beian.regions import office_name
from review.transitions import State

register = template.Library()

TONES = {
    State.DRAFT: "neutral",
    State.SUBMITTED: "info",
    State.UNDER_REVIEW: "info",
    State.APPROVED: "ok",
    State.REJECTED: "bad",
    State.MODIFIED: "info",
    State.RE_REVIEW: "info",
    State.CANCEL_REQUESTED: "info",
    State.CANCELLED: "neutral",
    State.REVOKED: "bad",
}


@register.inclusion_tag("review/state_badge.html")
def state_badge(state: str):
    return {"label": State(state).label, "tone": TONES.get(State(state), "neutral"), "state": state}


@register.inclusion_tag("review/history.html")
def review_history_table(events, for_filer: bool = False):
    """REV-01's record: who, when, from, to, why. A filer is shown which office acted, never a reviewer's
    personal account (the office decides; reviewers' names are the office's internal matter)."""
    return {"events": events, "for_filer": for_filer}


@register.simple_tag
def event_actor(event, for_filer: bool = False) -> str:
    """Who made a recorded move, as the reader of the history should see it."""
    actor = event.actor
    if actor is None:
        return _("系统")
    if actor.is_reviewer:
        office = office_name(actor.province_code, short=True)
        return office if for_filer else f"{actor.get_username()}（{office}）"
    return actor.get_username()


@register.simple_tag
def reviewer_office(user, short: bool = True) -> str:
    """The office a reviewer works for, by name ('北京市网信办'), derived from the province code."""
    return office_name(user.province_code, short=short)
