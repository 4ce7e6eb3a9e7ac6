from django import template

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
def review_history_table(events):
    return {"events": events}
