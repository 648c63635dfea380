"""Showing sheet values: points as published, words instead of codes (yes → Có)."""

from decimal import InvalidOperation

from django import template
from django.utils.translation import gettext as _

from parindex.engine.values import NA_WORDS, NO_WORDS, YES_WORDS
from parindex.imports import problem_text
from parindex.results.templatetags.points import points

register = template.Library()


def _word(value) -> str:
    return str(value or "").strip().casefold()


@register.filter
def pts(value):
    """Points of a leaf: "" (no value yet) stays empty, None is not applicable."""
    if value == "":
        return ""
    if value is None:
        return _("N/A")
    return points(value)


@register.filter
def canonical(value):
    """The option a stored value selects: yes / no / NA, or the value itself."""
    word = _word(value)
    if word in YES_WORDS:
        return "yes"
    if word in NO_WORDS:
        return "no"
    if word in NA_WORDS:
        return "NA"
    return value or ""


@register.filter
def show_value(value, kind=""):
    """The value as the person reads it: words for yes / no / NA, and for a leaf scored in points
    (`kind` "points") the number as published, 0,50 beside the 1,00 of its points."""
    shown = canonical(value)
    if kind == "points" and value and shown == value:
        try:
            return points(str(value).strip().replace(",", "."))
        except (InvalidOperation, ValueError):
            return shown
    return {"yes": _("Yes"), "no": _("No"), "NA": _("Not applicable")}.get(shown, shown)


@register.filter
def is_na(value) -> bool:
    return _word(value) in NA_WORDS


@register.filter
def ratio_part(value, index):
    """Numerator (0) or denominator (1) of a stored ratio such as 45/50."""
    if not value or _word(value) in NA_WORDS or "/" not in value:
        return ""
    return value.split("/")[int(index)].strip()


@register.filter
def field_result(result, code):
    return result.fields.get(code) if result is not None else None


@register.filter
def problem(value):
    """An engine's refusal or warning about a value, in the reader's language."""
    return problem_text(value)
