"""信息公告 (PUB-04): the public list, one announcement's page, and an Atom feed of the latest."""

from __future__ import annotations

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from beian.http_cache import etag_of, page_respond, public_cache, respond_conditionally

from .models_announcements import Announcement

PER_PAGE = 20
FEED_ITEMS = 20
FEED_MAX_AGE = 300  # a new announcement reaches a feed reader behind a shared cache within 5 minutes


def _published_stamp() -> tuple[int, datetime | None, datetime | None]:
    """(how many are published, the last edit, the last publication) of the published announcements:
    what the list and the feed are a function of (issue 17). A scheduled announcement whose time comes
    changes the count; an edit, a pin or an unpin the last edit (updated_at is auto_now)."""
    stamp = Announcement.objects.published().aggregate(
        count=Count("pk"), updated=Max("updated_at"), published=Max("published_at")
    )
    return stamp["count"], stamp["updated"], stamp["published"]


def _iso(moment) -> str:
    return moment.isoformat() if moment else ""


def announcement_list(request):
    """All published announcements, pinned first, then the newest; 20 a page."""
    count, updated, published = _published_stamp()

    def build():
        announcements = Announcement.objects.published().only("id", "title", "published_at", "pinned")
        paginator = Paginator(announcements, PER_PAGE)
        paginator.count = count  # counted with the validator: not counted twice
        page = paginator.get_page(request.GET.get("page"))
        return render(request, "public_search/announcement_list.html", {"page": page})

    page_param = request.GET.get("page", "")
    stamp = (count, _iso(updated), _iso(published))
    return page_respond(request, build, "announcements", page_param, *stamp)


def announcement_detail(request, pk: int):
    """One published announcement; drafts and announcements scheduled for later are 404."""
    announcement = get_object_or_404(Announcement.objects.published(), pk=pk)

    def build():
        return render(request, "public_search/announcement_detail.html", {"announcement": announcement})

    stamp = (_iso(announcement.updated_at), _iso(announcement.published_at))
    return page_respond(request, build, "announcement", announcement.pk, *stamp)


class AnnouncementFeed(Feed):
    feed_type = Atom1Feed
    title = _("互联网信息服务算法备案系统 信息公告")
    subtitle = _("互联网信息服务算法备案系统发布的信息公告。")
    link = reverse_lazy("announcements:list")
    author_name = _("互联网信息服务算法备案系统")  # Atom wants an author on the feed or on every entry

    def feed_url(self):
        return reverse("announcements:feed")

    def items(self):
        # The feed is a stream of news: newest first, whether pinned or not.
        return Announcement.objects.published().order_by("-published_at", "-id")[:FEED_ITEMS]

    def item_title(self, item: Announcement) -> str:
        return item.title

    def item_description(self, item: Announcement) -> str:
        return item.body_html()

    def item_link(self, item: Announcement) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Announcement):
        return item.published_at

    def item_updateddate(self, item: Announcement):
        return max(item.updated_at, item.published_at)


_feed = AnnouncementFeed()


def announcement_feed(request):
    """The Atom feed: feed readers poll it, so a poll with nothing new is a 304 (issue 17). It holds
    nothing private, so a shared cache may keep it; its titles are in the reader's language."""
    count, updated, published = _published_stamp()
    last = max(filter(None, (updated, published)), default=None)
    stamp = (count, _iso(updated), _iso(published), translation.get_language(), request.get_host())
    etag = etag_of("feed", *stamp)
    response = respond_conditionally(request, lambda: _feed(request), etag=etag, last_modified=last)
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return public_cache(response, FEED_MAX_AGE)
