from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Report

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=None, label=_("Unit"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=255)
    number = forms.CharField(label=_("Document number"), max_length=64, required=False)
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DATE)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class TaskForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32)
    title = forms.CharField(label=_("Task"), max_length=2000, widget=forms.Textarea(
        attrs={"rows": 2}))
    field = forms.CharField(label=_("Field"), max_length=100, required=False)
    responsible = forms.ModelChoiceField(queryset=None, label=_("Responsible unit"))
    cooperating = forms.ModelMultipleChoiceField(queryset=None, required=False,
                                                 label=_("Cooperating units"))
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    output = forms.CharField(label=_("Expected output"), max_length=255, required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = units
        self.fields["cooperating"].queryset = units


class ProgressForm(forms.Form):
    note = forms.CharField(label=_("Progress"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    completed_on = forms.DateField(label=_("Completed on"), required=False, widget=DATE)
    file = forms.FileField(label=_("Evidence"), required=False)


class RequestReportsForm(forms.Form):
    requester = forms.ModelChoiceField(queryset=None, label=_("Requested by"))
    units = forms.ModelMultipleChoiceField(queryset=None, label=_("Units"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Report.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=255)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)

    def __init__(self, *args, requesters, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requester"].queryset = requesters
        self.fields["units"].queryset = units


class FileForm(forms.Form):
    file = forms.FileField(label=_("File"))


class ContestForm(forms.Form):
    value = forms.CharField(label=_("Your value"), max_length=64, required=False)
    explanation = forms.CharField(label=_("Explanation"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
