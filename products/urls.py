from django.urls import path

from . import views

app_name = "products"
urlpatterns = [
    path("", views.product_list, name="list"),
    path("new/", views.product_edit, name="create"),
    path("<id:pk>/edit/", views.product_edit, name="edit"),
    path("<id:pk>/delete/", views.product_delete_view, name="delete"),
    path("<id:pk>/submit/", views.product_submit_view, name="submit"),
    path("<id:product_pk>/paths/new/", views.path_edit, name="path_create"),
    path("paths/<id:pk>/edit/", views.path_edit, name="path_edit"),
    path("paths/<id:pk>/delete/", views.path_delete_view, name="path_delete"),
    path("paths/<id:path_pk>/functions/new/", views.function_edit, name="function_create"),
    path("functions/<id:pk>/edit/", views.function_edit, name="function_edit"),
    path("functions/<id:pk>/delete/", views.function_delete_view, name="function_delete"),
]
