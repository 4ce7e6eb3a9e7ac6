"""信息公告 (PUB-04), included at /announcements/."""

from django.urls import path

from . import announcements

app_name = "announcements"
urlpatterns = [
    path("", announcements.announcement_list, name="list"),
    path("<id:pk>/", announcements.announcement_detail, name="detail"),
    path("feed.atom", announcements.announcement_feed, name="feed"),
]
