"""The survey in the Django admin: read-only lists for looking things up.

Questionnaires, weights and units are edited on the survey pages (edit_views), whose services keep
the rules the admin would bypass: positions and option codes fixed once a group has responses,
answer counts in step with the responses. Reviewing responses is on the survey's review page.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import (
    AnswerCount,
    GroupUnit,
    ImportBatch,
    ImportJob,
    Invitation,
    Option,
    Question,
    RespondentGroup,
    Response,
    Section,
    Survey,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class GroupUnitInline(ReadOnlyInline):
    model = GroupUnit
    fields = ["unit", "population"]


class SectionInline(ReadOnlyInline):
    model = Section
    fields = ["position", "title"]


class OptionInline(ReadOnlyInline):
    model = Option
    fields = ["position", "code", "label", "weight"]


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ["name", "round", "margin", "edit_link"]
    list_select_related = ["round"]
    search_fields = ["name", "round__code", "round__name"]

    @admin.display(description=_("edit"))
    def edit_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("surveys:edit", args=[obj.round.code]),
                           _("Edit the questionnaires"))


@admin.register(RespondentGroup)
class RespondentGroupAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "survey", "access", "accepting", "position"]
    list_filter = ["access", "accepting", "survey"]
    list_select_related = ["survey"]
    search_fields = ["code", "name"]
    inlines = [GroupUnitInline, SectionInline]


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ["code", "text", "group", "section", "position", "leaf_code", "required"]
    list_filter = ["group__survey", "group"]
    list_select_related = ["group", "section"]
    search_fields = ["code", "text", "leaf_code"]
    inlines = [OptionInline]


@admin.register(Option)
class OptionAdmin(ReadOnlyAdmin):
    list_display = ["question", "code", "label", "weight"]
    list_filter = ["question__group"]
    list_select_related = ["question"]
    search_fields = ["label", "question__code"]


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ["pk", "group", "unit", "channel", "status", "flag", "form_number",
                    "answers", "created_at"]
    list_filter = ["status", "channel", "group"]
    list_select_related = ["group", "unit"]
    search_fields = ["form_number", "unit__code", "unit__name"]
    show_full_result_count = False  # no COUNT(*) over 100,000 rows on every page
    date_hierarchy = "created_at"


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["filename", "group", "status", "rows_total", "rows_done", "imported",
                    "created_by", "created_at", "finished_at"]
    list_filter = ["status"]
    list_select_related = ["group", "created_by"]


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    """Imported files of forms; their forms are in the survey's exports."""

    list_display = ["filename", "group", "forms", "created_by", "created_at"]
    list_filter = ["group"]
    list_select_related = ["group", "created_by"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["code", "group", "unit", "created_at"]
    list_filter = ["group"]
    list_select_related = ["group", "unit"]
    search_fields = ["code"]


@admin.register(AnswerCount)
class AnswerCountAdmin(ReadOnlyAdmin):
    list_display = ["group", "unit", "position", "option", "count"]
    list_filter = ["group"]
    list_select_related = ["group", "unit"]
