"""{% announcement_ticker %}: the home page's scrolling links to the latest 信息公告 (PUB-04)."""

from django import template

from public_search.models_announcements import Announcement

register = template.Library()

TICKER_ITEMS = 5


@register.inclusion_tag("public_search/includes/announcement_ticker.html")
def announcement_ticker(limit: int = TICKER_ITEMS):
    """The latest published announcements, newest first (pinned ones are not hoisted here)."""
    latest = Announcement.objects.published().order_by("-published_at", "-id")
    return {"announcements": list(latest.only("id", "title", "published_at")[:limit])}
