"""Result sets are written by services only (compute, publish, correct): read-only here."""

from django.contrib import admin

from .models import ResultRow, ResultSnapshot


class ResultRowInline(admin.TabularInline):
    model = ResultRow
    fields = ["rank", "unit_code", "unit_name", "achieved", "max", "index", "band"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ResultSnapshot)
class ResultSnapshotAdmin(admin.ModelAdmin):
    list_display = ["round", "framework", "version", "computed_at", "published_at", "reason"]
    list_filter = ["round", "published_at"]
    readonly_fields = [
        "round",
        "framework",
        "version",
        "computed_at",
        "computed_by",
        "published_at",
        "published_by",
        "supersedes",
        "reason",
    ]
    exclude = ["inputs", "structure"]
    inlines = [ResultRowInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return (
            obj is not None and not obj.is_published and super().has_delete_permission(request, obj)
        )
