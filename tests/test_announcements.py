"""PUB-04 信息公告: list and detail pages, the home page's scrolling links, the Atom feed, and the admin
that writes them. Bodies are Markdown turned into HTML that nh3 has cleaned."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from public_search.models import Announcement

from .factories import UserFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
MALICIOUS = (
    "正文开始\n\n"
    "<script>alert(1)</script>\n\n"
    "<img src=x onerror=alert(1)>\n\n"
    "[x](javascript:alert(1))\n\n"
    '<a href="https://example.cn/" onclick="alert(1)" style="color:red">e</a>\n\n'
    "<iframe src=https://evil.example/></iframe><style>body{display:none}</style>\n"
)


def announce(title: str, body: str = "正文", *, days_ago: float | None = 1, pinned: bool = False):
    """days_ago=None: a draft; negative: scheduled for later."""
    published_at = None if days_ago is None else timezone.now() - timedelta(days=days_ago)
    return Announcement.objects.create(title=title, body=body, published_at=published_at, pinned=pinned)


class _Tags(HTMLParser):
    """Every start tag of a fragment, with its attributes."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def parse_feed(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 - the portal's own feed, not outside input


def body_fragment(page: str) -> str:
    match = re.search(r'<div class="announcement-body">(.*?)</div>\s*</article>', page, re.S)
    assert match, "no announcement body on the page"
    return match.group(1)


def assert_harmless(html: str) -> None:
    lowered = html.lower()
    for bad in ("<script", "alert(1)", "<img", "<iframe", "<style", "javascript:", "onerror", "onclick"):
        assert bad not in lowered, (bad, html)
    for tag, attrs in tags_of(html):
        assert tag in {"p", "a", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "br", "hr"}, tag
        assert not [name for name in attrs if name.startswith("on") or name == "style"], (tag, attrs)
        if tag == "a":
            assert set(attrs) <= {"href", "rel"}
            assert attrs["rel"] == "noopener noreferrer"


# --- List and detail ---------------------------------------------------------------------------


def test_pub_04_list_shows_published_announcements_pinned_first(client):
    old_pinned = announce("关于备案系统升级的通知", days_ago=30, pinned=True)
    newest = announce("关于开展第十批备案的公告", days_ago=1)
    middle = announce("算法备案常见问题解答", days_ago=5)
    announce("草稿：尚未发布", days_ago=None)
    announce("定时：下周发布", days_ago=-7)

    response = client.get(reverse("announcements:list"))
    assert response.status_code == 200
    page = response.content.decode()
    positions = [page.index(a.title) for a in (old_pinned, newest, middle)]
    assert positions == sorted(positions), "pinned first, then newest published"
    assert "草稿：尚未发布" not in page and "定时：下周发布" not in page
    assert "置顶" in page
    assert f'href="{newest.get_absolute_url()}"' in page
    assert f'href="{reverse("public_search:home")}"' in page  # breadcrumbs
    assert 'type="application/atom+xml"' in page and reverse("announcements:feed") in page
    assert "css/announcements.css" in page
    assert list(Announcement.objects.published()) == [old_pinned, newest, middle]


def test_pub_04_list_is_paginated_20_a_page(client):
    for i in range(25):
        announce(f"公告第{i:02d}号", days_ago=i + 1)
    first = client.get(reverse("announcements:list")).content.decode()
    second = client.get(reverse("announcements:list"), {"page": 2}).content.decode()
    assert first.count('class="announcement-item') == 20
    assert second.count('class="announcement-item') == 5
    assert "公告第00号" in first and "公告第24号" in second and "公告第24号" not in first
    assert 'rel="next"' in first and 'rel="prev"' in second
    # A page number out of range shows the last page rather than failing.
    assert client.get(reverse("announcements:list"), {"page": 99}).status_code == 200


def test_pub_04_empty_list_says_so(client):
    announce("草稿", days_ago=None)
    page = client.get(reverse("announcements:list")).content.decode()
    assert "暂无公告" in page and "草稿" not in page.split('id="main"')[1]


