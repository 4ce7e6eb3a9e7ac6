from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from algorithms import api as algorithms_api
from filers import api as filers_api
from products import api as products_api
from public_search import api as public_api
from reports import api as reports_api
from review import api as review_api
from review import views as review_views

from . import api, api_docs, errors, health
from .throttling import rate_limited

# 撤回 (issue 16): one view for the three kinds, each under its own path.
WITHDRAW = review_api.WithdrawApi.as_view()

api_v1 = [
    path("me/", api.MeApi.as_view(), name="me"),
    path("auth/token/", api.TokenObtainApi.as_view(), name="token"),
    path("auth/logout/", api.TokenLogoutApi.as_view(), name="token-logout"),
    path("auth/logout-all/", api.TokenLogoutAllApi.as_view(), name="token-logout-all"),
    path("register/", filers_api.RegisterApi.as_view(), name="register"),
    path("entity/", filers_api.EntityApi.as_view(), name="entity"),
    path("entity/submit/", filers_api.EntitySubmitApi.as_view(), name="entity-submit"),
    path("entity/withdraw/", WITHDRAW, {"key": "entity"}, name="entity-withdraw"),
    path("entity/export/", filers_api.EntityExportApi.as_view(), name="entity-export"),
    path("entity/attachments/", filers_api.AttachmentUploadApi.as_view(), name="entity-attachments"),
    path("attachments/<id:pk>/", filers_api.AttachmentDownloadApi.as_view(), name="attachment"),
    path("products/", products_api.ProductListApi.as_view(), name="products"),
    path("products/<id:pk>/", products_api.ProductDetailApi.as_view(), name="product"),
    path("products/<id:pk>/submit/", products_api.ProductSubmitApi.as_view(), name="product-submit"),
    path(
        "products/<id:pk>/withdraw/",
        review_api.WithdrawApi.as_view(),
        {"key": "product"},
        name="product-withdraw",
    ),
    path("products/<id:pk>/paths/", products_api.PathCreateApi.as_view(), name="product-paths"),
    path("products/paths/<id:pk>/", products_api.PathDetailApi.as_view(), name="path"),
    path(
        "products/paths/<id:pk>/functions/", products_api.FunctionCreateApi.as_view(), name="path-functions"
    ),
    path("products/functions/<id:pk>/", products_api.FunctionDetailApi.as_view(), name="function"),
    path("filings/", algorithms_api.FilingListApi.as_view(), name="filings"),
    path("filings/drafts/", algorithms_api.DraftListApi.as_view(), name="filing-drafts"),
    path("filings/<id:pk>/", algorithms_api.FilingDetailApi.as_view(), name="filing"),
    path("filings/<id:pk>/submit/", algorithms_api.FilingSubmitApi.as_view(), name="filing-submit"),
    path(
        "filings/<id:pk>/withdraw/",
        review_api.WithdrawApi.as_view(),
        {"key": "filing"},
        name="filing-withdraw",
    ),
    path("filings/<id:pk>/cancel/", algorithms_api.FilingCancelApi.as_view(), name="filing-cancel"),
    path("review/queue/", review_api.QueueApi.as_view(), name="review-queue"),
    path("review/<str:key>/<id:pk>/", review_api.ItemApi.as_view(), name="review-item"),
    path("review/<str:key>/<id:pk>/act/", review_api.ActApi.as_view(), name="review-act"),
    path("public/number-check/", public_api.NumberCheckApi.as_view(), name="number-check"),
    path("public/filings/", public_api.PublicFilingListApi.as_view(), name="public-filings"),
    path("public/filings/<id:pk>/", public_api.PublicFilingDetailApi.as_view(), name="public-filing"),
    path("public/lists/", public_api.PublicListApi.as_view(), name="public-lists"),
    path("public/report-counts/", reports_api.ReportCountsApi.as_view(), name="public-report-counts"),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/schema/docs/", api_docs.SwaggerView.as_view(url_name="schema"), name="schema-docs"),
    path("api/schema/redoc/", api_docs.RedocView.as_view(url_name="schema"), name="schema-redoc"),
    # The admin's sign-in is a login page like the portal's (SEC-03).
    path("admin/login/", rate_limited("login", methods=("POST",))(admin.site.login)),
    path("admin/", admin.site.urls),
    path("account/", include("filers.urls")),
    path("products/", include("products.urls")),
    path("filings/", include("algorithms.urls")),
    # RPT-01: before review's "<key>/<pk>/", which would take "review/reports/<pk>/".
    path("", include("reports.urls")),
    path("review/", include("review.urls")),
    path("messages/", review_views.notifications, name="notifications"),
    path("messages/read/", review_views.notifications_read, name="notifications_read"),
    path("messages/<id:pk>/read/", review_views.notification_read, name="notification_read"),
    path("announcements/", include("public_search.urls_announcements")),
    path("lists/", include("public_search.urls_lists")),
    path("", include("public_search.urls")),
]

# SEC-05: our own pages in the reader's language, JSON under /api/, 503 when the database is unreachable.
handler404 = errors.page_not_found
handler500 = errors.server_error
