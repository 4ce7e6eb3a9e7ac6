from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Entity, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "role", "province_code", "supervisor", "entity", "email", "is_active")
    list_filter = ("role", "supervisor", "is_active")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("门户角色"), {"fields": ("role", "province_code", "supervisor", "entity", "mobile")}),
    )


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ("name", "record_name", "uscc", "record_region_code", "state", "created_at")
    list_filter = ("state",)
    search_fields = ("name", "record_name", "uscc")
    readonly_fields = ("state", "state_changed_at", "record_name", "record_region_code")
