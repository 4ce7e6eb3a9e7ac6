"""ENT-01…05: 主体信息, its attachments, review states and revisions; one entity cannot see another's."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from filers.models import Attachment, Entity
from filers.services import EntityIncomplete, EntityLocked, entity_missing, entity_save, entity_submit
from filers.uploads import MAX_UPLOAD_BYTES
from review.services import transition_perform
from review.transitions import Action, State

from .builders import complete_entity
from .factories import FilerFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64

COMPLETE = {
    "name": "北京星河智联科技有限公司",
    "entity_type": "enterprise",
    "province": "110000",
    "city": "110100",
    "region_code": "110108",
    "address": "北京市海淀区中关村大街1号",
    "industry": "I",
    "certificate_type": "business_licence",
    "certificate_valid_from": "2015-03-01",
    "certificate_valid_to": "",
    "legal_rep_name": "王明",
    "legal_rep_id_type": "resident_id",
    "legal_rep_id_number": "11010519491231002X",
    "legal_rep_mobile": "13812345678",
    "legal_rep_email": "wangming@xinghe.example.cn",
    "officer_name": "李华",
    "officer_position": "首席安全官",
    "officer_id_type": "resident_id",
    "officer_id_number": "110101199003071233",
    "officer_mobile": "13912345678",
    "officer_email": "lihua@xinghe.example.cn",
    "website": "https://www.xinghe.example.cn",
    "contact_name": "赵敏",
    "contact_mobile": "13712345678",
    "contact_email": "zhaomin@xinghe.example.cn",
    "icp_kind": "filing",
    "icp_number": "京ICP备12345678号-1",
}


def _file(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def _uploads():
    return {name: _file(f"{name}.pdf", PDF) for name in Entity.ATTACHMENT_FIELDS}


@pytest.fixture
def filer_client(client, filer):
    client.force_login(filer)
    return client


def _post(client, data, files=None, action="save"):
    return client.post(reverse("filers:entity_edit"), {**data, **(files or {}), "action": action})


def test_ent_01_the_form_has_the_four_sections(filer_client):
    html = filer_client.get(reverse("filers:entity_edit")).content.decode()
    for section in ("主体基本信息", "证件信息", "法定代表人信息", "算法安全责任人信息"):
        assert f"<legend>{section}</legend>" in html
    for label in (
        "注册地（省）",
        "注册地（市）",
        "注册地（区县）",
        "所属行业",
        "证件有效期起",
        "算法安全责任人职务",
    ):
        assert label in html


def test_ent_01_save_without_submitting_keeps_a_partial_draft(filer_client, filer):
    response = _post(filer_client, {"name": filer.entity.name, "address": "北京市海淀区"})
    assert response.status_code == 302
    entity = Entity.objects.get(pk=filer.entity_id)
    assert entity.address == "北京市海淀区" and entity.state == State.DRAFT


def test_ent_01_region_is_a_gbt_2260_county(filer_client, filer):
    response = _post(filer_client, {**COMPLETE, "region_code": "110000"})
    assert response.status_code == 200
    assert "区县" in " ".join(response.context["form"].errors["region_code"])
    _post(filer_client, COMPLETE)
    assert Entity.objects.get(pk=filer.entity_id).region_code == "110108"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("legal_rep_id_number", "110105194912310022", "法定代表人证件号码校验位"),
        ("officer_id_number", "11010119900307", "算法安全责任人证件号码应为18位"),
        ("officer_mobile", "1391234567", "算法安全责任人手机号码应为11位"),
        ("legal_rep_email", "wang@", "邮件"),
    ],
)
def test_acc_03_entity_form_errors_name_the_field_and_keep_everything(
    filer_client, filer, field, value, message
):
    """ACC-03, REL-03: the bad field is named at the field; everything typed is kept — saved, the bad
    field as a draft of what was typed (this used to save nothing, and the banner said it had)."""
    response = _post(filer_client, {**COMPLETE, field: value}, _uploads())
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert form["address"].value() == COMPLETE["address"]  # the rest is shown
    html = response.content.decode()
    for name in Entity.ATTACHMENT_FIELDS:
        attachment = form.pending[name]
        assert f'name="{name}_pending" value="{attachment.pk}"' in html
    entity = Entity.objects.get(pk=filer.entity_id)
    assert entity.address == COMPLETE["address"]  # saved
    assert entity.draft_input == {field: value}  # kept as typed
    assert all(getattr(entity, f"{name}_id") for name in Entity.ATTACHMENT_FIELDS)


def test_ent_02_an_upload_kept_from_a_rejected_round_is_saved_with_the_next(filer_client, filer):
    first = _post(filer_client, {**COMPLETE, "officer_mobile": "1"}, _uploads())
    pending = {f"{n}_pending": a.pk for n, a in first.context["form"].pending.items()}
    second = _post(filer_client, {**COMPLETE, **pending})
    assert second.status_code == 302
    entity = Entity.objects.get(pk=filer.entity_id)
    for name in Entity.ATTACHMENT_FIELDS:
        assert getattr(entity, f"{name}_id") == pending[f"{name}_pending"]


@pytest.mark.parametrize(
    ("name", "content", "ok"),
    [
        ("scan.pdf", PDF, True),
        ("scan.png", PNG, True),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"0" * 32, True),
        ("virus.pdf", EXE, False),
        ("notes.pdf", b"hello, this is text", False),
    ],
)
def test_ent_02_uploads_are_checked_by_content_not_name(filer_client, filer, name, content, ok):
    response = _post(filer_client, {**COMPLETE}, {"commitment_letter": _file(name, content)})
    entity = Entity.objects.get(pk=filer.entity_id)
    if ok:
        assert response.status_code == 302 and entity.commitment_letter is not None
        stored = entity.commitment_letter.file.name
        assert name not in stored and stored.startswith(f"attachments/{entity.pk}/commitment_letter/")
    else:
        errors = " ".join(response.context["form"].errors["commitment_letter"])
        assert "只能上传PDF、JPG或PNG文件" in errors and name in errors
        assert not Attachment.objects.exists()


def test_ent_02_uploads_over_20_mb_are_refused(filer_client):
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * MAX_UPLOAD_BYTES, content_type="application/pdf")
    response = _post(filer_client, COMPLETE, {"icp_proof": big})
    assert "不能超过20 MB" in " ".join(response.context["form"].errors["icp_proof"])


def test_ent_02_templates_are_pdfs_prefilled_with_the_entity(filer_client, filer):
    for kind in ("commitment_letter", "responsibility_statement"):
        response = filer_client.get(reverse("filers:entity_document", args=[kind]))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    assert filer_client.get("/account/entity/templates/other.pdf").status_code == 404


def test_ent_04_submission_lists_everything_missing_at_once(filer):
    with pytest.raises(EntityIncomplete) as excinfo:
        entity_submit(entity=filer.entity, actor=filer)
    fields = [name for name, _ in excinfo.value.missing]
    assert "legal_rep_id_number" in fields and "commitment_letter" in fields and "officer_proof" in fields
    assert filer.entity.state == State.DRAFT


def test_ent_04_submit_through_the_page_shows_the_missing_list(filer_client):
    response = _post(filer_client, {"name": "北京星河智联科技有限公司"}, action="submit")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="missing"' in html and 'href="#field-legal_rep_id_number"' in html


def _complete_and_submit(client, filer):
    _post(client, COMPLETE, _uploads(), action="submit")
    entity = Entity.objects.get(pk=filer.entity_id)
    assert entity.state == State.SUBMITTED, entity_missing(entity=entity)
    return entity


def test_ent_04_editable_before_review_read_only_during_review(filer_client, filer):
    entity = _complete_and_submit(filer_client, filer)
    first_pending = entity.pending_revision_id
    # Issue 16: what was submitted is what the reviewer will read — an edit is refused, not folded in.
    refused = _post(filer_client, {**COMPLETE, "address": "北京市海淀区中关村大街9号"})
    assert refused.status_code == 302
    entity.refresh_from_db()
    assert entity.pending_revision_id == first_pending and entity.address != "北京市海淀区中关村大街9号"
    with pytest.raises(EntityLocked, match="撤回"):
        entity_save(entity=entity, actor=filer, data={"address": "改"})
    # Before review starts the filer withdraws it (撤回), edits, and submits again.
    withdraw = reverse("review:withdraw", args=["entity", entity.pk])
    assert filer_client.post(withdraw, {"version": entity.version}).status_code == 302
    entity.refresh_from_db()
    assert entity.state == State.DRAFT and entity.pending_revision_id is None
    _post(filer_client, {**COMPLETE, "address": "北京市海淀区中关村大街2号"}, action="submit")
    entity.refresh_from_db()
    assert entity.state == State.SUBMITTED and entity.pending_revision_id != first_pending
    assert entity.pending_revision.data["address"] == "北京市海淀区中关村大街2号"

    transition_perform(obj=entity, action=Action.CLAIM, actor=ReviewerFactory())
    # Once claimed, no withdrawal: the table refuses it and nothing changes.
    filer_client.post(withdraw, {"version": entity.version + 1})
    entity.refresh_from_db()
    assert entity.state == State.UNDER_REVIEW
    with pytest.raises(EntityLocked):
        entity_save(entity=entity, actor=filer, data={"address": "改"})
    response = filer_client.get(reverse("filers:entity_edit"))
    assert response.status_code == 302  # the page refuses too
    entity.refresh_from_db()
    assert entity.address == "北京市海淀区中关村大街2号"


def test_ent_04_after_approval_an_edit_is_a_change_and_the_approved_version_stays(filer_client, filer):
    entity = _complete_and_submit(filer_client, filer)
    reviewer = ReviewerFactory()
    transition_perform(obj=entity, action=Action.CLAIM, actor=reviewer)
    transition_perform(obj=entity, action=Action.APPROVE, actor=reviewer)
    approved = entity.approved_revision

    _post(filer_client, {**COMPLETE, "name": "北京星河智联信息技术有限公司"}, action="submit")
    entity.refresh_from_db()
    assert entity.state == State.MODIFIED
    assert entity.approved_revision == approved
    assert approved.data["name"] == "北京星河智联科技有限公司"
    assert entity.pending_revision.data["name"] == "北京星河智联信息技术有限公司"

    transition_perform(obj=entity, action=Action.CLAIM, actor=reviewer)
    transition_perform(obj=entity, action=Action.REJECT, actor=reviewer, reason="名称变更需提供新营业执照。")
    entity.refresh_from_db()
    assert entity.state == State.REJECTED and entity.approved_revision == approved  # still in force
    assert entity.is_in_force


def test_ent_04_a_rejected_entity_is_edited_and_submitted_again(filer_client, filer):
    entity = _complete_and_submit(filer_client, filer)
    reviewer = ReviewerFactory()
    transition_perform(obj=entity, action=Action.CLAIM, actor=reviewer)
    transition_perform(obj=entity, action=Action.REJECT, actor=reviewer, reason="承诺书未盖章。")
    page = filer_client.get(reverse("filers:entity")).content.decode()
    assert "承诺书未盖章。" in page

    _post(filer_client, COMPLETE, {"commitment_letter": _file("stamped.pdf", PDF)}, action="submit")
    entity.refresh_from_db()
    assert entity.state == State.SUBMITTED
    actions = list(entity_history_actions(entity))
    assert actions == ["submit", "claim", "reject", "reopen", "submit"]


def entity_history_actions(entity):
    from review.selectors import review_history

    return review_history(obj=entity).values_list("action", flat=True)


def test_ent_05_entity_information_is_what_filings_wait_for(filer):
    """ENT-05 is enforced when a filing is submitted; the entity's own rule is that submission is explicit."""
    assert filer.entity.state == State.DRAFT
    assert filer.entity.pending_revision is None


