from django.contrib import admin

from .models import Unit, UnitGroup


@admin.register(UnitGroup)
class UnitGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "group", "kind", "parent", "valid_from", "valid_to"]
    list_filter = ["group", "kind"]
    list_select_related = ["group", "parent"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["predecessors"]
    fieldsets = [
        (None, {"fields": ["code", "name", "group", "kind", "parent"]}),
        (None, {"fields": ["valid_from", "valid_to", "predecessors"]}),
    ]
