"""导出我的数据 (REL-04, issue 13; 《个人信息保护法》第四十五条 in spirit): a filer downloads all of its own
entity's data as one zip — from the nickname menu, the 主体信息 page and GET /api/v1/entity/export/ — and
nothing of anyone else's, nor the reviewers' names."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from filers.models import Attachment
from review.notifications import notify
from review.services import transition_perform
from review.transitions import Action

from .builders import ENTITY_DATA, approve_item, complete_entity, complete_filing, complete_product
from .factories import PASSWORD, FilerFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

EXPORT = reverse("filers:entity_export")
API_EXPORT = "/api/v1/entity/export/"


def _zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def _everything(archive: zipfile.ZipFile) -> str:
    """Every member's text (uploads as Latin-1), to search for what must not be there."""
    return "\n".join(archive.read(name).decode("utf-8", errors="replace") for name in archive.namelist())


@pytest.fixture
def filer_a():
    """An entity with the whole story: approved information, an approved product, a filing rejected with
    a reason after a supervisor reassigned it, a second filing approved, and a message."""
    filer = FilerFactory(entity__name="北京甲方科技有限公司", username="filer_a")
    complete_entity(filer, approve=True)
    product = complete_product(filer, name="甲方资讯", approve=True)
    rejected = complete_filing(filer, product, basic={"name": "甲方推荐算法"})
    first = ReviewerFactory(username="reviewer_zhang_wei", supervisor=True)
    second = ReviewerFactory(username="reviewer_li_na")
    transition_perform(obj=rejected, action=Action.CLAIM, actor=first)
    transition_perform(
        obj=rejected, action=Action.REASSIGN, actor=first, assignee=second, reason="交李娜处理"
    )
    transition_perform(obj=rejected, action=Action.REJECT, actor=second, reason="算法安全自评估报告未盖章。")
    approve_item(complete_filing(filer, product, basic={"name": "甲方排序算法", "algo_type": "03"}))
    notify(user=filer, title="您的备案“甲方推荐算法”未通过审核", body="算法安全自评估报告未盖章。")
    return filer


@pytest.fixture
def filer_b():
    filer = FilerFactory(entity__name="上海乙方网络有限公司", username="filer_b")
    complete_entity(filer, submit=True)
    complete_product(filer, name="乙方商城", submit=False)
    return filer


def test_rel_04_a_filer_exports_its_entity_products_filings_history_messages_and_files(client, filer_a):
    client.force_login(filer_a)
    archive = _zip(client.get(EXPORT))
    names = set(archive.namelist())
    assert {"README.txt", "data.json"} <= names
    data = json.loads(archive.read("data.json"))

    entity = filer_a.entity
    assert data["account"]["username"] == "filer_a"
    assert data["entity"]["id"] == entity.pk and data["entity"]["state"] == "approved"
    assert data["entity"]["working_copy"]["uscc"] == entity.uscc
    assert data["entity"]["working_copy"]["legal_rep_id_number"] == ENTITY_DATA["legal_rep_id_number"]
    assert [r["in_force"] for r in data["entity"]["revisions"]] == [True]
    assert [e["action"] for e in data["entity"]["history"]] == ["submit", "claim", "approve"]

    (product,) = data["products"]
    assert product["title"] == "甲方资讯"
    (path,) = product["working_copy"]["paths"]
    assert path["steps"] == ["首页", "推荐"] and path["functions"][0]["name"] == "首页推荐"
    assert product["revisions"] and product["history"]

    filings = {f["title"]: f for f in data["filings"]}
    assert set(filings) == {"甲方推荐算法", "甲方排序算法"}
    rejected = filings["甲方推荐算法"]
    assert rejected["state"] == "rejected"
    assert rejected["working_copy"]["basic"]["name"] == "甲方推荐算法"
    assert rejected["revisions"][0]["data"]["details"]["strategy"]
    reject = next(e for e in rejected["history"] if e["action"] == "reject")
    assert reject["reason"] == "算法安全自评估报告未盖章。" and reject["by"] == "审核人员"
    assert next(e for e in rejected["history"] if e["action"] == "submit")["by"] == "填报人员"
    assert rejected["deadlines"]
    assert filings["甲方排序算法"]["state"] == "approved"
    assert [n["title"] for n in data["notifications"]] == ["您的备案“甲方推荐算法”未通过审核"]

    uploads = {a["id"]: a for a in data["attachments"]}
    assert set(uploads) == set(Attachment.objects.filter(entity=entity).values_list("pk", flat=True))
    for attachment in Attachment.objects.filter(entity=entity):
        listed = uploads[attachment.pk]
        with attachment.file.open("rb") as handle:
            original = handle.read()
        assert archive.read(listed["path"]) == original
        assert listed["sha256"] == hashlib.sha256(original).hexdigest()
        assert listed["original_name"] == attachment.original_name

    readme = archive.read("README.txt").decode()
    assert entity.name in readme and "data.json" in readme and "attachments/" in readme


