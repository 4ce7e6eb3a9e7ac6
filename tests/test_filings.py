"""ALG-01…11: the wizard, drafts, coverage inheritance, submission, list, detail, change and cancellation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from algorithms.models import Filing
from algorithms.services import (
    FilingIncomplete,
    FilingLocked,
    covered_functions,
    filing_cancel,
    filing_create,
    filing_delete_draft,
    filing_drafts,
    filing_problems,
    filing_save_step,
    filing_submit,
)
from products.services import function_create, path_create, product_submit
from public_search.models import PublicFiling
from review.services import transition_perform
from review.transitions import Action, State

from .builders import BASIC, DETAILS, PDF, approve_item, complete_entity, complete_filing, complete_product
from .factories import FilerFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(filer):
    """A filer whose entity information and product have passed review (ENT-05: before its filings can)."""
    complete_entity(filer, approve=True)
    return filer, complete_product(filer, approve=True)


def _login(client, filer):
    client.force_login(filer)
    return client


def test_alg_01_the_wizard_has_four_steps_with_an_indicator(client, ready):
    filer, _ = ready
    _login(client, filer)
    response = client.post(reverse("algorithms:create"))
    filing = Filing.objects.get(entity=filer.entity)
    assert response.url == reverse("algorithms:step", args=[filing.pk, 1])
    for step, label in ((1, "基础属性信息"), (2, "详细属性信息"), (3, "产品及功能信息"), (4, "确认提交")):
        html = client.get(reverse("algorithms:step", args=[filing.pk, step])).content.decode()
        assert 'class="stepper"' in html and label in html
        assert 'aria-current="step"' in html
    assert client.get(reverse("algorithms:step", args=[filing.pk, 5])).status_code == 404


def test_alg_02_basic_attributes_types_and_technical_supporter(ready):
    filer, product = ready
    filing = filing_create(entity=filer.entity, actor=filer)
    filing_save_step(
        filing=filing,
        actor=filer,
        step=1,
        basic={**BASIC, "algo_type": "01", "role": "supporter", "tech_service_mode": ""},
    )
    filing_save_step(
        filing=filing, actor=filer, step=3, coverage={"products": [product.pk], "paths": [], "functions": []}
    )
    fields = {(p.step, p.field) for p in filing_problems(filing=filing)}
    assert (3, "tech_service_mode") in fields  # a supporter describes its 技术服务方式, in step ③ (ALG-02)
    assert (3, "coverage") in fields  # and links no products
    assert (1, "self_assessment") in fields and (1, "disclosure") in fields
    filing_save_step(filing=filing, actor=filer, step=1, basic={**BASIC, "algo_type": "07"})
    assert (1, "algo_type") in {(p.step, p.field) for p in filing_problems(filing=filing)}


def test_alg_02_the_role_is_asked_of_generative_filings_only(ready):
    """ALG-02 (corrected): a 个性化推送类 filing is a service provider's, whatever is sent; only a 生成合成类
    (深度合成) filing may be a technical supporter's (it was accepted for every type)."""
    filer, _ = ready
    filing = filing_create(entity=filer.entity, actor=filer)
    sent = {**BASIC, "algo_type": "02", "role": "supporter", "tech_service_mode": "API"}
    filing_save_step(filing=filing, actor=filer, step=1, basic=sent)
    filing.refresh_from_db()
    assert filing.role == "provider" and filing.data["basic"]["tech_service_mode"] == ""
    filing_save_step(filing=filing, actor=filer, step=1, basic={**sent, "algo_type": "01"})
    filing.refresh_from_db()
    assert filing.role == "supporter" and filing.data["basic"]["tech_service_mode"] == "API"
    filing_save_step(filing=filing, actor=filer, step=1, basic={**BASIC, "algo_type": "01", "role": ""})
    assert (1, "role") in {(p.step, p.field) for p in filing_problems(filing=filing)}


def test_alg_02_the_five_algorithm_types_of_the_regulation():
    """ALG-02 (corrected): 第二条 names five types; 信息检索类 and 内容过滤类 were one, 检索过滤类."""
    from algorithms.models import AlgorithmType

    assert dict(AlgorithmType.choices) == {
        "01": "生成合成类",
        "02": "个性化推送类",
        "03": "排序精选类",
        "04": "检索过滤类",
        "06": "调度决策类",
    }


