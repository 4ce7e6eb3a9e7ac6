"""ENT-01: the materials the materials list (seed 001) names for 主体信息 — a 联系人 (name, mobile, e-mail),
the entity's website, the ICP proof's kind and number beside its upload, a business licence still in force,
and 所属行业 as the 20 sections of GB/T 4754-2017 — in the form, the API, the reviewer's view and the
pre-filled 《落实算法安全主体责任基本情况》."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from filers.documents import responsibility_statement_pdf
from filers.models import Entity, IcpKind, Industry
from filers.services import entity_missing, entity_save
from review.services import transition_perform
from review.transitions import Action

from .builders import ENTITY_DATA, complete_entity
from .factories import EntityFactory, ReviewerFactory
from .pdf_tools import poppler
from .test_entity import COMPLETE, _post, _uploads

pytestmark = pytest.mark.django_db


@pytest.fixture
def filer_client(client, filer):
    client.force_login(filer)
    return client


def _errors(response) -> dict:
    return response.context["form"].errors


def test_ent_01_the_form_has_a_contact_section_website_and_icp_fields(filer_client):
    html = filer_client.get(reverse("filers:entity_edit")).content.decode()
    assert "<legend>联系人信息</legend>" in html
    for name in ("contact_name", "contact_mobile", "contact_email", "website", "icp_kind", "icp_number"):
        assert f'name="{name}"' in html
    # The ICP kind and number sit in the attachments section, just before the ICP upload.
    attachments = html[html.index("<legend>附件</legend>") :]
    assert attachments.index('name="icp_kind"') < attachments.index('name="icp_number"')
    assert attachments.index('name="icp_number"') < attachments.index('name="icp_proof"')
    assert "ICP备案" in attachments and "ICP经营许可证" in attachments


def test_ent_01_the_contact_person_is_required_and_the_website_optional(filer):
    entity = filer.entity
    missing = [name for name, _label in entity_missing(entity=entity)]
    for name in ("contact_name", "contact_mobile", "contact_email", "icp_kind", "icp_number"):
        assert name in missing
    assert "website" not in missing
    complete = complete_entity(filer, submit=False)
    assert entity_missing(entity=complete) == []


def test_ent_01_a_complete_entity_without_a_website_can_be_submitted(filer):
    complete_entity(filer, submit=False)
    entity_save(entity=filer.entity, actor=filer, data={"website": ""})
    assert entity_missing(entity=Entity.objects.get(pk=filer.entity_id)) == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("contact_mobile", "1371234567", "联系人手机号码应为11位"),
        ("contact_email", "zhao@", "邮件"),
        ("website", "xinghe 官网", "网址"),
        ("icp_number", "京B2-2020", "ICP备案号格式不正确"),
    ],
)
def test_ent_01_contact_website_and_icp_are_checked_at_their_fields(
    filer_client, filer, field, value, message
):
    response = _post(filer_client, {**COMPLETE, field: value}, _uploads())
    assert response.status_code == 200
    assert message in " ".join(_errors(response)[field])
    assert _errors(response).keys() == {field}
    # Kept as typed (REL-03), named at submission.
    entity = Entity.objects.get(pk=filer.entity_id)
    assert entity.draft_input == {field: value}
    assert entity.address == COMPLETE["address"]


@pytest.mark.parametrize(
    ("kind", "number", "ok"),
    [
        (IcpKind.FILING, "京ICP备12345678号", True),
        (IcpKind.FILING, "粤ICP备2021012345号-2", True),
        (IcpKind.FILING, "京B2-20201234", False),
        (IcpKind.LICENCE, "京B2-20201234", True),
        (IcpKind.LICENCE, "京ICP证030173号", True),
        (IcpKind.LICENCE, "京ICP备12345678号", False),
        ("", "沪ICP备12345678号", True),
    ],
)
def test_ent_01_the_icp_number_matches_the_chosen_kind(filer_client, filer, kind, number, ok):
    response = _post(filer_client, {**COMPLETE, "icp_kind": kind, "icp_number": number})
    if ok:
        assert response.status_code == 302
        assert Entity.objects.get(pk=filer.entity_id).icp_number == number
    else:
        assert "icp_number" in _errors(response)


def test_ent_01_an_expired_business_licence_is_refused_at_its_field(filer_client, filer):
    yesterday = timezone.localdate() - timedelta(days=1)
    response = _post(filer_client, {**COMPLETE, "certificate_valid_to": yesterday.isoformat()}, _uploads())
    assert response.status_code == 200
    message = " ".join(_errors(response)["certificate_valid_to"])
    assert "证件已过有效期" in message and yesterday.isoformat() in message
    assert "证件已过有效期" in response.content.decode()
    # Not accepted: kept as typed, and submission waits for a licence in force.
    entity = Entity.objects.get(pk=filer.entity_id)
    assert entity.certificate_valid_to is None
    assert "certificate_valid_to" in [name for name, _label in entity_missing(entity=entity)]
    today = timezone.localdate().isoformat()
    assert _post(filer_client, {**COMPLETE, "certificate_valid_to": today}).status_code == 302


def test_ent_01_an_expired_business_licence_is_refused_by_the_api(filer):
    api = APIClient()
    api.force_authenticate(filer)
    expired = (timezone.localdate() - timedelta(days=30)).isoformat()
    response = api.patch("/api/v1/entity/", {"certificate_valid_to": expired}, format="json")
    assert response.status_code == 400
    assert "证件已过有效期" in str(response.json()["certificate_valid_to"])


def test_ent_01_contact_website_and_icp_through_the_api(filer):
    api = APIClient()
    api.force_authenticate(filer)
    for field, value in (("contact_mobile", "12"), ("contact_email", "zhao@"), ("website", "not a url")):
        bad = api.patch("/api/v1/entity/", {field: value}, format="json")
        assert bad.status_code == 400 and list(bad.json()) == [field]
    fields = ("contact_name", "contact_mobile", "contact_email", "website", "icp_kind", "icp_number")
    good = api.patch("/api/v1/entity/", {k: ENTITY_DATA[k] for k in fields}, format="json")
    assert good.status_code == 200
    body = api.get("/api/v1/entity/").json()
    assert {k: body[k] for k in fields} == {k: ENTITY_DATA[k] for k in fields}


def test_ent_01_industry_offers_the_twenty_gbt_4754_sections():
    assert [code for code, _label in Industry.choices] == list("ABCDEFGHIJKLMNOPQRST")
    assert Industry("S").label == "公共管理、社会保障和社会组织"
    assert "Z" not in Industry.values


def test_ent_01_the_form_offers_section_s_for_public_bodies(filer_client, filer):
    html = filer_client.get(reverse("filers:entity_edit")).content.decode()
    assert '<option value="S">公共管理、社会保障和社会组织</option>' in html
    assert 'value="Z"' not in html
    assert _post(filer_client, {**COMPLETE, "entity_type": "institution", "industry": "S"}).status_code == 302
    assert Entity.objects.get(pk=filer.entity_id).industry == "S"


def test_ent_01_made_up_industry_z_moves_to_s_for_public_bodies_and_blank_otherwise():
    institution = EntityFactory(entity_type="institution")
    enterprise = EntityFactory(entity_type="enterprise")
    kept = EntityFactory(entity_type="enterprise", industry="I")
    Entity.objects.filter(pk__in=[institution.pk, enterprise.pk]).update(industry="Z")
    migration = importlib.import_module("filers.migrations.0011_industry_z_to_section")
    migration.industry_z_to_section(django_apps, None)
    institution.refresh_from_db(), enterprise.refresh_from_db(), kept.refresh_from_db()
    assert (institution.industry, enterprise.industry, kept.industry) == ("S", "", "I")
    assert enterprise.version == 2 and kept.version == 1  # REL-03: a page opened before is out of date


def test_ent_01_the_reviewer_sees_the_contact_website_and_icp(client, filer):
    entity = complete_entity(filer)
    reviewer = ReviewerFactory()
    transition_perform(obj=entity, action=Action.CLAIM, actor=reviewer)
    client.force_login(reviewer)
    html = client.get(reverse("review:item", args=["entity", entity.pk])).content.decode()
    for text in (
        "联系人信息",
        ENTITY_DATA["contact_name"],
        ENTITY_DATA["contact_mobile"],  # the reviewer's view is unmasked
        ENTITY_DATA["contact_email"],
        ENTITY_DATA["website"],
        "ICP经营许可证",
        ENTITY_DATA["icp_number"],
    ):
        assert text in html


def test_ent_01_the_entitys_own_page_masks_the_contacts_mobile(filer_client, filer):
    complete_entity(filer, submit=False)
    html = filer_client.get(reverse("filers:entity")).content.decode()
    assert ENTITY_DATA["contact_name"] in html and ENTITY_DATA["contact_mobile"] not in html


def test_ent_03_responsibility_statement_prints_contact_website_and_icp(filer, tmp_path):
    entity = complete_entity(filer, submit=False)
    text = "".join(
        poppler("pdftotext", responsibility_statement_pdf(entity=entity), tmp_path, "-layout").split()
    )
    assert f"联系人{ENTITY_DATA['contact_name']}" in text
    assert f"手机号码{ENTITY_DATA['contact_mobile']}" in text
    assert f"联系人电子邮箱{ENTITY_DATA['contact_email']}" in text
    assert f"主体网站{ENTITY_DATA['website']}" in text
    assert f"ICP经营许可证{ENTITY_DATA['icp_number']}" in text
