from django.urls import path

from . import views

app_name = "review"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<str:key>/<id:pk>/", views.item, name="item"),
    path("<str:key>/<id:pk>/act/", views.act, name="act"),
]
