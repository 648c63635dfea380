"""Read-only: plans, tasks, reports, figures and prefills are written by their services alone
(so that every change refreshes the prefilled values and lands in the change log)."""

from django.contrib import admin

from .models import Plan, Prefill, Progress, Report, ServiceImport, ServiceMonth, Task


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Plan)
class PlanAdmin(ReadOnly):
    list_display = ["title", "unit", "year", "number", "issued_on"]
    list_filter = ["year"]
    list_select_related = ["unit"]


@admin.register(Task)
class TaskAdmin(ReadOnly):
    list_display = ["code", "title", "responsible", "deadline", "completed_on"]
    list_filter = ["plan__year"]
    list_select_related = ["responsible"]


@admin.register(Progress)
class ProgressAdmin(ReadOnly):
    list_display = ["task", "reported_at", "reported_by", "completed_on"]


@admin.register(Report)
class ReportAdmin(ReadOnly):
    list_display = ["title", "unit", "kind", "due_on", "submitted_at"]
    list_filter = ["year", "kind"]
    list_select_related = ["unit"]


@admin.register(ServiceImport)
class ServiceImportAdmin(ReadOnly):
    list_display = ["name", "rows", "imported_at", "imported_by"]


@admin.register(ServiceMonth)
class ServiceMonthAdmin(ReadOnly):
    list_display = ["unit", "month", "received", "on_time", "late", "online", "digitised"]
    list_select_related = ["unit"]


@admin.register(Prefill)
class PrefillAdmin(ReadOnly):
    list_display = ["sheet", "node", "value", "contested_value", "computed_at"]
