from django.contrib import admin

from .models import Change


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin):
    """Read-only: the change log is append-only."""

    list_display = ["at", "actor", "action", "object_type", "object_repr", "part", "reason"]
    list_filter = ["action", "object_type"]
    list_select_related = ["actor", "object_type"]
    search_fields = ["object_repr", "part", "reason", "actor__username", "request_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
