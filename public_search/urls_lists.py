"""备案清单 (PUB-05): the list of a period, its downloads, and the exports made by the worker."""

from django.urls import path

from . import list_views

app_name = "lists"
urlpatterns = [
    path("", list_views.list_page, name="page"),
    path("download/<str:fmt>/", list_views.list_download, name="download"),
    path("exports/<id:pk>/", list_views.list_export_status, name="export"),
    path("exports/<id:pk>/file/", list_views.list_export_file, name="export_file"),
]
