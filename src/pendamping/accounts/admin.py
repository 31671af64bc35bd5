from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    readonly_fields = ["role", "area", "started_at", "ended_at", "created_by"]
    can_delete = False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """For superusers only. Workers' accounts are managed on the app's own pages, which audit every change."""

    list_display = ["username", "full_name", "is_active", "is_superuser", "last_login"]
    search_fields = ["username", "full_name"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Profil", {"fields": ["full_name", "phone", "email"]}),
        ("Status", {"fields": ["is_active", "is_superuser", "last_login", "date_joined"]}),
    ]
    inlines = [RoleAssignmentInline]
