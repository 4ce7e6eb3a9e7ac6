"""I18N: under the English locale the templates print no Chinese, not even punctuation.

Every Chinese character a template prints, full-width punctuation included (“：”, “（）”, “。”),
is inside {% translate %} or {% blocktranslate %}, so English gets “Label: value”, “ (x)”, “.”
while the Chinese pages stay byte for byte as they were. The PDF documents (templates/**/pdf/)
are official Chinese forms and are left out on purpose.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from .builders import approve_item, complete_entity, complete_filing, complete_product
from .factories import FilerFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"

# What a template may hold Chinese in: these are blanked before looking for CJK characters.
_STRIPPED = [
    re.compile(r"{%\s*blocktrans(?:late)?\b.*?%}.*?{%\s*endblocktrans(?:late)?\s*%}", re.S),
    re.compile(r"{%\s*comment\b.*?%}.*?{%\s*endcomment\s*%}", re.S),
    re.compile(r"{#.*?#}", re.S),
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r"{%.*?%}", re.S),  # {% translate "…" %} and every other tag
    re.compile(r"{{.*?}}", re.S),
]
# CJK symbols and punctuation, unified ideographs, half- and full-width forms.
_CJK = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _chinese_outside_translation_tags(text: str) -> list[tuple[int, str]]:
    """(line, the CJK characters on it) left once the translated and template parts are blanked;
    blanking keeps newlines, so the line numbers are the template's own."""
    for pattern in _STRIPPED:
        text = pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    return [
        (number, "".join(_CJK.findall(line)))
        for number, line in enumerate(text.splitlines(), 1)
        if _CJK.search(line)
    ]


def _templates() -> list[Path]:
    return sorted(
        p for p in TEMPLATES.rglob("*") if p.is_file() and "pdf" not in p.relative_to(TEMPLATES).parts
    )


def test_the_scan_finds_chinese_outside_translation_tags():
    """The scan itself: what it must catch, and what it must let through."""
    assert _chinese_outside_translation_tags('{% translate "备案编号" %}：<strong>') == [(1, "：")]
    assert _chinese_outside_translation_tags("{{ f.name }}（{{ state }}）") == [(1, "（）")]
    assert _chinese_outside_translation_tags('<link title="信息公告">') == [(1, "信息公告")]
    assert _chinese_outside_translation_tags('x\n<a href="#">{% translate "核验" %}</a>。') == [(2, "。")]
    clean = (
        '{% translate "备案编号：" %}{% blocktranslate with n=x %}第{{ n }}步：{% endblocktranslate %}'
        "{# 注释 #}{% comment %}注释{% endcomment %}<!-- 注释 -->{{ x|default:'（无）' }} — ·"
    )
    assert _chinese_outside_translation_tags(clean) == []


def test_i18n_templates_have_no_chinese_outside_translation_tags():
    templates = _templates()
    assert len(templates) > 40, "the scan must see the project's templates"
    found = [
        f"{path.relative_to(TEMPLATES)}:{line}: {chars}"
        for path in templates
        for line, chars in _chinese_outside_translation_tags(path.read_text(encoding="utf-8"))
    ]
    assert not found, "Chinese outside {% translate %} / {% blocktranslate %}:\n" + "\n".join(found)


@pytest.fixture
def published(db, django_capture_on_commit_callbacks):
    """An approved filing with its number, its entity and product approved: (filer, filing)."""
    filer = FilerFactory(entity__name="北京星河智联科技有限公司")
    complete_entity(filer, approve=True)
    product = complete_product(filer, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        filing = complete_filing(filer, product)
        approve_item(filing)
    filing.refresh_from_db()  # the number is issued by a task run on commit
    assert filing.number
    return filer, filing


def _page(client, url: str, language: str) -> str:
    client.cookies.load({"django_language": language})
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, url
    assert response.headers["Content-Language"] == language
    return response.content.decode()


def test_public_pages_use_english_punctuation_in_english(client, published):
    _, filing = published
    number = filing.display_number

    home = _page(client, "/", "en")
    assert 'title="Internet Information Service Algorithm Filing System: Announcements"' in home
    assert "信息公告" not in home

    public = _page(client, reverse("public_search:filing", args=[filing.pk]), "en")
    assert f'alt="Filing badge: {number}"' in public
    # The filer's own data (the algorithm's texts) stays Chinese; no label is followed by a “：”.
    assert "：" not in public

    searched = _page(client, reverse("public_search:search") + "?q=没有这个主体", "en")
    assert "check this filing number</a>.</li>" in searched
    assert "。" not in searched and "：" not in searched


def test_filer_pages_use_english_punctuation_in_english(client, published):
    filer, filing = published
    client.force_login(filer)

    detail = _page(client, reverse("algorithms:detail", args=[filing.pk]), "en")
    assert f'Filing number: <strong class="number">{filing.display_number}</strong>' in detail
    # The summary is the filing form's declaration: one fact per field (issue 14), so no joining punctuation.
    assert "<dt>Model framework</dt><dd>PyTorch</dd>" in detail
    assert "<dt>Input modality</dt><dd>用户行为数据、文本</dd>" in detail
    assert "：" not in detail and "（" not in detail and "；" not in detail

    products = _page(client, reverse("products:list"), "en")
    assert "Service form: APP" in products
    assert "Service status: In operation (from 2021-06-01)" in products
    assert "Where the algorithm is applied: 首页信息流" in products
    assert "：" not in products and "（" not in products


def test_chinese_pages_keep_their_full_width_punctuation(client, published):
    filer, filing = published
    number = filing.display_number

    home = _page(client, "/", "zh-hans")
    assert 'title="互联网信息服务算法备案系统 信息公告"' in home

    public = _page(client, reverse("public_search:filing", args=[filing.pk]), "zh-hans")
    assert f'alt="备案标识：{number}"' in public

    searched = _page(client, reverse("public_search:search") + "?q=没有这个主体", "zh-hans")
    assert "核验该备案编号</a>。</li>" in searched

    client.force_login(filer)
    detail = _page(client, reverse("algorithms:detail", args=[filing.pk]), "zh-hans")
    assert f'备案编号：<strong class="number">{number}</strong>' in detail
    assert "<dt>模型框架</dt><dd>PyTorch</dd>" in detail
    assert "<dt>输入模态</dt><dd>用户行为数据、文本</dd>" in detail

    products = _page(client, reverse("products:list"), "zh-hans")
    assert "服务形式：APP" in products
    assert "服务状态：运营中（2021-06-01起）" in products
    assert "算法应用位置：首页信息流" in products