def test_rel_04_the_export_names_no_reviewer_and_keeps_their_internal_notes_out(client, filer_a):
    """Reviewers appear as 审核人员; who claimed an item and the reason of a reassignment (which names the
    reviewer it was handed to) are the office's, not the filer's."""
    client.force_login(filer_a)
    archive = _zip(client.get(EXPORT))
    text = _everything(archive)
    for secret in ("reviewer_zhang_wei", "reviewer_li_na", "交李娜处理", "claimed_by"):
        assert secret not in text
    history = next(f for f in json.loads(archive.read("data.json"))["filings"] if f["state"] == "rejected")[
        "history"
    ]
    assert [e["reason"] for e in history if e["action"] == "reassign"] == [""]


def test_rel_04_an_export_holds_nothing_of_another_entity(client, filer_a, filer_b):
    client.force_login(filer_b)
    archive = _zip(client.get(EXPORT))
    text = _everything(archive)
    a = filer_a.entity
    for trace in (a.name, a.uscc, "filer_a", "甲方资讯", "甲方推荐算法", "甲方排序算法", "未盖章"):
        assert trace not in text
    data = json.loads(archive.read("data.json"))
    assert data["entity"]["id"] == filer_b.entity_id
    assert [p["title"] for p in data["products"]] == ["乙方商城"] and data["filings"] == []
    own = set(Attachment.objects.filter(entity=filer_b.entity).values_list("pk", flat=True))
    assert {u["id"] for u in data["attachments"]} == own
    assert all(
        name.split("/")[1].split("-")[0] in {str(pk) for pk in own}
        for name in archive.namelist()
        if "/" in name
    )


def test_rel_04_only_a_filer_gets_an_export_of_its_own(client, filer_a):
    """Anonymous: to the login page (API: 401). A reviewer or an administrator: 403 — they have no entity
    and see a filer's data through the review pages only. There is no id in the URL to point at another."""
    response = client.get(EXPORT)
    assert response.status_code == 302 and reverse("filers:login") in response["Location"]
    assert APIClient().get(API_EXPORT).status_code == 401
    assert APIClient().get(API_EXPORT, HTTP_ACCEPT="application/zip").status_code == 401

    reviewer = ReviewerFactory()
    client.force_login(reviewer)
    assert client.get(EXPORT).status_code == 403
    api = APIClient()
    api.force_authenticate(reviewer)
    assert api.get(API_EXPORT).status_code == 403


def test_rel_04_the_api_serves_the_same_zip(client, filer_a):
    api = APIClient()
    token = api.post("/api/v1/auth/token/", {"username": "filer_a", "password": PASSWORD}).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    by_api = _zip(api.get(API_EXPORT, HTTP_ACCEPT="application/zip"))
    client.force_login(filer_a)
    by_page = _zip(client.get(EXPORT))
    assert sorted(by_api.namelist()) == sorted(by_page.namelist())
    api_data, page_data = json.loads(by_api.read("data.json")), json.loads(by_page.read("data.json"))
    for data in (api_data, page_data):  # the moment, and the sign-in each client made
        data.pop("exported_at"), data["account"].pop("last_login")
    assert api_data == page_data


def test_rel_04_the_export_route_is_in_the_openapi_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"][API_EXPORT]["get"]
    assert "application/zip" in operation["responses"]["200"]["content"]


def test_rel_04_the_nickname_menu_and_the_entity_page_link_to_the_export(client, filer_a):
    client.force_login(filer_a)
    for page in (reverse("filers:workspace"), reverse("filers:entity")):
        html = client.get(page).content.decode()
        assert f'href="{EXPORT}"' in html and "导出我的数据" in html


def test_rel_04_the_export_speaks_english_under_the_english_interface(client, filer_a):
    client.force_login(filer_a)
    client.cookies.load({"django_language": "en"})
    response = client.get(EXPORT)
    assert "my-data" in response["Content-Disposition"]
    archive = _zip(response)
    assert "This archive contains:" in archive.read("README.txt").decode()
    history = json.loads(archive.read("data.json"))["entity"]["history"]
    assert {e["by"] for e in history} <= {"Filer", "Reviewer", "System"}
