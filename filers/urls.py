from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from beian.throttling import rate_limited

from . import views
from .forms import LoginForm

app_name = "filers"
urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("register/", views.register, name="register"),
    path("register/done/", views.register_done, name="register_done"),
    path("activate/resend/", views.activation_resend_view, name="activation_resend"),
    path("activate/<uidb64>/<token>/", views.activate, name="activate"),
    path(
        "login/",
        rate_limited("login", methods=("POST",))(
            auth_views.LoginView.as_view(template_name="filers/login.html", authentication_form=LoginForm)
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="filers/password_change.html",
            success_url=reverse_lazy("filers:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="filers/password_change_done.html"),
        name="password_change_done",
    ),
    path(
        "password-reset/",
        rate_limited("password_reset", methods=("POST",))(
            auth_views.PasswordResetView.as_view(
                template_name="filers/password_reset.html",
                email_template_name="filers/email/password_reset.txt",
                subject_template_name="filers/email/password_reset_subject.txt",
                success_url=reverse_lazy("filers:password_reset_done"),
            )
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="filers/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="filers/password_reset_confirm.html",
            success_url=reverse_lazy("filers:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="filers/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("entity/", views.entity_detail, name="entity"),
    path("entity/edit/", views.entity_edit, name="entity_edit"),
    path("entity/submit/", views.entity_submit_view, name="entity_submit"),
    path("entity/export/", views.entity_export, name="entity_export"),
    path("entity/templates/<str:kind>.pdf", views.entity_document, name="entity_document"),
    path("attachments/<id:pk>/", views.attachment_download, name="attachment"),
    path("regions.json", views.regions_json, name="regions"),
]
