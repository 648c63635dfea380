from django.contrib import admin

from .models import Round, Score


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "year", "organiser", "decision_number", "published_on"]
    list_filter = ["year", "frameworks__unit_group"]
    list_select_related = ["organiser"]
    search_fields = ["code", "name", "decision_number"]
    autocomplete_fields = ["organiser"]
    filter_horizontal = ["frameworks"]


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = ["round", "unit", "node", "stage", "value"]
    list_filter = ["round__year", "round", "stage", "unit__group"]
    list_select_related = ["round", "unit", "node"]
    search_fields = ["unit__code", "unit__name", "node__code"]
    autocomplete_fields = ["unit"]
    raw_id_fields = ["node"]