def test_pub_04_detail_page_shows_a_published_announcement(client):
    a = announce("关于开展第十批备案的公告", "请各主体于**30个工作日**内完成填报。", days_ago=2)
    response = client.get(a.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert '<h1 id="announcement-title">关于开展第十批备案的公告</h1>' in page
    assert "<strong>30个工作日</strong>" in body_fragment(page)
    assert f'href="{reverse("announcements:list")}"' in page  # breadcrumbs and the way back
    assert 'aria-current="page"' in page
    assert a.published_at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d") in page
    assert 'rel="alternate" type="application/atom+xml"' in page


def test_pub_04_drafts_and_scheduled_announcements_are_404(client):
    draft = announce("草稿", days_ago=None)
    scheduled = announce("定时", days_ago=-1)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    assert client.get(reverse("announcements:detail", args=[99999])).status_code == 404
    # Even a logged-in administrator sees drafts only in the admin's preview.
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(draft.get_absolute_url()).status_code == 404


# --- Markdown and sanitising -------------------------------------------------------------------


def test_pub_04_markdown_renders_headings_lists_links_and_tables(client):
    a = announce(
        "格式示例",
        "# 一、总体要求\n\n## 二、材料\n\n- 主体信息\n- 算法信息\n\n1. 登录\n2. 提交\n\n"
        "详见[国家网信办](https://www.cac.gov.cn/)和[备案查询](/search/)。\n\n"
        "| 项目 | 期限 |\n|:--|--:|\n| 审核 | 30个工作日 |\n\n> 注意事项\n\n`代码`\n\n---\n",
    )
    html = a.body_html()
    assert "<h2>一、总体要求</h2>" in html  # the page title is the only h1
    assert "<h2>二、材料</h2>" in html
    assert "<ul>\n<li>主体信息</li>" in html and "<ol>\n<li>登录</li>" in html
    assert '<a href="https://www.cac.gov.cn/" rel="noopener noreferrer">国家网信办</a>' in html
    assert '<a href="/search/" rel="noopener noreferrer">备案查询</a>' in html
    assert '<td align="right">30个工作日</td>' in html
    assert "<blockquote>" in html and "<code>代码</code>" in html and "<hr>" in html
    page = client.get(a.get_absolute_url()).content.decode()
    assert '<a href="https://www.cac.gov.cn/" rel="noopener noreferrer">国家网信办</a>' in body_fragment(page)


def test_pub_04_malicious_body_comes_out_harmless(client):
    a = announce("恶意正文", MALICIOUS)
    html = str(a.body_html())
    assert_harmless(html)
    assert "正文开始" in html
    assert '<a href="https://example.cn/" rel="noopener noreferrer">e</a>' in html  # the safe part stays
    page = client.get(a.get_absolute_url()).content.decode()
    assert_harmless(body_fragment(page))
    assert "alert(1)" not in page
    feed = client.get(reverse("announcements:feed")).content.decode()
    assert "alert(1)" not in feed and "javascript:" not in feed


def test_pub_04_title_is_escaped_not_rendered(client):
    a = announce("<b>标题</b><script>alert(1)</script>")
    page = client.get(a.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;b&gt;标题&lt;/b&gt;" in page


# --- Atom feed ---------------------------------------------------------------------------------


def test_pub_04_atom_feed_is_valid_xml_with_entries(client):
    pinned = announce("置顶旧公告", "## 小标题\n\n- 一\n- 二", days_ago=10, pinned=True)
    newest = announce("最新公告", "[链接](https://www.cac.gov.cn/)", days_ago=1)
    announce("草稿", days_ago=None)
    announce("定时", days_ago=-3)

    response = client.get(reverse("announcements:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = parse_feed(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}title") == "互联网信息服务算法备案系统 信息公告"
    assert root.find(f"{ATOM}updated") is not None and root.find(f"{ATOM}id") is not None
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "互联网信息服务算法备案系统"  # required by RFC 4287
    self_link = root.find(f"{ATOM}link[@rel='self']")
    assert self_link is not None and self_link.get("href").endswith(reverse("announcements:feed"))

    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["最新公告", "置顶旧公告"]  # newest first
    for entry, item in zip(entries, (newest, pinned), strict=True):
        link = entry.find(f"{ATOM}link")
        assert link.get("href").endswith(item.get_absolute_url())
        assert entry.findtext(f"{ATOM}id") and entry.findtext(f"{ATOM}updated")
        assert entry.findtext(f"{ATOM}published")
        summary = entry.find(f"{ATOM}summary")
        assert summary.get("type") == "html"
        assert summary.text == str(item.body_html())
    assert "<h2>小标题</h2>" in entries[1].findtext(f"{ATOM}summary")


def test_pub_04_atom_feed_holds_the_latest_20(client):
    for i in range(23):
        announce(f"公告{i:02d}", days_ago=i + 1)
    root = parse_feed(client.get(reverse("announcements:feed")).content)
    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert titles == [f"公告{i:02d}" for i in range(20)]


def test_pub_04_empty_feed_is_still_valid(client):
    root = parse_feed(client.get(reverse("announcements:feed")).content)
    assert root.tag == f"{ATOM}feed" and root.findall(f"{ATOM}entry") == []


# --- Scrolling links on the home page ----------------------------------------------------------

TICKER = Template("{% load announcement_tags %}{% announcement_ticker %}")


def test_pub_04_ticker_tag_renders_the_latest_published_titles():
    for i in range(7):
        announce(f"滚动公告{i}", days_ago=i + 1)
    announce("滚动草稿", days_ago=None)
    announce("滚动定时", days_ago=-1)
    html = TICKER.render(Context())
    for i in range(5):
        assert f"滚动公告{i}" in html
    assert "滚动公告5" not in html and "滚动公告6" not in html
    assert "滚动草稿" not in html and "滚动定时" not in html
    assert html.index("滚动公告0") < html.index("滚动公告4")
    assert "ticker-scrolling ticker-n5" in html
    # The copy that makes the loop seamless is hidden from screen readers and the keyboard.
    main, clone = html.split('class="ticker-list ticker-clone"')
    assert 'aria-hidden="true" inert' in clone[:40]
    assert clone.count('tabindex="-1"') == 5 and "tabindex" not in main
    assert 'type="checkbox" id="ticker-pause"' in html and 'for="ticker-pause"' in html
    assert f'href="{reverse("announcements:list")}"' in html


def test_pub_04_ticker_with_few_announcements_does_not_scroll():
    announce("唯一公告")
    html = TICKER.render(Context())
    assert "唯一公告" in html
    assert "ticker-scrolling" not in html and "ticker-clone" not in html and "ticker-pause" not in html


def test_pub_04_ticker_without_announcements_says_so():
    announce("草稿", days_ago=None)
    html = TICKER.render(Context())
    assert "暂无公告" in html and "草稿" not in html


def test_pub_04_ticker_include_takes_an_announcements_variable():
    announce("公告甲")
    html = Template('{% include "public_search/includes/announcement_ticker.html" %}').render(
        Context({"announcements": list(Announcement.objects.published())})
    )
    assert "公告甲" in html


def test_pub_04_ticker_css_pauses_on_hover_and_focus_and_respects_reduced_motion():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "announcements.css").read_text(encoding="utf-8")
    assert "@keyframes ticker-up" in css
    assert ".ticker-viewport:hover .ticker-track" in css and "animation-play-state: paused" in css
    assert ".ticker-viewport:focus-within .ticker-track { animation: none; }" in css
    reduced = css.split("@media (prefers-reduced-motion: reduce)")[1].split("}\n}")[0]
    assert "animation: none" in reduced and ".ticker-clone" in reduced


# --- Admin -------------------------------------------------------------------------------------


def test_pub_04_administrator_writes_previews_and_publishes(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:public_search_announcement_add"),
        {
            "title": "新公告",
            "body": "## 标题\n\n<script>alert(1)</script>正文",
            "published_at_0": "",
            "published_at_1": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    a = Announcement.objects.get(title="新公告")
    assert a.created_by == admin_user and a.published_at is None
    assert client.get(a.get_absolute_url()).status_code == 404

    change = client.get(reverse("admin:public_search_announcement_change", args=[a.pk])).content.decode()
    assert '<div class="announcement-preview"' in change and "<h2>标题</h2>" in change
    assert "<script>alert(1)</script>" not in change.split("announcement-preview")[1].split("</div>")[0]

    drafts = client.get(reverse("admin:public_search_announcement_changelist"), {"status": "draft"})
    assert "新公告" in drafts.content.decode()

    response = client.post(
        reverse("admin:public_search_announcement_changelist"),
        {"action": "publish", "_selected_action": [a.pk]},
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.is_published
    assert client.get(a.get_absolute_url()).status_code == 200
    published = client.get(reverse("admin:public_search_announcement_changelist"), {"status": "published"})
    assert "新公告" in published.content.decode()

    client.post(
        reverse("admin:public_search_announcement_changelist"),
        {"action": "unpublish", "_selected_action": [a.pk]},
    )
    a.refresh_from_db()
    assert a.published_at is None