def test_alg_02_templates_download_as_pdf(client, ready):
    filer, _ = ready
    filing = complete_filing(filer, submit=False)
    _login(client, filer)
    for kind in ("self_assessment", "disclosure"):
        response = client.get(reverse("algorithms:document", args=[filing.pk, kind]))
        assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_alg_03_detailed_attributes_are_structured(ready):
    filer, _ = ready
    filing = filing_create(entity=filer.entity, actor=filer)
    details = {
        **DETAILS,
        "data_sources": [*DETAILS["data_sources"], {"name": "", "type": ""}],
        "risks": [*DETAILS["risks"], {"risk": "低俗内容", "countermeasures": ""}],
    }
    filing_save_step(filing=filing, actor=filer, step=2, details=details)
    filing.refresh_from_db()
    assert len(filing.data["details"]["data_sources"]) == 1  # the blank row is dropped
    assert filing.data["details"]["model"]["framework"] == "PyTorch"
    problems = [p for p in filing_problems(filing=filing) if p.step == 2]
    assert [p.field for p in problems] == ["risks"]  # the risk without countermeasures
    assert "第2项风险" in problems[0].message


def test_alg_04_save_to_drafts_keeps_what_was_typed_valid_or_not(client, ready):
    filer, _ = ready
    _login(client, filer)
    client.post(reverse("algorithms:create"))
    filing = Filing.objects.get(entity=filer.entity)
    response = client.post(
        reverse("algorithms:step", args=[filing.pk, 1]),
        {"name": "半成品算法", "launch_date": "2024-13-45", "main_use": "x" * 300, "action": "save"},
    )
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.data["basic"]["launch_date"] == "2024-13-45"  # kept as typed
    assert filing.data["basic"]["main_use"] == "x" * 300
    assert filing.name == "半成品算法" and filing.last_step == 1


