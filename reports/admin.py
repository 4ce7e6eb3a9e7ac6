"""RPT-01: reports in the admin — read-only: every move goes through the service (and its history)."""

from django.contrib import admin

from .models import Report, ReportEvent


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "action", "from_state", "to_state", "actor", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("pk", "category", "source", "number", "state", "outcome", "created_at", "closed_at")
    list_filter = ("state", "category", "source", "outcome")
    search_fields = ("=code", "number")
    inlines = (ReportEventInline,)
    exclude = ("screenshot",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Report._meta.fields if f.name != "screenshot"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser
