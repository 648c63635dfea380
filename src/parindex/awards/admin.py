from django.contrib import admin

from parindex import policy
from parindex.history.admin import LoggedAdmin

from .models import (
    Award,
    AwardingAuthority,
    AwardingPower,
    Campaign,
    Decision,
    LegalBasis,
    Nomination,
    ProposalRule,
)


@admin.register(AwardingAuthority)
class AwardingAuthorityAdmin(LoggedAdmin):
    """Who signs decisions: the province's reference data, every edit in the change log."""

    allowed_by = policy.can_manage_units
    list_display = ["code", "title", "level", "unit", "number_series", "proposer"]
    list_filter = ["level"]
    list_select_related = ["unit"]
    search_fields = ["code", "title"]
    raw_id_fields = ["unit"]


@admin.register(AwardingPower)
class AwardingPowerAdmin(LoggedAdmin):
    """Which level may give which form, from when to when: updated when the law changes."""

    allowed_by = policy.can_manage_units
    list_display = ["level", "award_form", "valid_from", "valid_to", "source"]
    list_filter = ["level", "award_form"]


@admin.register(LegalBasis)
class LegalBasisAdmin(LoggedAdmin):
    """The "Căn cứ" lines decisions cite by their date: updated when the law changes."""

    allowed_by = policy.can_manage_units
    list_display = ["position", "__str__", "level", "valid_from", "valid_to"]
    list_filter = ["level"]
    search_fields = ["text"]


class ProposalRuleInline(admin.TabularInline):
    model = ProposalRule
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "year", "awarder_title", "award_form", "state"]
    list_filter = ["year", "award_form", "state"]
    search_fields = ["code", "name"]
    inlines = [ProposalRuleInline]
    raw_id_fields = ["awarder_unit", "round", "authority"]


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "source", "unit", "campaign", "status"]
    list_filter = ["campaign", "kind", "source", "status"]
    search_fields = ["name", "work_unit"]
    list_select_related = ["unit", "campaign"]
    raw_id_fields = ["unit", "recipient_unit", "reviewed_by", "created_by"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["number", "date", "campaign", "signer_name", "issued_at"]
    list_select_related = ["campaign"]


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    """The register; past awards given before parindex are recorded here by hand."""

    list_display = ["name", "kind", "award_form", "year", "decision_number", "decision_date"]
    list_filter = ["year", "award_form", "kind"]
    search_fields = ["name", "work_unit", "decision_number"]
    raw_id_fields = ["campaign", "nomination", "unit", "recipient_unit"]
    readonly_fields = ["identity_key"]

    def save_model(self, request, obj, form, change):
        """Awards typed in here are recorded in the history like every other change."""
        from .rules import identity_key
        from .services import record

        obj.identity_key = identity_key(
            obj.kind, obj.name, obj.work_unit if obj.kind == "individual" else ""
        )
        changes = {
            name: [form.initial.get(name) if change else None, str(form.cleaned_data.get(name))]
            for name in form.changed_data
        }
        super().save_model(request, obj, form, change)
        record(request.user, obj.campaign, obj, "update" if change else "create", changes,
               "admin")

    def has_delete_permission(self, request, obj=None):
        return False  # the register is kept; a wrong entry is corrected, not removed
