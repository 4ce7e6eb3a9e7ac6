"""Issue 14: the filing's detail page asks the model whether the filer may edit it (filer_may_edit)
instead of listing states itself; it used to hide 修改 on a submitted filing no reviewer had claimed,
which the wizard and the services allowed. Since issue 16 a submission is frozen until decided: the page
offers 撤回 instead, while no reviewer has claimed it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from review.services import transition_perform
from review.transitions import Side, State

from .builders import complete_entity, complete_filing, complete_product, transition_path
from .factories import ReviewerFactory

pytestmark = pytest.mark.django_db

# Every state: the button the detail page shows ("" for none).
BUTTON = {
    State.DRAFT: "继续填报",
    State.SUBMITTED: "",  # issue 16: frozen; 撤回 first
    State.UNDER_REVIEW: "",
    State.APPROVED: "修改",
    State.REJECTED: "继续填报",
    State.MODIFIED: "",  # issue 16: frozen; 撤回 first
    State.RE_REVIEW: "",
    State.CANCEL_REQUESTED: "",  # ALG-10: frozen while the office decides the 申请注销
    State.CANCELLED: "",
    State.REVOKED: "",
}


def _filing_in(state: State, filer):
    complete_entity(filer, approve=True)
    product = complete_product(filer, approve=True)
    if state == State.DRAFT:
        return complete_filing(filer, product, submit=False)
    filing = complete_filing(filer, product)
    reviewer = ReviewerFactory()
    for move in transition_path(State.SUBMITTED, state):
        actor = filer if move.side == Side.FILER else reviewer
        transition_perform(obj=filing, action=move.action, actor=actor, reason="理由")
    filing.refresh_from_db()
    assert filing.state == state
    return filing


def test_issue_14_the_table_covers_every_state():
    assert set(BUTTON) == set(State)


@pytest.mark.parametrize("state", list(State))
def test_issue_14_the_detail_page_offers_the_wizard_exactly_when_the_filer_may_edit(client, filer, state):
    filing = _filing_in(state, filer)
    assert bool(BUTTON[state]) == filing.filer_may_edit
    client.force_login(filer)
    html = client.get(reverse("algorithms:detail", args=[filing.pk])).content.decode()
    actions = html[
        html.index('<div class="actions">') : html.index("</div>", html.index('<div class="actions">'))
    ]
    step = reverse("algorithms:step", args=[filing.pk, filing.last_step])
    if BUTTON[state]:
        assert f'<a class="button" href="{step}">{BUTTON[state]}</a>' in actions
        # …and the wizard it leads to opens.
        assert client.get(step).status_code == 200
    else:
        assert step not in actions and "修改" not in actions and "继续填报" not in actions
        assert client.get(step).status_code == 302  # the wizard refuses too, back to the detail page
    withdraw = reverse("review:withdraw", args=["filing", filing.pk])
    # 撤回 is offered exactly while the table allows it: submitted (or a change sent) and not yet claimed.
    assert (withdraw in html) == (state in (State.SUBMITTED, State.MODIFIED))
