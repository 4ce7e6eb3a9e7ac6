"""Issue 14: the filing form is declared once (algorithms.declarations). A field added there — one line —
appears in the wizard, is accepted and refused by the page and the API alike, is listed with its label in
the reviewer's diff, is named in "what is missing" when required, and, when marked public, is published."""

from __future__ import annotations

import dataclasses

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from algorithms import declarations
from algorithms.declarations import LONG, Field, Section
from algorithms.services import filing_problems, filing_save_step, filing_submit
from public_search.models import PublicFiling

from .builders import DETAILS, approve_item, complete_entity, complete_filing, complete_product
from .factories import ReviewerFactory

pytestmark = pytest.mark.django_db

NEW_LABEL = "可解释性说明"


def _with_field(monkeypatch, **options) -> Field:
    """Step ② as declared, plus the one line a new optional text field takes."""
    added = Field(
        "details.explainability", NEW_LABEL, widget="textarea", required=False, limit=LONG, **options
    )
    step = declarations.FORM[2]
    extended = dataclasses.replace(step, sections=(*step.sections, Section("可解释性", (added,))))
    monkeypatch.setitem(declarations.FORM, 2, extended)
    return added


@pytest.fixture
def ready(filer):
    complete_entity(filer, approve=True)
    return filer, complete_product(filer, approve=True)


def test_a_field_declared_once_appears_in_the_wizard_and_is_saved_from_the_page(monkeypatch, client, ready):
    _with_field(monkeypatch)
    filer, product = ready
    filing = complete_filing(filer, product, submit=False)
    client.force_login(filer)
    url = reverse("algorithms:step", args=[filing.pk, 2])
    html = client.get(url).content.decode()
    assert f'<label for="id_explainability">{NEW_LABEL}</label>' in html  # optional: no red *
    assert 'name="explainability"' in html

    page = {"intro": DETAILS["intro"], "explainability": "按兴趣标签解释推荐理由。", "action": "save"}
    assert client.post(url, page).status_code == 302
    filing.refresh_from_db()
    assert filing.data["details"]["explainability"] == "按兴趣标签解释推荐理由。"
    # The page form refuses what the declaration's limit refuses, at the field, keeping it as typed.
    refused = client.post(url, {**page, "explainability": "长" * (LONG + 1)})
    assert refused.status_code == 400 and list(refused.context["errors"]) == ["explainability"]


def test_a_field_declared_once_is_accepted_and_limited_by_the_api(monkeypatch, ready):
    _with_field(monkeypatch)
    filer, product = ready
    filing = complete_filing(filer, product, submit=False)
    api = APIClient()
    api.force_authenticate(filer)
    url = reverse("api:filing", args=[filing.pk])
    saved = api.patch(url, {"step": 2, "details": {**DETAILS, "explainability": "接口填写"}}, format="json")
    assert saved.status_code == 200
    assert saved.json()["snapshot"]["details"]["explainability"] == "接口填写"
    too_long = api.patch(
        url, {"step": 2, "details": {**DETAILS, "explainability": "长" * (LONG + 1)}}, format="json"
    )
    assert too_long.status_code == 400
    assert "explainability" in too_long.json()["details"]
    schema = api.get("/api/schema/?format=json").json()
    assert "explainability" in schema["components"]["schemas"]["DetailsInput"]["properties"]


def test_a_field_declared_once_is_labelled_in_the_reviewers_diff_and_published_when_public(
    monkeypatch, client, ready
):
    _with_field(monkeypatch, public="explainability")
    filer, product = ready
    filing = approve_item(complete_filing(filer, product))
    filing_save_step(
        filing=filing, actor=filer, step=2, details={**DETAILS, "explainability": "按兴趣标签解释推荐理由。"}
    )
    filing_submit(filing=filing, actor=filer, commitment=True)

    client.force_login(ReviewerFactory())
    response = client.get(reverse("review:item", args=["filing", filing.pk]))
    assert [(c.field, c.label) for c in response.context["diff"]] == [("details.explainability", NEW_LABEL)]
    assert NEW_LABEL in response.content.decode()

    approve_item(filing)
    record = PublicFiling.objects.get(filing=filing)
    assert record.disclosure["explainability"] == "按兴趣标签解释推荐理由。"
    public = client.get(reverse("public_search:filing", args=[filing.pk])).content.decode()
    assert f"<h3>{NEW_LABEL}</h3><p>按兴趣标签解释推荐理由。</p>" in public


def test_a_field_not_marked_public_is_never_published(monkeypatch, client, ready):
    _with_field(monkeypatch)
    filer, product = ready
    filing = complete_filing(filer, product, submit=False)
    filing_save_step(filing=filing, actor=filer, step=2, details={**DETAILS, "explainability": "内部说明"})
    filing_submit(filing=filing, actor=filer, commitment=True)
    approve_item(filing)
    assert "explainability" not in PublicFiling.objects.get(filing=filing).disclosure
    assert "内部说明" not in client.get(reverse("public_search:filing", args=[filing.pk])).content.decode()


def test_a_declared_required_field_is_named_in_what_is_missing(monkeypatch, ready):
    field = _with_field(monkeypatch)
    monkeypatch.setitem(
        declarations.FORM,
        2,
        dataclasses.replace(
            declarations.FORM[2],
            sections=(
                *declarations.FORM[2].sections[:-1],
                Section("可解释性", (dataclasses.replace(field, required=True),)),
            ),
        ),
    )
    filer, product = ready
    filing = complete_filing(filer, product, submit=False)
    problems = [(p.step, p.field, p.message) for p in filing_problems(filing=filing)]
    assert (2, "explainability", f"请填写{NEW_LABEL}。") in problems


def test_alg_12_the_reviewer_sees_what_approval_will_publish_and_nothing_else(client, ready):
    from .builders import BASIC

    filer, product = ready
    filing = complete_filing(filer, product)
    client.force_login(ReviewerFactory())
    html = client.get(reverse("review:item", args=["filing", filing.pk])).content.decode()
    start = html.index('id="sec-will-publish"')
    section = html[start : html.index("</section>", start)]
    for key in ("public_principle", "public_mechanism", "public_scenarios", "public_purpose"):
        assert BASIC[key] in section
    assert DETAILS["strategy"] not in section and DETAILS["model"]["principle"] not in section
