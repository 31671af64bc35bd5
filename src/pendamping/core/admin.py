from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only, even for a superuser."""

    list_display = ["at", "actor_username", "action", "object_type", "object_id", "area_code"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_username", "object_id", "area_code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