def test_alg_04_next_shows_the_steps_problems_at_their_fields_and_keeps_everything(client, ready):
    filer, _ = ready
    _login(client, filer)
    filing = filing_create(entity=filer.entity, actor=filer)
    response = client.post(
        reverse("algorithms:step", args=[filing.pk, 1]),
        {"name": "星河", "launch_date": "2024-13-45", "action": "next"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "上线时间格式应为年-月-日" in html and 'value="星河"' in html
    assert response.context["errors"]["algo_type"] == ["请选择算法类型。"]


def test_alg_04_a_bad_upload_is_refused_at_its_field_and_the_rest_is_saved(client, ready):
    filer, _ = ready
    _login(client, filer)
    filing = filing_create(entity=filer.entity, actor=filer)
    exe = SimpleUploadedFile("report.pdf", b"MZ\x90\x00" + b"\x00" * 40)
    response = client.post(
        reverse("algorithms:step", args=[filing.pk, 1]), {**BASIC, "self_assessment": exe, "action": "next"}
    )
    assert response.status_code == 200
    assert "只能上传PDF、JPG或PNG文件" in " ".join(response.context["errors"]["self_assessment"])
    filing.refresh_from_db()
    assert filing.data["basic"]["name"] == BASIC["name"] and filing.self_assessment is None


def test_alg_05_checking_a_product_covers_all_its_functions_even_later_ones(ready):
    filer, product = ready
    filing = filing_create(entity=filer.entity, actor=filer)
    filing_save_step(
        filing=filing, actor=filer, step=3, coverage={"products": [product.pk], "paths": [], "functions": []}
    )
    assert [f.name for f in covered_functions(filing=filing)] == ["首页推荐"]
    # A path and a function added later under the checked product are covered too.
    later_path = path_create(product=product, actor=filer, steps=["视频"])
    function_create(
        path=later_path,
        actor=filer,
        data={"name": "视频推荐", "applied_where": "a", "implementation": "b", "business_effect": "c"},
    )
    assert {f.name for f in covered_functions(filing=filing)} == {"首页推荐", "视频推荐"}


def test_alg_05_checking_a_path_covers_its_functions_and_a_function_added_later(ready):
    filer, product = ready
    path = product.paths.get()
    other = path_create(product=product, actor=filer, steps=["我的"])
    function_create(
        path=other,
        actor=filer,
        data={"name": "历史记录", "applied_where": "a", "implementation": "b", "business_effect": "c"},
    )
    filing = filing_create(entity=filer.entity, actor=filer)
    filing_save_step(
        filing=filing, actor=filer, step=3, coverage={"products": [], "paths": [path.pk], "functions": []}
    )
    assert [f.name for f in covered_functions(filing=filing)] == ["首页推荐"]
    function_create(
        path=path,
        actor=filer,
        data={"name": "相关推荐", "applied_where": "a", "implementation": "b", "business_effect": "c"},
    )
    assert [f.name for f in covered_functions(filing=filing)] == ["首页推荐", "相关推荐"]


def test_alg_05_checking_a_function_covers_that_function_alone(ready):
    filer, product = ready
    path = product.paths.get()
    only = path.functions.get()
    function_create(
        path=path,
        actor=filer,
        data={"name": "相关推荐", "applied_where": "a", "implementation": "b", "business_effect": "c"},
    )
    filing = filing_create(entity=filer.entity, actor=filer)
    filing_save_step(
        filing=filing, actor=filer, step=3, coverage={"products": [], "paths": [], "functions": [only.pk]}
    )
    assert [f.name for f in covered_functions(filing=filing)] == ["首页推荐"]


def test_alg_05_another_entitys_products_cannot_be_checked(ready):
    filer, _ = ready
    stranger = FilerFactory()
    their_product = complete_product(stranger, name="别家产品", submit=False)
    filing = filing_create(entity=filer.entity, actor=filer)
    filing_save_step(
        filing=filing,
        actor=filer,
        step=3,
        coverage={"products": [their_product.pk], "paths": [], "functions": []},
    )
    assert not filing.coverages.exists()


def test_alg_06_drafts_wait_while_products_are_completed(client, filer):
    complete_entity(filer)
    filing = filing_create(entity=filer.entity, actor=filer)
    filing_save_step(
        filing=filing, actor=filer, step=3, coverage={"products": [], "paths": [], "functions": []}
    )
    # The filer leaves to add products, then comes back through the drafts box to step ③.
    product = complete_product(filer)
    _login(client, filer)
    drafts = client.get(reverse("algorithms:drafts")).content.decode()
    assert reverse("algorithms:step", args=[filing.pk, 3]) in drafts
    step3 = client.get(reverse("algorithms:step", args=[filing.pk, 3])).content.decode()
    assert f'name="products" value="{product.pk}"' in step3


def test_alg_07_submission_needs_the_commitment(ready):
    filer, product = ready
    filing = complete_filing(filer, product, submit=False)
    with pytest.raises(FilingIncomplete) as excinfo:
        filing_submit(filing=filing, actor=filer, commitment=False)
    assert [(p.step, p.field) for p in excinfo.value.problems] == [(4, "commitment")]
    filing_submit(filing=filing, actor=filer, commitment=True)
    assert filing.state == State.SUBMITTED and filing.submitted_at is not None
    assert filing.pending_revision.data["basic"]["name"] == BASIC["name"]


def test_alg_07_submit_page_lists_everything_missing_with_links_and_keeps_data(client, ready):
    filer, _ = ready
    _login(client, filer)
    filing = filing_create(entity=filer.entity, actor=filer)
    filing_save_step(filing=filing, actor=filer, step=1, basic={**BASIC})
    response = client.post(reverse("algorithms:step", args=[filing.pk, 4]), {"action": "submit"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="missing"' in html
    assert reverse("algorithms:step", args=[filing.pk, 1]) + "?check=1#field-self_assessment" in html
    assert reverse("algorithms:step", args=[filing.pk, 2]) + "?check=1#field-intro" in html
    assert "我承诺上述填报信息真实有效" in html
    filing.refresh_from_db()
    assert filing.state == State.DRAFT and filing.data["basic"]["name"] == BASIC["name"]


def test_ent_05_a_filing_waits_for_the_entity_information(filer):
    product = complete_product(filer, submit=False)
    filing = complete_filing(filer, product, submit=False)
    with pytest.raises(FilingIncomplete) as excinfo:
        filing_submit(filing=filing, actor=filer, commitment=True)
    assert "entity" in [p.field for p in excinfo.value.problems]
    complete_entity(filer)
    product_submit(product=product, actor=filer)
    filing_submit(filing=filing, actor=filer, commitment=True)
    assert filing.state == State.SUBMITTED


def test_alg_07_covered_products_must_have_been_submitted(filer):
    complete_entity(filer)
    product = complete_product(filer, submit=False)
    filing = complete_filing(filer, product, submit=False)
    with pytest.raises(FilingIncomplete) as excinfo:
        filing_submit(filing=filing, actor=filer, commitment=True)
    assert any("尚未提交审核" in p.message for p in excinfo.value.problems)


def test_alg_08_drafts_box_from_the_nickname_menu_and_the_filings_page(client, ready):
    filer, _ = ready
    filing = filing_create(entity=filer.entity, actor=filer)
    filing_save_step(filing=filing, actor=filer, step=2, details={"intro": "写到一半"})
    _login(client, filer)
    drafts_url = reverse("algorithms:drafts")
    menu = client.get(reverse("filers:workspace")).content.decode()
    assert f'href="{drafts_url}"' in menu[menu.index('class="user-menu"') :]
    assert f'href="{drafts_url}"' in client.get(reverse("algorithms:list")).content.decode()
    page = client.get(drafts_url).content.decode()
    assert "第2步" in page and reverse("algorithms:step", args=[filing.pk, 2]) in page


def test_alg_08_a_draft_can_be_deleted_but_not_a_submitted_filing(client, ready):
    filer, product = ready
    draft = filing_create(entity=filer.entity, actor=filer)
    submitted = complete_filing(filer, product)
    with pytest.raises(FilingLocked):
        filing_delete_draft(filing=submitted, actor=filer)
    _login(client, filer)
    client.post(reverse("algorithms:draft_delete", args=[draft.pk]))
    assert not Filing.objects.filter(pk=draft.pk).exists()
    assert list(filing_drafts(entity=filer.entity)) == []


def test_alg_09_the_list_filters_sorts_and_paginates_submitted_filings(
    client, ready, django_assert_max_num_queries
):
    filer, product = ready
    first = complete_filing(filer, product, basic={"name": "算法一", "algo_type": "02"})
    second = complete_filing(filer, product, basic={"name": "算法二", "algo_type": "03"})
    Filing.objects.filter(pk=first.pk).update(submitted_at=timezone.now() - timedelta(days=2))
    approve_item(first)
    filing_create(entity=filer.entity, actor=filer)  # a draft: not listed
    _login(client, filer)
    url = reverse("algorithms:list")
    assert [f.pk for f in client.get(url).context["page"].object_list] == [second.pk, first.pk]
    assert [f.pk for f in client.get(url, {"order": "submitted_at"}).context["page"].object_list] == [
        first.pk,
        second.pk,
    ]
    assert [f.pk for f in client.get(url, {"state": "approved"}).context["page"].object_list] == [first.pk]
    assert [f.pk for f in client.get(url, {"algo_type": "03"}).context["page"].object_list] == [second.pk]
    assert [f.pk for f in client.get(url, {"order": "-reviewed_at"}).context["page"].object_list][
        0
    ] == first.pk
    for i in range(21):
        complete_filing(filer, product, basic={"name": f"批量{i}"})
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert len(page.context["page"].object_list) == 20
    assert client.get(url, {"page": 2}).context["page"].number == 2


def test_alg_10_detail_shows_data_state_history_and_cancels_after_confirmation(client, ready):
    filer, product = ready
    filing = approve_item(complete_filing(filer, product))
    _login(client, filer)
    html = client.get(reverse("algorithms:detail", args=[filing.pk])).content.decode()
    for text in (BASIC["name"], "审核通过", "审核记录", "注销", "首页推荐"):
        assert text in html
    today = timezone.localdate()
    # Without the confirmation nothing happens.
    client.post(reverse("algorithms:cancel", args=[filing.pk]), {"terminated_on": today.isoformat()})
    filing.refresh_from_db()
    assert filing.state == State.APPROVED
    client.post(
        reverse("algorithms:cancel", args=[filing.pk]),
        {"terminated_on": (today - timedelta(days=3)).isoformat(), "confirm": "on"},
    )
    filing.refresh_from_db()
    # ALG-10 (corrected): 申请注销 — applied for, in force until the office confirms it (REV-01).
    assert filing.state == State.CANCEL_REQUESTED and filing.terminated_on == today - timedelta(days=3)
    assert PublicFiling.objects.get(pk=filing.pk).state == "approved"
    html = client.get(reverse("algorithms:detail", args=[filing.pk])).content.decode()
    assert "注销申请已提交，等待网信部门确认" in html and "继续填报" not in html
    reviewer = ReviewerFactory()
    transition_perform(obj=filing, action=Action.CONFIRM_CANCEL, actor=reviewer)
    filing.refresh_from_db()
    assert filing.state == State.CANCELLED
    assert PublicFiling.objects.get(pk=filing.pk).state == "cancelled"


def test_alg_10_a_refused_cancellation_leaves_the_filing_approved_and_says_why(
    ready, django_capture_on_commit_callbacks
):
    filer, product = ready
    filing = approve_item(complete_filing(filer, product))
    filing_cancel(filing=filing, actor=filer, terminated_on=timezone.localdate())
    reviewer = ReviewerFactory()
    with pytest.raises(Exception, match="理由|原因|reason"):
        transition_perform(obj=filing, action=Action.REFUSE_CANCEL, actor=reviewer)
    with django_capture_on_commit_callbacks(execute=True):  # REV-03: the reasons reach the filer
        transition_perform(obj=filing, action=Action.REFUSE_CANCEL, actor=reviewer, reason="该服务仍在运营。")
    filing.refresh_from_db()
    assert filing.state == State.APPROVED
    from review.models import Notification

    assert Notification.objects.filter(user=filer, body__contains="该服务仍在运营。").exists()


def test_alg_10_a_termination_date_in_the_future_is_refused(ready):
    filer, product = ready
    filing = approve_item(complete_filing(filer, product))
    with pytest.raises(Exception, match="不能晚于今天"):
        filing_cancel(filing=filing, actor=filer, terminated_on=timezone.localdate() + timedelta(days=1))
    assert filing.state == State.APPROVED


def test_alg_11_a_change_of_an_approved_filing_keeps_the_approved_revision(ready):
    filer, product = ready
    filing = approve_item(complete_filing(filer, product))
    approved = filing.approved_revision
    filing_save_step(filing=filing, actor=filer, step=1, basic={**BASIC, "main_use": "变更后的主要用途。"})
    filing_submit(filing=filing, actor=filer, commitment=True)
    filing.refresh_from_db()
    assert filing.state == State.MODIFIED
    assert filing.approved_revision == approved and approved.data["basic"]["main_use"] == BASIC["main_use"]
    assert filing.pending_revision.data["basic"]["main_use"] == "变更后的主要用途。"
    reviewer = ReviewerFactory()
    transition_perform(obj=filing, action=Action.CLAIM, actor=reviewer)
    transition_perform(obj=filing, action=Action.REJECT, actor=reviewer, reason="变更理由不充分。")
    filing.refresh_from_db()
    assert filing.approved_revision == approved and filing.is_in_force  # a rejected change changes nothing
    from review.models import Revision

    assert Revision.objects.filter(object_id=filing.pk, content_type__model="filing").count() == 2  # all kept


def test_alg_11_under_review_the_filing_is_read_only(client, ready):
    filer, product = ready
    filing = complete_filing(filer, product)
    transition_perform(obj=filing, action=Action.CLAIM, actor=ReviewerFactory())
    with pytest.raises(FilingLocked):
        filing_save_step(filing=filing, actor=filer, step=1, basic=BASIC)
    _login(client, filer)
    assert client.get(reverse("algorithms:step", args=[filing.pk, 1])).status_code == 302


def test_one_entity_cannot_see_or_touch_anothers_filings(client, ready):
    filer, product = ready
    filing = complete_filing(filer, product)
    stranger = FilerFactory()
    _login(client, stranger)
    for url in (
        reverse("algorithms:detail", args=[filing.pk]),
        reverse("algorithms:step", args=[filing.pk, 1]),
        reverse("algorithms:document", args=[filing.pk, "disclosure"]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("algorithms:cancel", args=[filing.pk]), {"confirm": "on"}).status_code == 404
    assert BASIC["name"] not in client.get(reverse("algorithms:list")).content.decode()
    api = APIClient()
    api.force_authenticate(stranger)
    assert api.get(f"/api/v1/filings/{filing.pk}/").status_code == 404
    assert api.patch(f"/api/v1/filings/{filing.pk}/", {"step": 1}, format="json").status_code == 404
    assert api.get("/api/v1/filings/").json()["count"] == 0


def test_alg_04_and_07_filings_through_the_api(ready):
    filer, product = ready
    api = APIClient()
    api.force_authenticate(filer)
    created = api.post("/api/v1/filings/").json()
    fid = created["id"]
    assert (
        api.patch(
            f"/api/v1/filings/{fid}/",
            {"step": 1, "basic": {"name": "接口算法", "launch_date": "不是日期"}},
            format="json",
        ).status_code
        == 200
    )  # saved as typed
    assert [d["id"] for d in api.get("/api/v1/filings/drafts/").json()] == [fid]
    uploads = {}
    for kind in ("self_assessment", "disclosure"):
        uploads[kind] = api.post(
            "/api/v1/entity/attachments/",
            {"kind": kind, "file": SimpleUploadedFile("r.pdf", PDF)},
            format="multipart",
        ).json()["id"]
    api.patch(f"/api/v1/filings/{fid}/", {"step": 1, "basic": BASIC, **uploads}, format="json")
    api.patch(f"/api/v1/filings/{fid}/", {"step": 2, "details": DETAILS}, format="json")
    api.patch(f"/api/v1/filings/{fid}/", {"step": 3, "coverage": {"products": [product.pk]}}, format="json")
    refused = api.post(f"/api/v1/filings/{fid}/submit/", {"commitment": False}, format="json")
    assert refused.status_code == 400 and refused.json()["problems"][0]["field"] == "commitment"
    submitted = api.post(f"/api/v1/filings/{fid}/submit/", {"commitment": True}, format="json")
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    assert api.get("/api/v1/filings/").json()["results"][0]["id"] == fid
    assert api.post(f"/api/v1/filings/{fid}/submit/", {"commitment": True}, format="json").status_code == 409


def test_alg_07_a_link_from_the_missing_list_says_at_the_field_what_it_needs(client, ready):
    filer, _ = ready
    _login(client, filer)
    filing = filing_create(entity=filer.entity, actor=filer)
    plain = client.get(reverse("algorithms:step", args=[filing.pk, 1]))
    assert plain.context["errors"] == {}  # a first visit is not scolded
    checked = client.get(reverse("algorithms:step", args=[filing.pk, 1]), {"check": "1"})
    assert checked.context["errors"]["self_assessment"] == ["请上传《算法安全自评估报告》。"]


def test_alg_13_a_5001_character_intro_is_refused_at_its_field_never_cut(client, ready):
    """ALG-13: the limit is shown at the field (a counter) and enforced by the page and the API alike."""
    filer, _ = ready
    filing = filing_create(entity=filer.entity, actor=filer)
    _login(client, filer)
    url = reverse("algorithms:step", args=[filing.pk, 2])
    page = client.get(url).content.decode()
    assert 'data-limit="5000"' in page and 'id="id_intro_count"' in page
    refused = client.post(url, {"intro": "长" * 5001, "action": "save"})
    assert refused.status_code == 400 and "intro" in refused.context["errors"]
    api = APIClient()
    api.force_authenticate(filer)
    answer = api.patch(
        f"/api/v1/filings/{filing.pk}/", {"step": 2, "details": {"intro": "长" * 5001}}, format="json"
    )
    assert answer.status_code == 400
    filing.refresh_from_db()
    assert filing.data["details"] == {}  # nothing saved, nothing cut
