from django.urls import path

from . import views

app_name = "algorithms"
urlpatterns = [
    path("", views.filing_list, name="list"),
    path("new/", views.filing_new, name="create"),
    path("drafts/", views.drafts, name="drafts"),
    path("drafts/<id:pk>/delete/", views.draft_delete, name="draft_delete"),
    path("<id:pk>/", views.filing_detail, name="detail"),
    path("<id:pk>/step/<int:step>/", views.filing_step, name="step"),
    path("<id:pk>/templates/<str:kind>.pdf", views.filing_document, name="document"),
    path("<id:pk>/cancel/", views.filing_cancel_view, name="cancel"),
]
