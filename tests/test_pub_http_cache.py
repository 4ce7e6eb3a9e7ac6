"""Issue 17: what the public reads answers conditional requests (304 without rendering) and says who may
keep a copy: badges and QR codes a shared cache, HTML pages the reader's browser only, a signed-in
reader's pages nobody."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from public_search import views
from public_search.models import PublicFiling
from review.services import transition_perform
from review.transitions import Action

from .builders import published_filings
from .factories import ReviewerFactory

pytestmark = pytest.mark.django_db

# Whatever a reader (or a robot) sends, the answer is a page or a 304, never an error.
MALFORMED_IF_NONE_MATCH = [
    '"',
    "W/",
    "garbage",
    ",,,",
    'W/"unterminated',
    "\t",
    '"a", W/',
    "é" * 40,
    "x" * 5000,
]


@pytest.fixture
def filing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (filing,) = published_filings()
    filing.refresh_from_db()
    return filing


def _revoke(filing) -> None:
    transition_perform(
        obj=filing, action=Action.REVOKE, actor=ReviewerFactory(), reason="以欺骗手段取得备案。"
    )


def _cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def _vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",")}


def _no_render(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("a 304 renders nothing")

    monkeypatch.setattr(views, "render", refuse)


# --- The public filing page (PUB-03) ----------------------------------------------------------------


def test_pub_03_the_public_page_answers_304_to_a_reader_who_has_it(
    client, filing, monkeypatch, django_assert_num_queries
):
    url = reverse("public_search:filing", args=[filing.pk])
    first = client.get(url)
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('W/"')
    assert _cache_control(first) == {"private", "max-age=60"}
    assert {"accept-language", "cookie"} <= _vary(first)

    _no_render(monkeypatch)
    with django_assert_num_queries(1):  # the record; nothing rendered
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert _cache_control(again) == {"private", "max-age=60"}
    head = client.head(url, HTTP_IF_NONE_MATCH=etag)
    assert head.status_code == 304 and head.content == b""


def test_pub_03_a_revocation_gives_the_page_a_new_etag(client, filing):
    url = reverse("public_search:filing", args=[filing.pk])
    etag = client.get(url)["ETag"]
    _revoke(filing)
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "已撤销" in changed.content.decode()


def test_pub_03_the_etag_is_the_readers_language_and_head_works(client, filing):
    url = reverse("public_search:filing", args=[filing.pk])
    chinese = client.get(url)
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert english["Content-Language"] == "en" and english["ETag"] != chinese["ETag"]
    # The English copy is not revalidated for a Chinese reader, nor the other way round.
    assert client.get(url, HTTP_IF_NONE_MATCH=english["ETag"]).status_code == 200
    head = client.head(url)
    assert head.status_code == 200 and head.content == b"" and head["ETag"] == chinese["ETag"]


def test_pub_03_a_new_csrf_cookie_means_a_new_page(client, filing):
    """The page embeds a CSRF token made from the reader's cookie: a reader whose cookie changed (or was
    cleared) gets the page again rather than keep a form that would be refused."""
    url = reverse("public_search:filing", args=[filing.pk])
    etag = client.get(url)["ETag"]
    client.cookies.clear()
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


@pytest.mark.parametrize("header", MALFORMED_IF_NONE_MATCH)
def test_pub_03_a_malformed_if_none_match_is_never_an_error(client, filing, header):
    for name in ("filing", "badge", "qr"):
        response = client.get(reverse(f"public_search:{name}", args=[filing.pk]), HTTP_IF_NONE_MATCH=header)
        assert response.status_code == 200, (name, header)
    bad_date = client.get(reverse("public_search:badge", args=[filing.pk]), HTTP_IF_MODIFIED_SINCE=header)
    assert bad_date.status_code == 200


def test_pub_03_any_etag_matches_a_page_that_exists(client, filing):
    assert (
        client.get(reverse("public_search:badge", args=[filing.pk]), HTTP_IF_NONE_MATCH="*").status_code
        == 304
    )
    assert (
        client.get(
            reverse("public_search:badge", args=[filing.pk + 1000]), HTTP_IF_NONE_MATCH="*"
        ).status_code
        == 404
    )


def test_pub_03_a_signed_in_readers_page_is_never_public_nor_validated(client, filing):
    """The page shows the filer's own name and unread messages: no shared cache keeps it, and no
    validator (which covers only the filing) may answer 304 for it."""
    client.force_login(filing.entity.account)
    response = client.get(reverse("public_search:filing", args=[filing.pk]))
    assert response.status_code == 200
    assert "public" not in _cache_control(response)
    assert {"private", "no-cache"} <= _cache_control(response)
    assert not response.has_header("ETag")
    assert {"accept-language", "cookie"} <= _vary(response)


# --- Badge and QR code (第二十六条) ---------------------------------------------------------------------


def test_pub_03_the_badge_is_kept_by_shared_caches_and_revalidated(
    client, filing, monkeypatch, django_assert_num_queries
):
    url = reverse("public_search:badge", args=[filing.pk])
    first = client.get(url)
    assert first.status_code == 200 and filing.number in first.content.decode()
    assert _cache_control(first) == {"public", "max-age=300"}
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"')

    with django_assert_num_queries(1):
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert _cache_control(again) == {"public", "max-age=300"} and again["ETag"] == etag
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.head(url, HTTP_IF_NONE_MATCH=etag).status_code == 304

    _revoke(filing)
    revoked = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert revoked.status_code == 200 and revoked["ETag"] != etag and "已撤销" in revoked.content.decode()


def test_pub_03_the_badge_is_the_same_for_every_language(client, filing):
    """One copy serves every reader: the badge speaks Chinese, the language of the number it shows."""
    _revoke(filing)
    url = reverse("public_search:badge", args=[filing.pk])
    chinese = client.get(url)
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert english.content == chinese.content and english["ETag"] == chinese["ETag"]
    assert "已撤销" in english.content.decode()


def test_pub_03_the_qr_code_is_kept_by_shared_caches_and_revalidated(client, filing):
    url = reverse("public_search:qr", args=[filing.pk])
    first = client.get(url)
    assert first.status_code == 200 and "public" in _cache_control(first)
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert client.get(reverse("public_search:qr", args=[filing.pk + 1000])).status_code == 404


# --- Published lists (PUB-05) -----------------------------------------------------------------------


def test_pub_05_the_list_page_and_its_download_answer_304_until_a_filing_changes(client, filing, monkeypatch):
    period = f"{timezone.localdate():%Y-%m}"
    page_url = f"{reverse('lists:page')}?period={period}"
    page = client.get(page_url)
    assert page.status_code == 200 and filing.number in page.content.decode()
    assert "public" not in _cache_control(page)
    csv_url = f"{reverse('lists:download', args=['csv'])}?period={period}"
    csv = client.get(csv_url)
    assert csv.status_code == 200 and _cache_control(csv) == {"public", "max-age=60"}

    from public_search import list_views

    monkeypatch.setattr(list_views, "render", lambda *a, **k: pytest.fail("rendered"))
    monkeypatch.setattr(list_views, "list_csv", lambda **k: pytest.fail("made"))
    assert client.get(page_url, HTTP_IF_NONE_MATCH=page["ETag"]).status_code == 304
    assert client.get(csv_url, HTTP_IF_NONE_MATCH=csv["ETag"]).status_code == 304
    assert client.get(csv_url, HTTP_IF_MODIFIED_SINCE=csv["Last-Modified"]).status_code == 304
    monkeypatch.undo()

    _revoke(filing)  # 备注 says 已撤销: the list changed
    assert client.get(page_url, HTTP_IF_NONE_MATCH=page["ETag"]).status_code == 200
    assert client.get(csv_url, HTTP_IF_NONE_MATCH=csv["ETag"]).status_code == 200


# --- Open data (PUB-02) -----------------------------------------------------------------------------


def test_pub_02_open_data_answers_304_and_may_be_kept_by_shared_caches(filing):
    api = APIClient()
    period = f"{timezone.localdate():%Y-%m}"
    urls = [
        f"/api/v1/public/filings/{filing.pk}/",
        "/api/v1/public/filings/?modified_since=2022-01-01T00:00:00%2B08:00",
        f"/api/v1/public/lists/?period={period}",
    ]
    etags = {}
    for url in urls:
        first = api.get(url)
        assert first.status_code == 200, url
        assert _cache_control(first) == {"public", "max-age=60"} and "accept" in _vary(first)
        etags[url] = first["ETag"]
        again = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304 and again.content == b"", url

    _revoke(filing)
    for url in urls:
        changed = api.get(url, HTTP_IF_NONE_MATCH=etags[url])
        assert changed.status_code == 200 and changed["ETag"] != etags[url], url
    assert PublicFiling.objects.get(pk=filing.pk).state == "revoked"


def test_pub_02_the_browsable_api_is_not_kept_by_shared_caches(filing):
    response = APIClient().get(f"/api/v1/public/filings/{filing.pk}/?format=api")
    assert response.status_code == 200 and "public" not in _cache_control(response)


# --- Announcements (PUB-04) -------------------------------------------------------------------------


def test_pub_04_announcements_and_their_feed_answer_304_until_one_is_published(client):
    from datetime import timedelta

    from public_search.models import Announcement

    first = Announcement.objects.create(
        title="关于备案系统升级的通知", body="正文", published_at=timezone.now() - timedelta(days=1)
    )
    scheduled = Announcement.objects.create(
        title="定时发布的公告", body="正文", published_at=timezone.now() + timedelta(days=1)
    )
    urls = [reverse("announcements:list"), first.get_absolute_url(), reverse("announcements:feed")]
    etags = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        etags[url] = response["ETag"]
        again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304 and again.content == b"", url
    feed = client.get(urls[2])
    assert _cache_control(feed) == {"public", "max-age=300"} and {"accept-language", "cookie"} <= _vary(feed)
    assert client.get(urls[2], HTTP_IF_MODIFIED_SINCE=feed["Last-Modified"]).status_code == 304

    # The scheduled one's time comes (no row changes): the list and the feed are new, the page is not.
    Announcement.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert client.get(urls[0], HTTP_IF_NONE_MATCH=etags[urls[0]]).status_code == 200
    assert client.get(urls[1], HTTP_IF_NONE_MATCH=etags[urls[1]]).status_code == 304
    assert client.get(urls[2], HTTP_IF_NONE_MATCH=etags[urls[2]]).status_code == 200
    # An edit of the page's own announcement.
    first.title = "关于备案系统升级的通知（更新）"
    first.save()
    assert client.get(urls[1], HTTP_IF_NONE_MATCH=etags[urls[1]]).status_code == 200


def test_pub_03_a_message_waiting_for_the_reader_turns_validation_off(rf):
    """A page that shows a message (after signing out, say) is not the page the ETag covers: it is
    rendered, and the next request revalidates as usual."""
    from django.contrib import messages
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.signed_cookies import SessionStore
    from django.http import HttpResponse

    from beian.http_cache import page_respond

    def request():
        made = rf.get("/public/filing/1/")
        made.user, made.session = AnonymousUser(), SessionStore()
        made._messages = FallbackStorage(made)
        return made

    quiet = page_respond(request(), lambda: HttpResponse("page"), "filing", 1)
    assert quiet.has_header("ETag") and "private" in _cache_control(quiet)

    told = request()
    messages.info(told, "您已退出登录。")
    response = page_respond(told, lambda: HttpResponse("page"), "filing", 1)
    assert not response.has_header("ETag") and {"private", "no-cache"} <= _cache_control(response)
