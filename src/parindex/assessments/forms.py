"""Forms of the assessment pages, and how a leaf's inputs become one value in the scores syntax."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parindex.engine.framework import Node as EngineNode
from parindex.frameworks.models import Framework
from parindex.units.models import Unit

NA = "NA"


def compose_value(leaf: EngineNode, data) -> str:
    """The text the engine parses, from the inputs the rule needs (a ratio has two)."""
    if data.get("na"):
        return NA
    if leaf.rule.kind == "ratio":
        numerator = (data.get("numerator") or "").strip()
        denominator = (data.get("denominator") or "").strip()
        if not numerator and not denominator:
            return ""
        if not numerator or not denominator:
            raise ValidationError(_("Enter both the numerator and the denominator."))
        return f"{numerator}/{denominator}"
    return (data.get("value") or "").strip()


def parse_version(data) -> int:
    try:
        return int(data.get("version") or 0)
    except ValueError:
        raise ValidationError(_("The form is out of date: reload the page.")) from None


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class RequestForm(forms.Form):
    question = forms.CharField(
        label=gettext_lazy("What should the unit explain?"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Explanation"), widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))


class RoundForm(forms.Form):
    """Open a round: organiser, year, one framework per unit group, deadlines."""

    code = forms.SlugField(label=gettext_lazy("Code"), max_length=100)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=255)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    organiser = forms.ModelChoiceField(label=gettext_lazy("Organising unit"), queryset=Unit.objects)
    frameworks = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Frameworks (one per unit group)"), queryset=Framework.objects,
        widget=forms.CheckboxSelectMultiple,
    )
    units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Units assessed (none chosen: every unit of the groups valid in the "
                           "year)"),
        queryset=Unit.objects, required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    self_deadline = forms.DateField(
        label=gettext_lazy("Self-assessment deadline"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    appraisal_deadline = forms.DateField(
        label=gettext_lazy("Appraisal round 1 deadline"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    explanation_deadline = forms.DateField(
        label=gettext_lazy("Explanation deadline"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    final_deadline = forms.DateField(
        label=gettext_lazy("Appraisal round 2 deadline"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    approval_deadline = forms.DateField(
        label=gettext_lazy("Approval deadline"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, organisers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisers is not None:
            self.fields["organiser"].queryset = organisers
        self.fields["frameworks"].queryset = Framework.objects.select_related("unit_group")
        self.fields["units"].queryset = Unit.objects.select_related("group").order_by(
            "group__code", "code"
        )


class AssignForm(forms.Form):
    appraiser = forms.ModelChoiceField(label=gettext_lazy("Appraiser"), queryset=None)
    unit = forms.ModelChoiceField(label=gettext_lazy("Unit"), queryset=None)
    field_code = forms.CharField(
        label=gettext_lazy("Field code (empty = whole sheet)"), required=False, max_length=32
    )

    def __init__(self, *args, appraisers, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appraiser"].queryset = appraisers
        self.fields["unit"].queryset = units
