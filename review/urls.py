from django.urls import path

from . import stats_views, views

app_name = "review"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("stats/", stats_views.review_stats, name="stats"),
    path("<str:key>/<id:pk>/", views.item, name="item"),
    path("<str:key>/<id:pk>/act/", views.act, name="act"),
    path("<str:key>/<id:pk>/withdraw/", views.withdraw, name="withdraw"),
]
