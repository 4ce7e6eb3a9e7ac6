from django.urls import path

from . import views

app_name = "products"
urlpatterns = [
    path("", views.product_list, name="list"),
    path("new/", views.product_edit, name="create"),
    path("<int:pk>/edit/", views.product_edit, name="edit"),
    path("<int:pk>/delete/", views.product_delete_view, name="delete"),
    path("<int:pk>/submit/", views.product_submit_view, name="submit"),
    path("<int:product_pk>/paths/new/", views.path_edit, name="path_create"),
    path("paths/<int:pk>/edit/", views.path_edit, name="path_edit"),
    path("paths/<int:pk>/delete/", views.path_delete_view, name="path_delete"),
    path("paths/<int:path_pk>/functions/new/", views.function_edit, name="function_create"),
    path("functions/<int:pk>/edit/", views.function_edit, name="function_edit"),
    path("functions/<int:pk>/delete/", views.function_delete_view, name="function_delete"),
]
