from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("reports/", views.report_lookup, name="lookup"),
    path("reports/filing/<id:pk>/", views.report_filing, name="filing"),
    path("reports/number/", views.report_number, name="number"),
    path("reports/submitted/", views.report_submitted, name="submitted"),
    path("reports/confirm/<str:token>/", views.report_confirm_page, name="confirm"),
    path("reports/<str:code>/", views.report_status, name="status"),
    # Before review's own "<key>/<pk>/": the reviewers' 问题报告 tab.
    path("review/reports/", views.report_queue, name="queue"),
    path("review/reports/<id:pk>/", views.report_detail, name="detail"),
    path("review/reports/<id:pk>/act/", views.report_act, name="act"),
    path("review/reports/<id:pk>/screenshot/", views.report_screenshot, name="screenshot"),
]
