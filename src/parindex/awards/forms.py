from django import forms
from django.utils.translation import gettext_lazy as _

from parindex.assessments.models import Round
from parindex.collation import collated
from parindex.units.models import Unit, UnitGroup

from . import rules
from .models import (
    AwardForm,
    AwardingAuthority,
    Campaign,
    Decision,
    Honorific,
    NomineeKind,
    ProposalRule,
)


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "code", "name", "year", "round", "awarder_unit", "authority", "awarder_kind",
            "awarder_title", "award_form", "title_text", "deadline",
        ]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, managed_units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = Round.objects.order_by("-year", "code")
        units = Unit.objects.order_by(collated("name"), "code")
        if managed_units is not None:
            units = units.filter(pk__in=managed_units)
        self.fields["awarder_unit"].queryset = units
        authorities = AwardingAuthority.objects.order_by("code")
        if managed_units is not None:
            authorities = authorities.filter(unit__in=managed_units)
        self.fields["authority"].queryset = authorities
        self.fields["authority"].help_text = _(
            "Who signs the decision: it sets the awarder, the heading, the number series and "
            "the signer's title."
        )
        # Given by the authority when one is chosen.
        self.fields["awarder_kind"].required = False
        self.fields["awarder_title"].required = False
        self.fields["award_form"].required = False
        self.fields["award_form"].help_text = _(
            "Left empty, it follows the awarder: bằng khen from the province chairman, "
            "giấy khen otherwise."
        )
        if self.instance.pk:
            self.fields["code"].disabled = True
            self.fields["awarder_unit"].disabled = True

    def clean(self):
        data = super().clean()
        authority = data.get("authority")
        if authority is not None:
            data["awarder_kind"], data["awarder_title"] = authority.awarder_kind, authority.title
        for key in ("awarder_kind", "awarder_title"):
            if not data.get(key) and key not in self.errors:
                self.add_error(key, _("Required without an awarding authority."))
        if not data.get("award_form") and data.get("awarder_kind") in rules.AWARDER_FORMS:
            data["award_form"] = rules.award_form_for(data["awarder_kind"])
        return data

    def validate_unique(self):
        """Uniqueness is checked by the service with every other rule, in one message set."""


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Rule"), choices=[("", "—"), *ProposalRule.Kind.choices],
                             required=False)
    unit_group = forms.ModelChoiceField(
        label=_("Unit group"), queryset=UnitGroup.objects.order_by("code"), required=False,
        empty_label=_("Every group"),
    )
    top = forms.IntegerField(label=_("N"), min_value=1, required=False)
    band = forms.CharField(label=_("Band code"), max_length=32, required=False)
    min_index = forms.DecimalField(label=_("Minimum index"), max_digits=5, decimal_places=2,
                                   required=False)

    def __init__(self, *args, bands=None, **kwargs):
        super().__init__(*args, **kwargs)
        if bands:  # the bands of the round's frameworks, by label
            self.fields["band"] = forms.ChoiceField(
                label=_("Band"), required=False,
                choices=[("", "—"), *((code, label) for code, label in bands.items())],
            )


RuleFormSet = forms.formset_factory(RuleForm, extra=2, can_delete=True)


class NominationForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Nominating unit"), queryset=Unit.objects.none())
    kind = forms.ChoiceField(label=_("Nominee"), choices=NomineeKind.choices,
                             widget=forms.RadioSelect, initial=NomineeKind.INDIVIDUAL)
    name = forms.CharField(label=_("Full name, or the collective's name"), max_length=255)
    honorific = forms.ChoiceField(
        label=_("Title"), choices=Honorific.choices, required=False,
        help_text=_("For an individual: how the certificate addresses them."),
    )
    position = forms.CharField(label=_("Position"), max_length=255, required=False)
    work_unit = forms.CharField(
        label=_("Workplace"), max_length=255, required=False,
        help_text=_("For an individual: the office or commune they work in; for a collective: "
                    "the unit it belongs to (UBND huyện Ia Grai)."),
    )
    achievement = forms.CharField(label=_("Achievement summary"), widget=forms.Textarea(
        attrs={"rows": 3}))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()
        if units is not None:
            first_two = list(units[:2])
            if len(first_two) == 1:
                self.fields["unit"].initial = first_two[0].pk


class NominationEditForm(forms.Form):
    """A unit's correction of its nomination awaiting review; the unit and kind stay."""

    name = forms.CharField(label=_("Full name, or the collective's name"), max_length=255)
    honorific = forms.ChoiceField(
        label=_("Title"), choices=Honorific.choices, required=False,
        help_text=_("For an individual: how the certificate addresses them."),
    )
    position = forms.CharField(label=_("Position"), max_length=255, required=False)
    work_unit = forms.CharField(
        label=_("Workplace"), max_length=255, required=False,
        help_text=_("For an individual: the office or commune they work in; for a collective: "
                    "the unit it belongs to (UBND huyện Ia Grai)."),
    )
    achievement = forms.CharField(label=_("Achievement summary"), widget=forms.Textarea(
        attrs={"rows": 3}))
    reason = forms.CharField(label=_("Reason for the change"), max_length=2000, required=False,
                             help_text=_("Optional; kept in the history."))

    def __init__(self, *args, nomination, **kwargs):
        kwargs.setdefault("initial", {
            "name": nomination.name, "honorific": nomination.honorific,
            "position": nomination.position,
            "work_unit": nomination.work_unit, "achievement": nomination.achievement,
        })
        super().__init__(*args, **kwargs)
        if nomination.kind == NomineeKind.COLLECTIVE:
            del self.fields["position"]
            del self.fields["honorific"]
            self.fields["work_unit"].label = _("Parent unit")
            self.fields["work_unit"].help_text = _("The unit it belongs to (UBND huyện Ia Grai).")


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawing"), required=False, max_length=2000)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("reject", _("Reject"))])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = [
            "number", "date", "place", "issuing_body", "signer_title", "signer_name",
            "legal_bases", "proposal", "executors", "recipients",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "issuing_body": forms.Textarea(attrs={"rows": 2}),
            "signer_title": forms.Textarea(attrs={"rows": 2}),
            "legal_bases": forms.Textarea(attrs={"rows": 6}),
            "executors": forms.Textarea(attrs={"rows": 2}),
            "recipients": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, authority=None, **kwargs):
        super().__init__(*args, **kwargs)
        if authority is not None:
            # The heading, the series and the statutory bases are the authority's and the law's.
            del self.fields["issuing_body"]
            self.fields["number"].help_text = _(
                "The number alone is completed with the series: 1234 → 1234/%(series)s."
            ) % {"series": authority.number_series}
            self.fields["signer_title"].help_text = _(
                "Left empty: %(title)s. A deputy signs as KT. %(title)s / PHÓ %(title)s."
            ) % {"title": authority.signer_title}
            self.fields["legal_bases"].help_text = _(
                "The bases the law in force on the decision's date requires are printed first; "
                "add others here, one per line."
            )


class RegisterSearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False)
    unit = forms.CharField(label=_("Unit"), required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2200)
    award_form = forms.ChoiceField(label=_("Form of award"),
                                   choices=[("", _("Any")), *AwardForm.choices], required=False)
    kind = forms.ChoiceField(label=_("Awardee"), choices=[("", _("Any")), *NomineeKind.choices],
                             required=False)
