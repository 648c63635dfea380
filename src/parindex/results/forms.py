"""The form of the results management page: publishing with the decision's number and date."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy


class PublishForm(forms.Form):
    """Both optional: an empty number keeps the round's, an empty date keeps the round's date
    (or, for a round without one, is today)."""

    decision_number = forms.CharField(
        label=gettext_lazy("Decision number"), max_length=64, required=False
    )
    published_on = forms.DateField(
        label=gettext_lazy("Decision date"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
