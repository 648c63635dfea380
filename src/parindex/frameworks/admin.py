"""Frameworks in the admin: administrators only (`policy.can_manage_frameworks`), every save
and delete recorded in the change log (`LoggedAdmin`)."""

from django.contrib import admin

from parindex import policy
from parindex.history.admin import LoggedAdmin

from .models import Framework, Node


class NodeInline(admin.TabularInline):
    """The tree read-only, in document order: frameworks change by importing a file, so the
    parent sums and the rules stay consistent."""

    model = Node
    fields = ["indented_code", "title", "kind", "max_points", "rule"]
    readonly_fields = fields
    ordering = ["position"]
    extra = 0
    can_delete = False
    show_change_link = False

    @admin.display(description="code")
    def indented_code(self, node: Node) -> str:
        return "\u2003" * node.depth + node.code

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Framework)
class FrameworkAdmin(LoggedAdmin):
    allowed_by = policy.can_manage_frameworks
    list_display = ["code", "name", "year", "unit_group", "ranking"]
    list_filter = ["year", "unit_group"]
    list_select_related = ["unit_group"]
    search_fields = ["code", "name"]
    inlines = [NodeInline]


@admin.register(Node)
class NodeAdmin(LoggedAdmin):
    allowed_by = policy.can_manage_frameworks

    def change_scope(self, obj):
        return obj.framework

    list_display = ["code", "title", "framework", "kind", "max_points"]
    list_filter = ["framework__year", "framework__unit_group", "framework"]
    list_select_related = ["framework"]
    search_fields = ["code", "title"]
    readonly_fields = ["framework", "parent", "position", "depth"]
    ordering = ["framework", "position"]
