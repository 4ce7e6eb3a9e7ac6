from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token

from filers import api as filers_api

from . import api, health

api_v1 = [
    path("me/", api.MeApi.as_view(), name="me"),
    path("auth/token/", obtain_auth_token, name="token"),
    path("register/", filers_api.RegisterApi.as_view(), name="register"),
    path("entity/", filers_api.EntityApi.as_view(), name="entity"),
    path("entity/submit/", filers_api.EntitySubmitApi.as_view(), name="entity-submit"),
    path("entity/attachments/", filers_api.AttachmentUploadApi.as_view(), name="entity-attachments"),
    path("attachments/<int:pk>/", filers_api.AttachmentDownloadApi.as_view(), name="attachment"),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/schema/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="schema-docs"),
    path("api/schema/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="schema-redoc"),
    path("admin/", admin.site.urls),
    path("account/", include("filers.urls")),
    path("", include("public_search.urls")),
]
