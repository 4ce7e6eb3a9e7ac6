from django.urls import path

from . import selfcheck_views, stats_views, views

app_name = "public_search"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("number-check/", views.number_check_page, name="number_check"),
    path("self-check/", selfcheck_views.selfcheck, name="selfcheck"),
    path("self-check/start/", selfcheck_views.selfcheck_start, name="selfcheck_start"),
    path("stats/", stats_views.stats_page, name="stats"),
    path("stats/<slug:chart>.svg", stats_views.stats_chart, name="stats_chart"),
    path("stats/<slug:chart>.csv", stats_views.stats_csv, name="stats_csv"),
    path("public/filing/<id:pk>/", views.filing_page, name="filing"),
    path("public/filing/<id:pk>/badge.svg", views.filing_badge, name="badge"),
    path("public/filing/<id:pk>/qr.svg", views.filing_qr, name="qr"),
]
