"""SEC-05 for filers and reviewers: the wizard's API and pages, 注销, the review queue and moves. Every bad
value is a 400 that names its field (pages: the error at the field, the input kept), never a 5xx; and an
upload of another entity gets the very same answer as one that does not exist, so ids cannot be probed."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from algorithms.models import Coverage

from .builders import approve_item, complete_entity, complete_filing, complete_product, upload
from .factories import FilerFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

HUGE = 99999999999999999999  # beyond a 64-bit integer: SQLite overflowed on it, a 500
BAD_IDS = ["²", "٣", str(HUGE), "9223372036854775808", "-1", "1.5", ""]


@pytest.fixture
def ready(filer):
    complete_entity(filer)
    return filer, complete_product(filer)


@pytest.fixture
def draft(ready):
    filer, product = ready
    return complete_filing(filer, product, submit=False)


def _withdraw(obj, filer) -> None:
    """撤回 a submitted item (issue 16), so that its page edits it again."""
    from review.services import transition_perform
    from review.transitions import Action

    transition_perform(obj=obj, action=Action.WITHDRAW, actor=filer)
    obj.refresh_from_db()


def _api(user) -> APIClient:
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(user)
    return api


def _page(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


# --- The wizard's API (algorithms/api.py) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"coverage": {"products": ["²"]}}, ["coverage", "products"]),
        ({"coverage": {"products": ["٣"]}}, ["coverage", "products"]),
        ({"coverage": {"products": [HUGE]}}, ["coverage", "products"]),
        ({"coverage": {"paths": [2**63]}}, ["coverage", "paths"]),
        ({"coverage": {"functions": [-1]}}, ["coverage", "functions"]),
        ({"coverage": {"products": 5}}, ["coverage", "products"]),  # a scalar where a list is expected
        ({"coverage": {"products": [[1]]}}, ["coverage", "products"]),
        ({"coverage": [1, 2]}, ["coverage"]),  # a list where an object is expected
        ({"coverage": "products"}, ["coverage"]),
        ({"basic": []}, ["basic"]),
        ({"basic": "name"}, ["basic"]),
        ({"basic": {"name": ["星河"]}}, ["basic", "name"]),  # a list where a string is expected
        ({"basic": {"main_use": {"a": 1}}}, ["basic", "main_use"]),
        ({"basic": {"name": "算" * 2001}}, ["basic", "name"]),  # never cut silently (ALG-13)
        ({"details": {"intro": ["x"]}}, ["details", "intro"]),
        ({"details": {"data_sources": "abc"}}, ["details", "data_sources"]),
        ({"details": {"data_sources": [1, 2]}}, ["details", "data_sources"]),
        ({"details": {"model": []}}, ["details", "model"]),
        ({"details": {"risks": {"risk": "x"}}}, ["details", "risks"]),
        ({"self_assessment": "²"}, ["self_assessment"]),
        ({"disclosure": HUGE}, ["disclosure"]),
        ({"step": "٣"}, ["step"]),
    ],
)
def test_sec_05_wizard_api_refuses_a_wrong_shape_or_id_naming_the_field(draft, body, path):
    response = _api(draft.entity.account).patch(
        f"/api/v1/filings/{draft.pk}/", {"step": 3, **body}, format="json"
    )
    assert response.status_code == 400, response.content
    errors = response.json()
    for key in path:
        assert key in errors, (path, errors)
        errors = errors[key]
    assert errors  # a message at the field


@pytest.mark.parametrize("body", [[], "text", 5, None])
def test_sec_05_every_filer_api_refuses_a_body_that_is_not_an_object(draft, body):
    api = _api(draft.entity.account)
    for url in (
        f"/api/v1/filings/{draft.pk}/",
        f"/api/v1/filings/{draft.pk}/submit/",
        f"/api/v1/filings/{draft.pk}/cancel/",
    ):
        method = api.patch if url.endswith(f"{draft.pk}/") else api.post
        response = method(url, body, format="json")
        assert response.status_code == 400, (url, response.content)


@pytest.mark.parametrize(
    "body",
    [
        {"terminated_on": "2026-02-30"},
        {"terminated_on": "２０２６-01-01"},
        {"terminated_on": "0001-01-01"},  # working days from year 1 cannot be counted
        {"terminated_on": "2021-12-31"},
        {"terminated_on": ["2026-01-01"]},
        {"terminated_on": 20260101},
        {},
    ],
)
def test_sec_05_cancel_api_refuses_a_bad_day_naming_it(ready, body):
    filer, product = ready
    approve_item(filer.entity)  # ENT-05: a filing is approved after its entity and products
    filing = approve_item(complete_filing(filer, approve_item(product)))
    response = _api(filer).post(f"/api/v1/filings/{filing.pk}/cancel/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["terminated_on"]
    filing.refresh_from_db()
    assert filing.state == "approved"


@pytest.mark.parametrize("commitment", [[], {"a": 1}, "perhaps"])
def test_sec_05_submit_api_refuses_a_commitment_that_is_not_a_boolean(draft, commitment):
    response = _api(draft.entity.account).post(
        f"/api/v1/filings/{draft.pk}/submit/", {"commitment": commitment}, format="json"
    )
    assert response.status_code == 400 and list(response.json()) == ["commitment"]


# --- Ids cannot be probed ------------------------------------------------------------------------


def test_sec_05_another_entitys_upload_answers_exactly_as_a_missing_one(draft):
    """PATCH a filing or the entity with an upload of another entity: the same status and the same body
    as for an id that does not exist."""
    filer = draft.entity.account
    stranger = FilerFactory()
    foreign = {
        "self_assessment": upload(stranger.entity, "self_assessment", stranger).pk,
        "commitment_letter": upload(stranger.entity, "commitment_letter", stranger).pk,
    }
    missing = max(foreign.values()) + 1000
    api = _api(filer)
    for url, field, body in (
        (f"/api/v1/filings/{draft.pk}/", "self_assessment", {"step": 1}),
        ("/api/v1/entity/", "commitment_letter", {}),
    ):
        theirs = api.patch(url, {**body, field: foreign[field]}, format="json")
        nobodys = api.patch(url, {**body, field: missing}, format="json")
        assert theirs.status_code == nobodys.status_code == 400
        assert theirs.json() == nobodys.json() == {field: ["附件不存在。"]}
    # Another entity's id and a missing one are, alike, not attached by the entity page either (withdrawn
    # first: a submission is frozen, issue 16, and the page would refuse any edit).
    _withdraw(filer.entity, filer)
    page = _page(filer)
    for pending in (foreign["commitment_letter"], missing, "²", str(HUGE)):
        data = {"name": filer.entity.name, "commitment_letter_pending": pending}
        response = page.post(reverse("filers:entity_edit"), data)
        assert response.status_code == 302
        filer.entity.refresh_from_db()
        assert filer.entity.commitment_letter.entity_id == filer.entity_id


def test_sec_05_entity_page_says_a_required_name_at_its_field_instead_of_a_500(ready):
    """The form lets a draft leave anything out; the model still needs the entity's name. Its
    ValidationError escaped the view (a 500); now it is an error at the field, the rest kept."""
    filer, _ = ready
    _withdraw(filer.entity, filer)
    response = _page(filer).post(reverse("filers:entity_edit"), {"name": "", "address": "上海市"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["name"]
    assert response.context["form"]["address"].value() == "上海市"


# --- The wizard's pages ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["²", "٣", str(HUGE), "9223372036854775808", "-1", "abc"])
def test_sec_05_step_3_refuses_a_bad_id_at_the_field_and_saves_nothing(draft, value):
    product = draft.entity.products.get()
    before = list(Coverage.objects.filter(filing=draft).values_list("product_id", flat=True))
    response = _page(draft.entity.account).post(
        reverse("algorithms:step", args=[draft.pk, 3]),
        {"products": [str(product.pk), value], "action": "save"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="field-coverage"' in html and "field-error" in html
    assert response.context["selection"]["products"] == {product.pk}  # the well-formed tick is kept
    assert list(Coverage.objects.filter(filing=draft).values_list("product_id", flat=True)) == before


@pytest.mark.parametrize(
    ("step", "data", "field", "shown"),
    [
        # PostgreSQL refuses NUL in JSON: each was a 500 there.
        (1, {"name": "星河\x00推荐"}, "name", lambda c: c["basic"]["name"]),
        (1, {"main_use": "用" * 2001}, "main_use", lambda c: c["basic"]["main_use"]),  # was cut (ALG-13)
        (2, {"intro": "简介\x00"}, "intro", lambda c: c["details"]["intro"]),
        (2, {"model_framework": "\x00"}, "model_framework", lambda c: c["details"]["model"]["framework"]),
        (
            2,
            {"ds_name": ["日志", "行为\x00"]},
            "data_sources",
            lambda c: [r["name"] for r in c["details"]["data_sources"]],
        ),
        (2, {"risk_risk": ["险" * 2001]}, "risks", lambda c: [r["risk"] for r in c["details"]["risks"]]),
    ],
)
def test_sec_05_steps_1_and_2_refuse_nul_or_overlong_text_at_the_field_and_keep_it(
    draft, step, data, field, shown
):
    before = dict(draft.data)
    response = _page(draft.entity.account).post(
        reverse("algorithms:step", args=[draft.pk, step]), {**data, "action": "save"}
    )
    assert response.status_code == 400
    assert list(response.context["errors"]) == [field]
    assert shown(response.context) == next(iter(data.values()))  # shown again as typed
    draft.refresh_from_db()
    assert draft.data == before  # nothing saved


@pytest.mark.parametrize("steps", [["首页", "推\x00荐"], ["\x00"]])
def test_sec_05_path_page_refuses_nul_at_the_field_and_keeps_the_steps(ready, steps):
    filer, product = ready
    _withdraw(product, filer)
    path = product.paths.get()
    response = _page(filer).post(reverse("products:path_edit", args=[path.pk]), {"steps": steps})
    assert response.status_code == 400
    assert response.context["errors"] and response.context["steps"] == steps
    path.refresh_from_db()
    assert path.steps == ["首页", "推荐"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"terminated_on": "2026-02-30", "confirm": "on"}, "terminated_on"),
        ({"terminated_on": "２０２６-01-01", "confirm": "on"}, "terminated_on"),
        ({"terminated_on": "0001-01-01", "confirm": "on"}, "terminated_on"),
        ({"terminated_on": "2999-01-01", "confirm": "on"}, "terminated_on"),
        ({"terminated_on": "2026-01-01"}, "confirm"),
    ],
)
def test_sec_05_cancel_page_refuses_a_bad_day_at_the_field_and_keeps_it(ready, data, field):
    filer, product = ready
    approve_item(filer.entity)  # ENT-05: a filing is approved after its entity and products
    filing = approve_item(complete_filing(filer, approve_item(product)))
    response = _page(filer).post(reverse("algorithms:cancel", args=[filing.pk]), data)
    assert response.status_code == 400
    assert list(response.context["cancel_form"].errors) == [field]
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html and f'value="{data["terminated_on"]}"' in html
    filing.refresh_from_db()
    assert filing.state == "approved"


@pytest.mark.parametrize("query", [{"state": "nonsense"}, {"algo_type": "99"}, {"order": "price"}])
def test_sec_05_filing_list_refuses_a_filter_it_does_not_offer(ready, query):
    filer, _ = ready
    response = _page(filer).get(reverse("algorithms:list"), query)
    assert response.status_code == 400
    assert list(response.context["filterset"].form.errors) == list(query)


# --- Reviewers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"kind": "nonsense"}, "kind"),
        ({"state": "approved"}, "state"),
        ({"province": "99"}, "province"),
        ({"province": "１１"}, "province"),
        ({"algo_type": "99"}, "algo_type"),
    ],
)
def test_sec_05_review_queue_refuses_a_filter_it_does_not_offer(query, field):
    reviewer = ReviewerFactory()
    api = _api(reviewer).get("/api/v1/review/queue/", query)
    assert api.status_code == 400 and list(api.json()) == [field]
    page = _page(reviewer).get(reverse("review:queue"), query)
    assert page.status_code == 400 and list(page.context["form"].errors) == [field]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": ["claim"]}, "action"),
        ({"action": "promote"}, "action"),
        ({"action": "reject", "reason": {"why": "x"}}, "reason"),
        ({"action": "reject", "reason": ["x"]}, "reason"),
    ],
)
def test_sec_05_review_moves_refuse_a_bad_action_or_reason_naming_it(ready, body, field):
    filer, product = ready
    reviewer = ReviewerFactory()
    response = _api(reviewer).post(f"/api/v1/review/product/{product.pk}/act/", body, format="json")
    assert response.status_code == 400 and list(response.json()) == [field]
    for bad in ([], "claim"):
        assert (
            _api(reviewer).post(f"/api/v1/review/product/{product.pk}/act/", bad, format="json").status_code
            == 400
        )
    page = _page(reviewer).post(reverse("review:act", args=["product", product.pk]), {"action": "promote"})
    assert page.status_code == 400 and list(page.context["form"].errors) == ["action"]
    product.refresh_from_db()
    assert product.state == "submitted"