def test_entity_pages_mask_personal_numbers_except_the_owners_form(filer_client, filer):
    _post(filer_client, COMPLETE)
    detail = filer_client.get(reverse("filers:entity")).content.decode()
    assert COMPLETE["legal_rep_id_number"] not in detail and "1101**********" in detail
    assert COMPLETE["officer_mobile"] not in detail and "139****5678" in detail
    form = filer_client.get(reverse("filers:entity_edit")).content.decode()
    assert COMPLETE["legal_rep_id_number"] in form


# --- One entity can read nothing of another's ------------------------------------------


@pytest.fixture
def two_entities(client):
    mine, theirs = FilerFactory(), FilerFactory()
    attachment = Attachment.objects.create(
        entity=theirs.entity,
        kind="commitment_letter",
        original_name="their.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    attachment.file.save("x.pdf", io.BytesIO(PDF))
    return mine, theirs, attachment


def test_one_entity_cannot_read_another_entitys_attachment(client, two_entities):
    mine, theirs, attachment = two_entities
    client.force_login(mine)
    assert client.get(reverse("filers:attachment", args=[attachment.pk])).status_code == 404
    api = APIClient()
    api.force_authenticate(mine)
    assert api.get(f"/api/v1/attachments/{attachment.pk}/").status_code == 404
    # The owner and a reviewer in scope can.
    client.force_login(theirs)
    response = client.get(reverse("filers:attachment", args=[attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    # A provincial reviewer, once the entity has been submitted with a region in their province (SEC-02).
    beijing = ReviewerFactory(province_code="110000")
    client.force_login(beijing)
    assert client.get(reverse("filers:attachment", args=[attachment.pk])).status_code == 404
    complete_entity(theirs)
    assert client.get(reverse("filers:attachment", args=[attachment.pk])).status_code == 200
    client.force_login(ReviewerFactory(province_code="310000"))
    assert client.get(reverse("filers:attachment", args=[attachment.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("filers:attachment", args=[attachment.pk])).status_code == 302  # to login


def test_one_entity_cannot_attach_another_entitys_upload_through_the_api(two_entities):
    mine, _theirs, attachment = two_entities
    api = APIClient()
    api.force_authenticate(mine)
    response = api.patch("/api/v1/entity/", {"commitment_letter": attachment.pk}, format="json")
    assert response.status_code == 400
    mine.entity.refresh_from_db()
    assert mine.entity.commitment_letter is None


def test_one_entity_cannot_post_another_entitys_pending_upload_on_the_page(client, two_entities):
    mine, _theirs, attachment = two_entities
    client.force_login(mine)
    client.post(reverse("filers:entity_edit"), {**COMPLETE, "commitment_letter_pending": attachment.pk})
    mine.entity.refresh_from_db()
    assert mine.entity.commitment_letter is None


def test_the_api_shows_only_ones_own_entity(two_entities):
    mine, theirs, _ = two_entities
    api = APIClient()
    api.force_authenticate(mine)
    body = api.get("/api/v1/entity/").json()
    assert body["id"] == mine.entity_id and body["uscc"] == mine.entity.uscc
    assert theirs.entity.uscc not in str(body)
    reviewer_api = APIClient()
    reviewer_api.force_authenticate(ReviewerFactory())
    assert reviewer_api.get("/api/v1/entity/").status_code == 403


def test_ent_04_entity_through_the_api_save_upload_submit(filer):
    api = APIClient()
    api.force_authenticate(filer)
    data = {k: v for k, v in COMPLETE.items() if k not in ("province", "city", "certificate_valid_to")}
    assert api.patch("/api/v1/entity/", {**data, "officer_mobile": "12"}, format="json").status_code == 400
    assert api.patch("/api/v1/entity/", data, format="json").status_code == 200
    for name in Entity.ATTACHMENT_FIELDS:
        bad = api.post(
            "/api/v1/entity/attachments/", {"kind": name, "file": _file("a.pdf", EXE)}, format="multipart"
        )
        assert bad.status_code == 400 and "只能上传" in bad.json()["file"][0]
        upload = api.post(
            "/api/v1/entity/attachments/", {"kind": name, "file": _file("a.pdf", PDF)}, format="multipart"
        )
        assert upload.status_code == 201
        assert api.patch("/api/v1/entity/", {name: upload.json()["id"]}, format="json").status_code == 200
    submitted = api.post("/api/v1/entity/submit/")
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    again = api.post("/api/v1/entity/submit/")
    assert again.status_code == 409
