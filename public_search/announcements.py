"""信息公告 (PUB-04): the public list, one announcement's page, and an Atom feed of the latest."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .models_announcements import Announcement

PER_PAGE = 20
FEED_ITEMS = 20


def announcement_list(request):
    """All published announcements, pinned first, then the newest; 20 a page."""
    announcements = Announcement.objects.published().only("id", "title", "published_at", "pinned")
    page = Paginator(announcements, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "public_search/announcement_list.html", {"page": page})


def announcement_detail(request, pk: int):
    """One published announcement; drafts and announcements scheduled for later are 404."""
    announcement = get_object_or_404(Announcement.objects.published(), pk=pk)
    return render(request, "public_search/announcement_detail.html", {"announcement": announcement})


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


announcement_feed = AnnouncementFeed()
