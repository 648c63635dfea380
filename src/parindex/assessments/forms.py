"""Forms of the assessment pages, and how a leaf's inputs become one value in the scores syntax."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parindex.engine.framework import Node as EngineNode
from parindex.frameworks.models import Framework
from parindex.units.models import Unit

from .models import Round

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


DEADLINE_FIELDS = ("self_deadline", "appraisal_deadline", "explanation_deadline",
                   "final_deadline", "approval_deadline")


class RoundForm(forms.Form):
    """Open a round of either kind: organiser, year, one framework per unit group; an assessment
    round's units and deadlines, or a results round's decision (number and date, if known)."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of round"), choices=Round.Kind.choices,
        initial=Round.Kind.ASSESSMENT, widget=forms.RadioSelect,
    )
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
    decision_number = forms.CharField(
        label=gettext_lazy("Decision number (results round, if known)"), max_length=64,
        required=False,
    )
    published_on = forms.DateField(
        label=gettext_lazy("Decision date (results round, if known)"), required=False,
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

    def clean(self):
        """Each kind has only its own fields: a results round has no units or deadlines (no
        sheets), an assessment round gets its decision when its results are published."""
        data = super().clean()
        if data.get("kind") == Round.Kind.RESULTS:
            unwanted = ("units", *DEADLINE_FIELDS)
            message = _("A results round has no sheets: leave this empty.")
        else:
            unwanted = ("decision_number", "published_on")
            message = _("An assessment round gets its decision when its results are published: "
                        "leave this empty.")
        for name in unwanted:
            if data.get(name):
                self.add_error(name, message)
        return data


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
