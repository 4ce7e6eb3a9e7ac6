"""Admin for 信息公告 (PUB-04): administrators write Markdown, see the cleaned HTML the public will
see, and publish with one action."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models_announcements import Announcement


class AnnouncementForm(forms.ModelForm):
    class Meta:
        model = Announcement
        fields = ("title", "body", "published_at", "pinned")
        widgets = {
            "title": forms.TextInput(attrs={"class": "vTextField", "size": 80}),
            "body": forms.Textarea(
                attrs={
                    "rows": 24,
                    "cols": 100,
                    "class": "vLargeTextField announcement-source",
                    "spellcheck": "false",
                }
            ),
        }


class PublicationFilter(admin.SimpleListFilter):
    title = _("发布状态")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return (("published", _("已发布")), ("scheduled", _("定时发布")), ("draft", _("草稿")))

    def queryset(self, request, queryset):
        if self.value() == "published":
            return queryset.published()
        if self.value() == "scheduled":
            return queryset.scheduled()
        if self.value() == "draft":
            return queryset.drafts()
        return queryset


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    form = AnnouncementForm
    list_display = ("title", "status", "pinned", "published_at", "updated_at", "created_by")
    list_display_links = ("title",)
    list_filter = (PublicationFilter, "pinned")
    search_fields = ("title", "body")
    date_hierarchy = "published_at"
    actions = ("publish", "unpublish")
    fieldsets = (
        (None, {"fields": ("title", "body")}),
        (_("发布"), {"fields": ("published_at", "pinned")}),
        (_("预览"), {"fields": ("preview",)}),
        (_("记录"), {"fields": ("created_by", "created_at", "updated_at"), "classes": ("collapse",)}),
    )
    readonly_fields = ("preview", "created_by", "created_at", "updated_at")

    class Media:
        # A style sheet rather than style="…" attributes: the admin too runs under the CSP (SEC-05).
        css = {"all": ["css/admin_announcements.css"]}

    @admin.display(description=_("状态"))
    def status(self, obj: Announcement) -> str:
        if obj.published_at is None:
            return _("草稿")
        return _("已发布") if obj.is_published else _("定时发布")

    @admin.display(description=_("正文预览（保存后更新）"))
    def preview(self, obj: Announcement) -> str:
        if obj is None or not obj.pk or not obj.body:
            return _("保存后在此显示公众看到的正文。")
        # body_html() is Markdown already cleaned by nh3, as the public pages show it.
        return format_html('<div class="announcement-preview">{}</div>', obj.body_html())

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("发布所选公告（立即）"), permissions=["change"])
    def publish(self, request, queryset):
        now = timezone.now()
        count = queryset.exclude(published_at__lte=now).update(published_at=now, updated_at=now)
        self.message_user(
            request,
            ngettext("已发布 %(n)d 条公告。", "已发布 %(n)d 条公告。", count) % {"n": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("撤回所选公告（转为草稿）"), permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.exclude(published_at=None).update(published_at=None, updated_at=timezone.now())
        self.message_user(
            request,
            ngettext("已撤回 %(n)d 条公告。", "已撤回 %(n)d 条公告。", count) % {"n": count},
            messages.SUCCESS,
        )
