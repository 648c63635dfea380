"""Show scores as published: two places, rounded half-up, in the reader's number format
(78,30 in Vietnamese, 78.30 in English)."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.conf import settings
from django.utils.formats import get_format, number_format

register = template.Library()

TWO_PLACES = Decimal("0.01")


@register.filter
def points(value):
    if value is None or value == "":
        return "–"
    rounded = Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    if settings.USE_THOUSAND_SEPARATOR:
        return number_format(rounded, decimal_pos=2)
    # The same as number_format without grouping, at a fraction of its cost: a national
    # ranking page shows thousands of these.
    separator = get_format("DECIMAL_SEPARATOR")
    text = f"{rounded:.2f}"
    return text if separator == "." else text.replace(".", separator)
