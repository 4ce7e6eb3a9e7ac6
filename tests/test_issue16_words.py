"""Issue 16, the words: 角色 in search results (PUB-02), the signed-in home page, the login name in Django's
own password message, regions in simplified characters, and English for 应用领域, office names, list
titles and the sort menu of 备案信息."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from algorithms import declarations
from beian.regions import office_name, provinces, region_name
from filers.models import User
from public_search.lists import list_title

from .builders import approve_item, complete_entity, complete_filing
from .factories import FilerFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


def test_pub_02_search_results_show_the_role_of_a_generative_filing(
    client, django_capture_on_commit_callbacks
):
    filer = FilerFactory(entity__name="北京深度合成科技有限公司")
    complete_entity(filer, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        approve_item(
            complete_filing(
                filer, None, basic={"algo_type": "01", "role": "supporter", "tech_service_mode": "API接口"}
            )
        )
    body = client.get(reverse("public_search:search"), {"q": "深度合成"}).content.decode()
    assert re.search(r"<dt>角色</dt><dd>服务技术支持者</dd>", body)
    assert re.search(r"<dt>算法类型</dt><dd>生成合成类</dd>", body)


def test_issue_16_signed_in_home_page_shows_the_workspace_not_login(client):
    anonymous = client.get(reverse("public_search:home")).content.decode()
    assert reverse("filers:register") in anonymous
    client.force_login(FilerFactory())
    body = client.get(reverse("public_search:home")).content.decode()
    assert reverse("filers:register") not in body and "填报人员入口" not in body
    assert "进入工作台" in body and reverse("filers:workspace") in body


def test_issue_16_reviewer_home_page_leads_to_the_review_desk(client):
    client.force_login(ReviewerFactory())
    body = client.get(reverse("public_search:home")).content.decode()
    assert "进入审核工作台" in body and reverse("filers:register") not in body


def test_acc_04_password_too_similar_says_the_fields_label_login_name():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as excinfo:
        validate_password("Xinghe-tech9", User(username="xinghe_tech", email="x@example.cn"))
    text = " ".join(excinfo.value.messages)
    assert "登录名" in text and "用户名" not in text


@pytest.mark.parametrize(("code", "name"), [("810000", "香港特别行政区"), ("820000", "澳门特别行政区")])
def test_issue_16_regions_in_simplified_characters(code, name):
    assert region_name(code) == name
    assert name in [p.name for p in provinces()]
    assert office_name(code) == f"{name}互联网信息办公室"


def test_issue_16_english_domain_options_keep_the_chinese_value(client):
    options = dict(declarations._domains())
    with translation.override("en"):
        assert str(options["新闻资讯"]) == "News and information"
    assert "新闻资讯" in options  # the stored value stays Chinese


def test_issue_16_english_office_names_and_list_titles():
    with translation.override("en"):
        assert office_name("") == "Cyberspace Administration of China"
        # PUB-05 (issue 15): the CAC's list names, the period in brackets.
        assert list_title(label="2026年11月", generative=False) == (
            "Algorithm filing list of domestic internet information services (November 2026)"
        )
    with translation.override("zh-hans"):
        assert (
            list_title(label="2026年11月", generative=False) == "境内互联网信息服务算法备案清单（2026年11月）"
        )
        assert list_title(label="2026年", generative=True) == "境内深度合成服务算法备案清单（2026年）"


@override_settings(LANGUAGE_CODE="en")
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_alg_09_sort_menu_options_are_whole_labels_in_one_language(client, language):
    filer = FilerFactory()
    client.force_login(filer)
    client.cookies["django_language"] = language
    body = client.get(reverse("algorithms:list"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    select = re.search(r'<select name="order".*?</select>', body, re.S).group(0)
    assert "descending" not in select
    if language == "en":
        assert "Submitted (newest first)" in select
    else:
        assert "提交时间（从晚到早）" in select


def test_issue_16_province_names_carry_an_english_name_on_english_pages(client):
    beijing = next(p for p in provinces() if p.code == "110000")
    with translation.override("zh-hans"):
        assert beijing.label == "北京市"
        assert office_name("110000", short=True) == "北京市网信办"
    with translation.override("en"):
        assert beijing.label == "Beijing (北京市)"
        assert office_name("110000") == "Cyberspace Administration of Beijing"
    body = client.get(reverse("public_search:search"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Guangdong (广东省)" in body
