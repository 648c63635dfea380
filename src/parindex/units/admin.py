"""Units, unit groups and roles in the admin: administrators only (`policy.can_manage_units`),
every save and delete recorded in the change log (`LoggedAdmin`), a unit's roles under it."""

from django.contrib import admin

from parindex import policy
from parindex.history.admin import LoggedAdmin

from .models import Role, Unit, UnitGroup


@admin.register(UnitGroup)
class UnitGroupAdmin(LoggedAdmin):
    allowed_by = policy.can_manage_units
    list_display = ["code", "name", "position"]
    list_editable = ["position"]  # the order the province publishes its groups in
    search_fields = ["code", "name"]


class RoleInline(admin.TabularInline):
    model = Role
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(LoggedAdmin):
    allowed_by = policy.can_manage_units
    inlines = [RoleInline]
    list_display = ["code", "name", "group", "kind", "parent", "valid_from", "valid_to"]
    list_filter = ["group", "kind"]
    list_select_related = ["group", "parent"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["predecessors"]
    fieldsets = [
        (None, {"fields": ["code", "name", "group", "kind", "parent"]}),
        (None, {"fields": ["valid_from", "valid_to", "predecessors", "ended_by"]}),
    ]
    readonly_fields = ["ended_by"]  # set by a reorganisation (units/reorganisations/)


@admin.register(Role)
class RoleAdmin(LoggedAdmin):
    """Who may do what where; the policy module reads these rows."""

    allowed_by = policy.can_manage_units

    list_display = ["user", "unit", "kind"]
    list_filter = ["kind", "unit__group"]
    list_select_related = ["user", "unit"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]
