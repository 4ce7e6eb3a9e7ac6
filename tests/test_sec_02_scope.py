"""SEC-02, PUB-06, ENT-05: who may see and act follows from approved data; the public record and the region
digits of a number come from approved revisions only; a filing waits for its entity and products; a claim
reserves the item for its reviewer."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from filers.models import Entity
from filers.services import entity_save, entity_submit
from products.services import product_submit, product_update
from public_search.models import PublicFiling
from review.models import Deadline, DeadlineKind
from review.numbers import number_parse
from review.services import (
    ClaimedByAnother,
    PrerequisitesWaiting,
    transition_perform,
)
from review.transitions import Action, State

from .builders import approve_item, complete_entity, complete_filing, complete_product
from .factories import FilerFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

BEIJING, SHANGHAI = "110108", "310115"  # 北京市海淀区, 上海市浦东新区


@pytest.fixture
def published(django_capture_on_commit_callbacks):
    """A Beijing entity, its product and a filing, all approved and published with a number."""
    filer = FilerFactory(entity__name="北京星河智联科技有限公司")
    complete_entity(filer, approve=True, region_code=BEIJING)
    product = complete_product(filer, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        filing = approve_item(complete_filing(filer, product))
    filing.refresh_from_db()
    return filer, product, filing


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def _sees(client, reviewer, kind: str, obj) -> bool:
    client.force_login(reviewer)
    status = client.get(reverse("review:item", args=[kind, obj.pk])).status_code
    assert status in (200, 404)
    return status == 200


def _queue_keys(client, reviewer) -> set[tuple[str, int]]:
    client.force_login(reviewer)
    return {(i["kind"].key, i["obj"].pk) for i in client.get(reverse("review:queue")).context["items"]}


# --- SEC-02: scope comes from the region on record ----------------------------------------------------


def test_sec_02_editing_the_region_moves_nobody_until_the_change_is_approved(client, published):
    filer, _product, filing = published
    entity = filer.entity
    beijing, shanghai = ReviewerFactory(province_code="110000"), ReviewerFactory(province_code="310000")
    attachment = entity.commitment_letter

    # The filer edits its working copy through the API; the state stays approved.
    response = _api(filer).patch("/api/v1/entity/", {"region_code": SHANGHAI}, format="json")
    assert response.status_code == 200
    entity.refresh_from_db()
    assert entity.region_code == SHANGHAI and entity.state == State.APPROVED

    # Shanghai's reviewers see nothing of it: not the entity, not its filing, not its uploads, no moves.
    assert not _sees(client, shanghai, "entity", entity)
    assert not _sees(client, shanghai, "filing", filing)
    client.force_login(shanghai)
    assert client.get(reverse("filers:attachment", args=[attachment.pk])).status_code == 404
    revoke = _api(shanghai).post(
        f"/api/v1/review/filing/{filing.pk}/act/", {"action": "revoke", "reason": "x"}, format="json"
    )
    assert revoke.status_code == 404
    filing.refresh_from_db()
    assert filing.state == State.APPROVED
    # Beijing's still do.
    assert _sees(client, beijing, "entity", entity) and _sees(client, beijing, "filing", filing)
    client.force_login(beijing)
    assert client.get(reverse("filers:attachment", args=[attachment.pk])).status_code == 200

    # The change, submitted, waits in Beijing's queue: the office that holds the entity reviews the move.
    entity_submit(entity=entity, actor=filer)
    assert ("entity", entity.pk) in _queue_keys(client, beijing)
    assert ("entity", entity.pk) not in _queue_keys(client, shanghai)

    # Once approved, the entity and everything it owns belong to Shanghai.
    complete_product(filer, name="星河视频")  # a product waiting for review moves with it
    approve_item(entity, beijing)
    assert _sees(client, shanghai, "entity", entity) and _sees(client, shanghai, "filing", filing)
    assert not _sees(client, beijing, "filing", filing)
    waiting = Deadline.objects.filter(kind=DeadlineKind.REVIEW, met_at=None)
    assert waiting.exists() and set(waiting.values_list("region_code", flat=True)) == {SHANGHAI}


def test_sec_02_a_submitted_entity_is_reviewed_where_its_submission_says(client):
    """Before the first approval nothing is verified: the submitted region decides, the working copy never."""
    filer = FilerFactory()
    entity = complete_entity(filer, region_code=BEIJING)
    beijing, shanghai = ReviewerFactory(province_code="110000"), ReviewerFactory(province_code="310000")
    transition_perform(obj=entity, action=Action.CLAIM, actor=beijing)
    entity.refresh_from_db()
    assert entity.record_region_code == BEIJING
    assert _sees(client, beijing, "entity", entity) and not _sees(client, shanghai, "entity", entity)


def test_sec_02_a_draft_never_submitted_is_the_filers_alone(client, published):
    """A reviewer, national or in province, does not open what the filer has never submitted."""
    filer, product, _ = published
    draft = complete_filing(filer, product, submit=False)
    for reviewer in (ReviewerFactory(), ReviewerFactory(province_code="110000")):
        assert not _sees(client, reviewer, "filing", draft)
        assert _api(reviewer).get(f"/api/v1/review/filing/{draft.pk}/").status_code == 404
    unsubmitted = FilerFactory().entity
    assert not _sees(client, ReviewerFactory(), "entity", unsubmitted)


def test_sec_02_the_filer_does_not_see_the_offices_internal_moves(client, django_capture_on_commit_callbacks):
    """Release and reassignment stay inside the office: their notes name reviewers."""
    filer = FilerFactory()
    entity = complete_entity(filer)
    holder, other = ReviewerFactory(username="zhang_wei"), ReviewerFactory(username="li_na")
    supervisor = ReviewerFactory(supervisor=True)
    transition_perform(obj=entity, action=Action.CLAIM, actor=holder)
    transition_perform(obj=entity, action=Action.REASSIGN, actor=supervisor, assignee=other, reason="休假")
    client.force_login(filer)
    html = client.get(reverse("filers:entity")).content.decode()
    assert "认领审核" in html and "li_na" not in html and "改派" not in html


def test_sec_02_products_are_submitted_after_the_entity_information():
    filer = FilerFactory()
    product = complete_product(filer, submit=False)
    with pytest.raises(ValidationError, match="请先填报并提交主体信息"):
        product_submit(product=product, actor=filer)
    complete_entity(filer)
    product_submit(product=product, actor=filer)
    assert product.state == State.SUBMITTED


# --- PUB-06: the public record and the number come from approved revisions ---------------------------


def test_pub_06_an_unapproved_name_and_region_never_reach_the_public_record(
    client, published, django_capture_on_commit_callbacks
):
    filer, product, _filing = published
    entity = filer.entity
    entity_save(
        entity=entity, actor=filer, data={"name": "腾讯科技（深圳）有限公司", "region_code": SHANGHAI}
    )
    product_update(product=product, actor=filer, data={"name": "微信"})
    with django_capture_on_commit_callbacks(execute=True):
        second = approve_item(complete_filing(filer, product, basic={"name": "星河热榜算法"}))
    second.refresh_from_db()

    for record in PublicFiling.objects.all():
        assert record.entity_name == "北京星河智联科技有限公司"
        assert record.province_code == "11"
        assert "微信" not in record.products and "星河资讯" in record.products
    assert number_parse(second.number).digits[:6] == BEIJING
    page = client.get(reverse("public_search:filing", args=[second.pk])).content.decode()
    assert "北京星河智联科技有限公司" in page and "腾讯" not in page and "微信" not in page
    open_data = client.get("/api/v1/public/filings/", {"q": "星河"}).json()["results"]
    assert {r["entity_name"] for r in open_data} == {"北京星河智联科技有限公司"}
    assert not client.get("/api/v1/public/filings/", {"q": "腾讯"}).json()["results"]


def test_pub_06_an_approved_rename_reaches_the_record_and_an_unapproved_one_does_not(
    published, django_capture_on_commit_callbacks
):
    filer, product, filing = published
    product_update(product=product, actor=filer, data={"name": "星河资讯极速版"})
    assert "星河资讯极速版" not in PublicFiling.objects.get(pk=filing.pk).products
    product_submit(product=product, actor=filer)
    with django_capture_on_commit_callbacks(execute=True):
        approve_item(product)
    assert "星河资讯极速版（APP）" == PublicFiling.objects.get(pk=filing.pk).products

    entity = filer.entity
    entity_save(entity=entity, actor=filer, data={"name": "北京星河智联科技股份有限公司"})
    assert PublicFiling.objects.get(pk=filing.pk).entity_name == "北京星河智联科技有限公司"
    entity_submit(entity=entity, actor=filer)
    with django_capture_on_commit_callbacks(execute=True):
        approve_item(entity)
    record = PublicFiling.objects.get(pk=filing.pk)
    assert record.entity_name == "北京星河智联科技股份有限公司"
    assert "原主体名称" in record.remark


# --- ENT-05: approval waits for the entity and every covered product ---------------------------------


def test_ent_05_a_filing_is_approved_only_after_its_entity_and_products(client):
    filer = FilerFactory()
    entity = complete_entity(filer)
    product = complete_product(filer)
    filing = complete_filing(filer, product)
    reviewer = ReviewerFactory()
    transition_perform(obj=filing, action=Action.CLAIM, actor=reviewer)

    with pytest.raises(PrerequisitesWaiting) as refused:
        transition_perform(obj=filing, action=Action.APPROVE, actor=reviewer)
    assert "主体信息" in str(refused.value) and "星河资讯" in str(refused.value)
    filing.refresh_from_db()
    assert filing.state == State.UNDER_REVIEW and filing.number is None

    # The reviewer's page says which of them still waits, linked; the API says so too.
    client.force_login(reviewer)
    page = client.get(reverse("review:item", args=["filing", filing.pk])).content.decode()
    assert "尚未审核通过" in page
    assert reverse("review:item", args=["entity", entity.pk]) in page
    assert reverse("review:item", args=["product", product.pk]) in page
    waiting = _api(reviewer).get(f"/api/v1/review/filing/{filing.pk}/").json()["waiting"]
    assert [(w["kind"], w["id"]) for w in waiting] == [("entity", entity.pk), ("product", product.pk)]
    refused_api = _api(reviewer).post(
        f"/api/v1/review/filing/{filing.pk}/act/", {"action": "approve"}, format="json"
    )
    assert refused_api.status_code == 409 and refused_api.json()["code"] == "prerequisites_waiting"

    approve_item(entity)
    with pytest.raises(PrerequisitesWaiting, match="星河资讯"):
        transition_perform(obj=filing, action=Action.APPROVE, actor=reviewer)
    approve_item(product)
    transition_perform(obj=filing, action=Action.APPROVE, actor=reviewer)
    assert filing.state == State.APPROVED


def test_ent_05_a_pending_change_of_the_entity_does_not_hold_up_its_filings(published):
    """The approved version stays in force while a change of the entity waits."""
    filer, product, _ = published
    entity_save(entity=filer.entity, actor=filer, data={"address": "北京市海淀区中关村大街2号"})
    entity_submit(entity=filer.entity, actor=filer)
    assert Entity.objects.get(pk=filer.entity_id).state == State.MODIFIED
    filing = approve_item(complete_filing(filer, product, basic={"name": "星河热榜算法"}))
    assert filing.state == State.APPROVED


# --- SEC-02: a claim belongs to its reviewer ------------------------------------------------------------


@pytest.fixture
def claimed():
    filer = FilerFactory()
    entity = complete_entity(filer)
    holder, other = ReviewerFactory(province_code="110000"), ReviewerFactory(province_code="110000")
    transition_perform(obj=entity, action=Action.CLAIM, actor=holder)
    return entity, holder, other


@pytest.mark.parametrize(
    ("action", "reason"),
    [
        (Action.APPROVE, ""),
        (Action.REJECT, "材料不实"),
        (Action.MARK_INCOMPLETE, "缺少承诺书"),
        (Action.RELEASE, ""),
    ],
)
def test_sec_02_another_reviewer_cannot_act_on_a_claimed_item(claimed, action, reason):
    entity, _holder, other = claimed
    with pytest.raises(ClaimedByAnother):
        transition_perform(obj=entity, action=action, actor=other, reason=reason)
    entity.refresh_from_db()
    assert entity.state == State.UNDER_REVIEW


def test_sec_02_a_refused_move_on_someone_elses_claim_is_409_in_the_api_and_named_on_the_page(
    client, claimed
):
    entity, holder, other = claimed
    response = _api(other).post(
        f"/api/v1/review/entity/{entity.pk}/act/", {"action": "reject", "reason": "x"}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "claimed_by_another"
    client.force_login(other)
    page = client.get(reverse("review:item", args=["entity", entity.pk]))
    html = page.content.decode()
    assert holder.username in html and "认领" in html
    assert not [m for m in page.context["moves"]]  # nothing to press
    shown = client.post(
        reverse("review:act", args=["entity", entity.pk]), {"action": "reject", "reason": "x"}, follow=True
    )
    assert holder.username in shown.content.decode()
    entity.refresh_from_db()
    assert entity.state == State.UNDER_REVIEW


def test_sec_02_the_claimant_releases_and_another_reviewer_takes_it(claimed):
    entity, holder, other = claimed
    transition_perform(obj=entity, action=Action.RELEASE, actor=holder)
    entity.refresh_from_db()
    assert entity.state == State.SUBMITTED and entity.claimed_by is None
    transition_perform(obj=entity, action=Action.CLAIM, actor=other)
    transition_perform(obj=entity, action=Action.REJECT, actor=other, reason="材料不实")
    assert entity.state == State.REJECTED and entity.claimed_by is None


def test_sec_02_a_supervisor_releases_or_reassigns_within_scope(claimed):
    entity, holder, other = claimed
    supervisor = ReviewerFactory(province_code="110000", supervisor=True)
    with pytest.raises(ClaimedByAnother):
        transition_perform(obj=entity, action=Action.REASSIGN, actor=other, assignee=other)
    outsider = ReviewerFactory(province_code="310000")
    with pytest.raises(Exception, match="负责该地区"):
        transition_perform(obj=entity, action=Action.REASSIGN, actor=supervisor, assignee=outsider)
    transition_perform(obj=entity, action=Action.REASSIGN, actor=supervisor, assignee=other, reason="休假")
    entity.refresh_from_db()
    assert entity.state == State.UNDER_REVIEW and entity.claimed_by == other
    with pytest.raises(ClaimedByAnother):
        transition_perform(obj=entity, action=Action.APPROVE, actor=holder)
    transition_perform(obj=entity, action=Action.RELEASE, actor=supervisor)
    assert entity.state == State.SUBMITTED


def test_sec_02_reassigning_through_the_api_names_a_reviewer_in_scope(claimed):
    entity, _holder, other = claimed
    supervisor = ReviewerFactory(province_code="110000", supervisor=True)
    outsider = ReviewerFactory(province_code="310000")
    url = f"/api/v1/review/entity/{entity.pk}/act/"
    for bad in (outsider.pk, 10**12, "abc", ["1"], None, "٣", "²"):
        response = _api(supervisor).post(url, {"action": "reassign", "assignee": bad}, format="json")
        assert response.status_code in (400, 409), bad
        if response.status_code == 400:
            assert "assignee" in response.json()
    ok = _api(supervisor).post(url, {"action": "reassign", "assignee": other.pk}, format="json")
    assert ok.status_code == 200
    entity.refresh_from_db()
    assert entity.claimed_by == other


def test_sec_02_the_queue_shows_who_holds_each_item(client, claimed):
    entity, holder, other = claimed
    unclaimed = complete_entity(FilerFactory())
    client.force_login(other)
    response = client.get(reverse("review:queue"))
    html = response.content.decode()
    assert holder.username in html and "未认领" in html
    rows = _api(other).get("/api/v1/review/queue/").json()["results"]
    holders = {row["id"]: row["claimed_by"] for row in rows if row["kind"] == "entity"}
    assert holders[entity.pk] == holder.username and holders[unclaimed.pk] is None
    client.force_login(holder)
    mine = client.get(reverse("review:queue"), {"mine": "1"}).context["items"]
    assert [(i["kind"].key, i["obj"].pk) for i in mine] == [("entity", entity.pk)]
