"""Chances on the robustness parts of the results pages: 0.615 → "61,5%" (Vietnamese)."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def chance(value):
    """A probability (0..1) as a percentage with one decimal, in the reader's number format."""
    if value is None:
        return "–"
    return f"{number_format(Decimal(value) * 100, decimal_pos=1)}%"


@register.filter
def get_name(names, code):
    """A unit's name from {code: name}, else its code."""
    return names.get(code, code)
