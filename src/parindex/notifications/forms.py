from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Preference


class PreferenceForm(forms.Form):
    delivery = forms.ChoiceField(label=_("How to tell me"), choices=Preference.Delivery.choices,
                                 widget=forms.RadioSelect)
    language = forms.ChoiceField(label=_("My language (pages and emails)"),
                                 choices=[("", _("Default (Vietnamese)")), *settings.LANGUAGES],
                                 required=False)
