"""Plain forms and formsets for the manager's editing of a survey. They check the shape of the
input; services.py checks the rules that need the database and writes."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import RespondentGroup

WEIGHT_MESSAGE = _(
    "A weight is the share of the points this answer earns: a number from 0 to 1 (for example "
    "0.6 for 60 per cent), with at most 4 decimals; leave it blank for “don't know”."
)


class SurveyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    margin = forms.DecimalField(
        label=_("Margin of error e"), max_digits=5, decimal_places=4,
        help_text=_("In n = N / (1 + N·e²); 0.05 for ±5%."),
    )

    def clean_margin(self):
        margin = self.cleaned_data["margin"]
        if not Decimal(0) < margin < Decimal(1):
            raise ValidationError(_("The margin of error must be between 0 and 1, e.g. 0.05."))
        return margin


class GroupForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=64,
                           help_text=_("Part of the public link, e.g. nguoi-dan."))
    name = forms.CharField(label=_("Name"), max_length=255)
    intro = forms.CharField(label=_("Introduction"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    access = forms.ChoiceField(label=_("Who may answer"),
                               choices=RespondentGroup.Access.choices)
    accepting = forms.BooleanField(label=_("Accepting online responses"), required=False)


class TargetForm(forms.Form):
    """A unit the group evaluates; choices are given once for the whole formset (no query per
    row)."""

    unit = forms.ChoiceField(label=_("Unit"), required=False)
    population = forms.IntegerField(label=_("Transactions (N)"), min_value=0, required=False)

    def __init__(self, *args, unit_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "—"), *unit_choices]


class SectionForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Section title"), max_length=500, required=False)


class QuestionForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32,
                           help_text=_("The column name in imported files, e.g. Q1."))
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}))
    section = forms.TypedChoiceField(label=_("Section"), coerce=int)
    leaf_code = forms.ChoiceField(label=_("Survey sub-criterion it feeds"), required=False)
    required = forms.BooleanField(label=_("Required on the public form"), required=False)

    def __init__(self, *args, sections=(), leaves=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [(s.pk, s.title) for s in sections]
        self.fields["leaf_code"].choices = [("", _("— not scored —")), *leaves]

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code or any(c in code for c in " ,;"):
            raise ValidationError(_("A code has no spaces, commas or semicolons."))
        return code


class OptionForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=1, required=False)
    label = forms.CharField(label=_("Answer"), max_length=255, required=False)
    weight = forms.DecimalField(
        label=_("Weight (0–1)"), required=False, max_digits=5, decimal_places=4,
        error_messages={key: WEIGHT_MESSAGE for key in
                        ("invalid", "max_digits", "max_decimal_places", "max_whole_digits")},
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        if code and (len(code) != 1 or not code.isalnum()):
            raise ValidationError(_("An option code is one letter or digit."))
        return code

    def clean_weight(self):
        weight = self.cleaned_data["weight"]
        if weight is not None and not Decimal(0) <= weight <= Decimal(1):
            raise ValidationError(WEIGHT_MESSAGE)
        return weight

    def clean(self):
        data = super().clean()
        if data.get("code") and not (data.get("label") or "").strip():
            self.add_error("label", _("Give the answer's text."))
        return data


TargetFormSet = forms.formset_factory(TargetForm, extra=2, can_delete=True)
SectionFormSet = forms.formset_factory(SectionForm, extra=1)
OptionFormSet = forms.formset_factory(OptionForm, extra=2, can_delete=True)
