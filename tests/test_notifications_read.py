"""消息 (REV-03, DL-06) and issue 14's "GETs change nothing": reading the list marks nothing read;
标为已读, opening an unread message's link and 全部标为已读 are POSTs, each user's own messages only, and
the header's unread count follows them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from review.models import Notification
from review.notifications import notify, unread_count

from .factories import FilerFactory

pytestmark = pytest.mark.django_db

LIST, ALL_READ = reverse("notifications"), reverse("notifications_read")


def _read(pk: int) -> str:
    return reverse("notification_read", args=[pk])


def _unread(user) -> set[int]:
    return set(Notification.objects.filter(user=user, read_at=None).values_list("pk", flat=True))


def _badge(html: str) -> str:
    """The header's unread count as shown, "" when there is none."""
    marker = '<a class="inbox"'
    start = html.index(marker)
    inbox = html[start : html.index("</a>", start)]
    return inbox.split('class="badge"', 1)[1].split(">", 1)[1].split("<", 1)[0] if "badge" in inbox else ""


@pytest.fixture
def inbox(client):
    user = FilerFactory()
    client.force_login(user)
    first = notify(
        user=user, title="您的备案“星河推荐算法”未通过审核", body="缺少风险评估章节。", url="/filings/1/"
    )
    second = notify(user=user, title="距离备案期限还有3个工作日")
    return user, first, second


def test_issue_14_reading_the_messages_marks_nothing_read(client, inbox):
    user, first, second = inbox
    for _ in range(2):
        html = client.get(LIST).content.decode()
        assert _unread(user) == {first.pk, second.pk}
        assert html.count("未读") >= 2 and _badge(html) == "2"
    assert "全部标为已读" in html and html.count("标为已读") == 3  # 全部… once, and one per message
    # The unread message's link is a small POST form that marks it read on the way.
    assert f'action="{_read(first.pk)}"' in html and 'name="open" value="1"' in html


def test_issue_14_mark_one_read_and_the_count_follows(client, inbox):
    user, first, second = inbox
    response = client.post(_read(second.pk))
    assert response.status_code == 302 and response["Location"] == LIST
    assert _unread(user) == {first.pk} and unread_count(user) == 1
    assert _badge(client.get(LIST).content.decode()) == "1"


def test_issue_14_opening_an_unread_message_marks_it_read_and_follows_its_link(client, inbox):
    user, first, _second = inbox
    response = client.post(_read(first.pk), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/filings/1/"
    assert first.pk not in _unread(user)
    # Once read, the link is a plain link again.
    assert '<a href="/filings/1/">' in client.get(LIST).content.decode()


def test_issue_14_opening_never_leaves_the_portal(client):
    user = FilerFactory()
    client.force_login(user)
    odd = Notification.objects.create(user=user, title="链接异常的消息", url="https://evil.example/")
    response = client.post(_read(odd.pk), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == LIST


def test_issue_14_all_read_spares_a_message_that_arrived_after_the_list_was_shown(client, inbox):
    user, first, second = inbox
    newest = max(first.pk, second.pk)
    late = notify(user=user, title="新消息")
    assert client.post(ALL_READ, {"up_to": newest}).status_code == 302
    assert _unread(user) == {late.pk}
    assert client.post(ALL_READ).status_code == 302  # without up_to: every one
    assert _unread(user) == set()
    html = client.get(LIST).content.decode()
    assert _badge(html) == "" and "全部标为已读" not in html


def test_issue_14_another_users_message_is_not_found_and_not_touched(client, inbox):
    user, first, _second = inbox
    other = FilerFactory()
    theirs = notify(user=other, title="别人的消息", url="/filings/2/")
    assert client.post(_read(theirs.pk), {"open": "1"}).status_code == 404
    assert client.post(ALL_READ, {"up_to": theirs.pk}).status_code == 302
    assert _unread(other) == {theirs.pk}
    assert first.pk not in _unread(user)  # its own, below up_to, were marked


@pytest.mark.parametrize("up_to", ["abc", "-1", "1.5", "9" * 40, "１２"])
def test_issue_14_a_malformed_all_read_is_refused_without_change(client, inbox, up_to):
    user, first, second = inbox
    response = client.post(ALL_READ, {"up_to": up_to}, follow=True)
    assert response.status_code == 200
    assert _unread(user) == {first.pk, second.pk}


def test_issue_14_marking_read_takes_only_post(client, inbox):
    user, first, second = inbox
    assert client.get(ALL_READ).status_code == 405
    assert client.get(_read(first.pk)).status_code == 405
    assert client.get(f"/messages/{'9' * 30}/read/").status_code == 404
    assert _unread(user) == {first.pk, second.pk}
