"""REV-01…05 for every kind of object, through the services and the API; the reviewers' queue."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from review.models import Notification, ReviewEvent
from review.services import IllegalTransition, transition_perform
from review.transitions import TRANSITIONS, Action, Side, State

from .builders import approve_item, complete_entity, complete_filing, complete_product, transition_path
from .conftest import requires_postgres
from .factories import FilerFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

KINDS = ("entity", "product", "filing")
REVIEWER_MOVES = [t for t in TRANSITIONS if t.side == Side.REVIEWER]
REVIEWER_ACTIONS = sorted({t.action for t in REVIEWER_MOVES})
REFUSED_REVIEWER = [
    (s, a)
    for s in State
    for a in REVIEWER_ACTIONS
    if (s, a) not in {(t.source, t.action) for t in REVIEWER_MOVES}
]


def _make(kind: str, filer):
    """A submitted object of `kind`, built through the filer's real services. A filing's entity and
    product are approved first, as ENT-05 asks before the filing can be."""
    if kind == "entity":
        return complete_entity(filer)
    if kind == "product":
        complete_entity(filer)
        return complete_product(filer)
    complete_entity(filer, approve=True)
    return complete_filing(filer, complete_product(filer, approve=True))


def _body(move, obj) -> dict:
    """The API body of a move: 改派 names a reviewer whose scope covers the item."""
    body = {"action": move.action, "reason": "审核意见"}
    if move.action == Action.REASSIGN:
        body["assignee"] = ReviewerFactory().pk
    return body


def _bring_to(obj, state: State, filer, reviewer):
    if state == State.DRAFT:
        transition_perform(obj=obj, action=Action.CLAIM, actor=reviewer)
        transition_perform(obj=obj, action=Action.REJECT, actor=reviewer, reason="退回")
        transition_perform(obj=obj, action=Action.REOPEN, actor=filer)
        return obj
    for move in transition_path(State.SUBMITTED, state):
        actor = filer if move.side == Side.FILER else reviewer
        transition_perform(obj=obj, action=move.action, actor=actor, reason="理由")
    obj.refresh_from_db()
    assert obj.state == state
    return obj


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("move", REVIEWER_MOVES, ids=lambda t: f"{t.source}-{t.action}")
def test_rev_01_every_reviewer_move_through_the_api(kind, move, filer):
    reviewer = ReviewerFactory(supervisor=True)  # who holds a claim: see test_sec_02_claims.py
    obj = _bring_to(_make(kind, filer), move.source, filer, reviewer)
    api = APIClient()
    api.force_authenticate(reviewer)
    response = api.post(f"/api/v1/review/{kind}/{obj.pk}/act/", _body(move, obj), format="json")
    assert response.status_code == 200, response.json()
    obj.refresh_from_db()
    assert obj.state == move.target


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("source", "action"), REFUSED_REVIEWER, ids=str)
def test_rev_01_every_refused_reviewer_move_is_409_and_changes_nothing(kind, source, action, filer):
    reviewer = ReviewerFactory()
    obj = _make(kind, filer)
    if source not in (State.SUBMITTED,):
        path = transition_path(State.SUBMITTED, source)
        if path is None and source != State.DRAFT:
            pytest.skip(f"{source} is not reachable after submission")
        obj = _bring_to(obj, source, filer, reviewer)
    events = ReviewEvent.objects.count()
    api = APIClient()
    api.force_authenticate(reviewer)
    response = api.post(
        f"/api/v1/review/{kind}/{obj.pk}/act/", {"action": action, "reason": "x"}, format="json"
    )
    assert response.status_code == 409
    assert str(State(source).label) in response.json()["detail"]
    obj.refresh_from_db()
    assert obj.state == source and ReviewEvent.objects.count() == events


@pytest.mark.parametrize("kind", KINDS)
def test_rev_01_filer_moves_for_each_kind_through_the_services(kind, filer):
    reviewer = ReviewerFactory()
    obj = _make(kind, filer)
    assert obj.state == State.SUBMITTED
    approve_item(obj, reviewer)
    transition_perform(obj=obj, action=Action.MODIFY, actor=filer)
    assert obj.state == State.MODIFIED
    with pytest.raises(IllegalTransition):
        transition_perform(obj=obj, action=Action.SUBMIT, actor=filer)
    transition_perform(obj=obj, action=Action.CLAIM, actor=reviewer)
    transition_perform(obj=obj, action=Action.APPROVE, actor=reviewer)
    transition_perform(obj=obj, action=Action.CANCEL, actor=filer)
    assert obj.state == State.CANCEL_REQUESTED  # ALG-10: applied for; the office confirms
    transition_perform(obj=obj, action=Action.CONFIRM_CANCEL, actor=reviewer)
    assert obj.state == State.CANCELLED


def test_rev_01_a_filer_cannot_perform_a_reviewer_move_through_the_api(filer):
    obj = _make("filing", filer)
    api = APIClient()
    api.force_authenticate(filer)
    assert (
        api.post(f"/api/v1/review/filing/{obj.pk}/act/", {"action": "approve"}, format="json").status_code
        == 403
    )


def test_rev_01_history_is_shown_and_cannot_be_edited_through_the_portal(client, filer):
    filing = _make("filing", filer)
    reviewer = ReviewerFactory(is_staff=True)
    transition_perform(obj=filing, action=Action.CLAIM, actor=reviewer)
    client.force_login(reviewer)
    html = client.get(reverse("review:item", args=["filing", filing.pk])).content.decode()
    assert "审核记录" in html and "认领审核" in html
    event = ReviewEvent.objects.filter(object_id=filing.pk).last()
    admin = FilerFactory.create(role="admin", entity=None, is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert client.post(f"/admin/review/reviewevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/review/reviewevent/{event.pk}/change/", {"reason": "x"}).status_code == 403
    assert ReviewEvent.objects.filter(pk=event.pk).exists()


# --- The queue (REV-02) ----------------------------------------------------------------------


def test_rev_02_the_queue_is_scoped_to_the_province_and_lists_every_kind(client, filer):
    entity = complete_entity(filer)
    product = complete_product(filer)
    filing = complete_filing(filer, product)
    shanghai = complete_entity(FilerFactory(), region_code="310115")
    beijing_reviewer = ReviewerFactory(province_code="110000")
    client.force_login(beijing_reviewer)
    items = client.get(reverse("review:queue")).context["items"]
    assert {(i["kind"].key, i["obj"].pk) for i in items} == {
        ("entity", entity.pk),
        ("product", product.pk),
        ("filing", filing.pk),
    }
    national = ReviewerFactory()
    client.force_login(national)
    assert ("entity", shanghai.pk) in {
        (i["kind"].key, i["obj"].pk) for i in client.get(reverse("review:queue")).context["items"]
    }
    only_filings = client.get(reverse("review:queue"), {"kind": "filing"}).context["items"]
    assert [i["obj"].pk for i in only_filings] == [filing.pk]
    by_type = client.get(reverse("review:queue"), {"algo_type": "03"}).context["items"]
    assert by_type == []
    # Out of scope: not found.
    client.force_login(beijing_reviewer)
    assert client.get(reverse("review:item", args=["entity", shanghai.pk])).status_code == 404


def test_rev_02_nearest_deadline_first_with_days_left_and_overdue_marked(client, filer):
    from datetime import date

    from review.models import Deadline

    first = complete_entity(filer)
    second = complete_entity(FilerFactory(), region_code="310115")
    Deadline.objects.filter(object_id=first.pk, content_type__model="entity").update(
        starts_on=date(2025, 1, 2), due_on=date(2025, 2, 20)
    )
    Deadline.objects.filter(object_id=second.pk, content_type__model="entity").update(
        starts_on=date(2026, 11, 2), due_on=date(2026, 12, 14)
    )
    client.force_login(ReviewerFactory())
    response = client.get(reverse("review:queue"))
    items = response.context["items"]
    assert [i["obj"].pk for i in items][:2] == [first.pk, second.pk]
    assert items[0]["overdue"] and items[0]["left"] < 0
    assert "已逾期" in response.content.decode()


def test_rev_02_the_queue_uses_a_fixed_number_of_queries_per_page(client, django_assert_num_queries):
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    reviewer = ReviewerFactory()
    client.force_login(reviewer)
    first = FilerFactory()
    complete_entity(first)
    complete_filing(first, complete_product(first))  # one item of each kind
    client.get(reverse("review:queue"))  # warm the content-type cache
    with CaptureQueriesContext(conn) as one:
        client.get(reverse("review:queue"))
    assert len(one.captured_queries) <= 13  # 13: one for the count of RPT-01's 问题报告 tab
    for _ in range(6):
        filer = FilerFactory()
        complete_entity(filer)
        complete_filing(filer, complete_product(filer))
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("review:queue"))
    assert len(response.context["items"]) == 21


def test_rev_02_claim_approve_with_the_pages(client, filer):
    filing = _make("filing", filer)
    reviewer = ReviewerFactory()
    client.force_login(reviewer)
    url = reverse("review:act", args=["filing", filing.pk])
    client.post(url, {"action": "claim"})
    filing.refresh_from_db()
    assert filing.state == State.UNDER_REVIEW
    # A second reviewer cannot claim it again.
    other = ReviewerFactory()
    client.force_login(other)
    response = client.post(url, {"action": "claim"}, follow=True)
    assert "不能执行" in response.content.decode()
    client.force_login(reviewer)
    client.post(url, {"action": "approve"})
    filing.refresh_from_db()
    assert filing.state == State.APPROVED


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_rev_02_two_reviewers_cannot_claim_the_same_item_at_once():
    filer = FilerFactory()
    entity = complete_entity(filer)
    reviewers = [ReviewerFactory() for _ in range(4)]
    barrier, results = threading.Barrier(4), []

    def claim(reviewer):
        from filers.models import Entity

        barrier.wait()
        try:
            transition_perform(obj=Entity.objects.get(pk=entity.pk), action=Action.CLAIM, actor=reviewer)
            results.append("ok")
        except IllegalTransition:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(r,)) for r in reviewers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused", "refused", "refused"]
    assert ReviewEvent.objects.filter(action="claim").count() == 1


# --- Reasons, incomplete materials, revocation (REV-03…05) ---------------------------------------


def test_rev_03_rejection_needs_reasons_which_reach_the_filer(
    client, filer, mailoutbox, django_capture_on_commit_callbacks
):
    filing = _make("filing", filer)
    reviewer = ReviewerFactory()
    client.force_login(reviewer)
    url = reverse("review:act", args=["filing", filing.pk])
    client.post(url, {"action": "claim"})
    response = client.post(url, {"action": "reject", "reason": "  "}, follow=True)
    assert "必须填写理由" in response.content.decode()
    filing.refresh_from_db()
    assert filing.state == State.UNDER_REVIEW
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "reject", "reason": "算法安全自评估报告缺少风险评估章节。"})
    filing.refresh_from_db()
    assert filing.state == State.REJECTED
    note = Notification.objects.filter(user=filer).latest("id")
    assert "未通过审核" in note.title and "缺少风险评估章节" in note.body
    assert any("缺少风险评估章节" in m.body for m in mailoutbox)
    client.force_login(filer)
    assert "缺少风险评估章节" in client.get(reverse("algorithms:detail", args=[filing.pk])).content.decode()
    inbox = client.get(reverse("notifications")).content.decode()
    assert "未通过审核" in inbox


def test_rev_04_materials_incomplete_tells_the_filer_why(filer, django_capture_on_commit_callbacks):
    entity = _make("entity", filer)
    reviewer = ReviewerFactory()
    transition_perform(obj=entity, action=Action.CLAIM, actor=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        transition_perform(
            obj=entity, action=Action.MARK_INCOMPLETE, actor=reviewer, reason="缺少ICP备案证明。"
        )
    assert entity.state == State.REJECTED  # not filed
    note = Notification.objects.filter(user=filer).latest("id")
    assert "材料不齐全" in note.title and "缺少ICP备案证明" in note.body


@pytest.mark.parametrize("action", [Action.REVOKE, Action.OFFICE_CANCEL])
def test_rev_05_revocation_and_office_cancellation_take_a_reason(filer, action):
    filing = approve_item(_make("filing", filer))
    reviewer = ReviewerFactory()
    with pytest.raises(Exception, match="必须填写理由"):
        transition_perform(obj=filing, action=action, actor=reviewer, reason="")
    transition_perform(obj=filing, action=action, actor=reviewer, reason="提交虚假材料。")
    assert filing.state == (State.REVOKED if action == Action.REVOKE else State.CANCELLED)
    assert ReviewEvent.objects.filter(object_id=filing.pk, action=action).get().reason == "提交虚假材料。"


def test_rev_02_a_change_shows_a_field_by_field_diff_to_the_reviewer(client, filer):
    from algorithms.services import filing_save_step, filing_submit

    from .builders import BASIC

    filing = approve_item(_make("filing", filer))
    filing_save_step(
        filing=filing, actor=filer, step=1, basic={**BASIC, "main_use": "应用于短视频推荐场景。"}
    )
    filing_submit(filing=filing, actor=filer, commitment=True)
    client.force_login(ReviewerFactory())
    response = client.get(reverse("review:item", args=["filing", filing.pk]))
    diff = response.context["diff"]
    assert [(c.field, c.label, c.new) for c in diff] == [
        ("basic.main_use", "主要用途", "应用于短视频推荐场景。")
    ]
    assert "变更内容" in response.content.decode()
    api = APIClient()
    api.force_authenticate(ReviewerFactory())
    assert api.get(f"/api/v1/review/filing/{filing.pk}/").json()["diff"][0]["field"] == "basic.main_use"


FILER_SUBMIT_URL = {
    "entity": lambda obj: "/api/v1/entity/submit/",
    "product": lambda obj: f"/api/v1/products/{obj.pk}/submit/",
    "filing": lambda obj: f"/api/v1/filings/{obj.pk}/submit/",
}


@pytest.mark.parametrize("kind", KINDS)
def test_rev_01_filer_moves_through_the_api_and_a_refused_one_is_409(kind, filer):
    """submit (draft → submitted) and modify (approved → modified) through each kind's endpoint; the same
    call while the item is under review is refused with 409 and changes nothing."""
    obj = _make(kind, filer)
    reviewer = ReviewerFactory()
    api = APIClient()
    api.force_authenticate(filer)
    url = FILER_SUBMIT_URL[kind](obj)
    body = {"commitment": True}
    transition_perform(obj=obj, action=Action.CLAIM, actor=reviewer)
    events = ReviewEvent.objects.count()
    refused = api.post(url, body, format="json")
    assert refused.status_code == 409 and "审核中" in refused.json()["detail"]
    obj.refresh_from_db()
    assert obj.state == State.UNDER_REVIEW and ReviewEvent.objects.count() == events
    transition_perform(obj=obj, action=Action.APPROVE, actor=reviewer)
    changed = api.post(url, body, format="json")
    assert changed.status_code == 200, changed.json()
    obj.refresh_from_db()
    assert obj.state == State.MODIFIED


def test_rev_01_cancel_through_the_api(filer):
    filing = approve_item(_make("filing", filer))
    api = APIClient()
    api.force_authenticate(filer)
    today = timezone.localdate().isoformat()
    assert (
        api.post(f"/api/v1/filings/{filing.pk}/cancel/", {"terminated_on": today}, format="json").status_code
        == 200
    )
    filing.refresh_from_db()
    assert filing.state == State.CANCEL_REQUESTED
    again = api.post(f"/api/v1/filings/{filing.pk}/cancel/", {"terminated_on": today}, format="json")
    assert again.status_code == 409
    office = APIClient()
    office.force_authenticate(ReviewerFactory())
    confirmed = office.post(
        f"/api/v1/review/filing/{filing.pk}/act/", {"action": "confirm_cancel"}, format="json"
    )
    assert confirmed.status_code == 200 and confirmed.json()["to"] == State.CANCELLED
