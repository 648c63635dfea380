from django.contrib import admin

from parindex.history.admin import LoggedAdmin

from .models import (
    Assignment,
    CriterionAssignment,
    Evidence,
    ExplanationRequest,
    Round,
    Score,
    Sheet,
)


@admin.register(Round)
class RoundAdmin(LoggedAdmin):
    """Edits made here are in the change log, listed in the round's own history. A round's kind
    is chosen when it is made and never changes (an assessment round has sheets)."""

    list_display = ["code", "name", "year", "kind", "organiser", "decision_number",
                    "published_on"]
    list_filter = ["year", "kind", "frameworks__unit_group"]
    list_select_related = ["organiser"]
    search_fields = ["code", "name", "decision_number"]
    autocomplete_fields = ["organiser"]
    filter_horizontal = ["frameworks"]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["kind"] if obj is not None else []
        return [*super().get_readonly_fields(request, obj), *fixed]

    def change_scope(self, obj):
        return obj


class ReadOnlyAdmin(admin.ModelAdmin):
    """Listed for inspection only: these rows change through the assessment services, which record
    every change in the history, never by hand here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ["round", "unit", "node", "stage", "value"]
    list_filter = ["round__year", "round", "stage", "unit__group"]
    list_select_related = ["round", "unit", "node"]
    search_fields = ["unit__code", "unit__name", "node__code"]
    autocomplete_fields = ["unit"]
    raw_id_fields = ["node"]


@admin.register(Sheet)
class SheetAdmin(ReadOnlyAdmin):
    list_display = ["round", "unit", "state", "submitted_at"]
    list_filter = ["round", "state"]
    list_select_related = ["round", "unit"]
    search_fields = ["unit__code", "unit__name"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["round", "user", "unit"]
    list_filter = ["round"]
    list_select_related = ["round", "user", "unit"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["sheet", "node", "name", "size", "uploaded_at"]
    list_select_related = ["sheet__unit", "sheet__round", "node"]
    exclude = ["file"]  # files are served only through the permission-checked view


@admin.register(ExplanationRequest)
class ExplanationRequestAdmin(ReadOnlyAdmin):
    list_display = ["sheet", "node", "requested_at", "answered_at"]
    list_select_related = ["sheet__unit", "sheet__round", "node"]


@admin.register(CriterionAssignment)
class CriterionAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["sheet", "node", "unit", "status", "reviewed_at"]
    list_filter = ["status"]
    list_select_related = ["sheet__unit", "sheet__round", "node", "unit"]
