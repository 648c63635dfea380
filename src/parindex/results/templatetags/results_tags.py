"""Helpers for the results templates: links that stay public or staff-preview, signed changes."""

from decimal import Decimal

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .points import points

register = template.Library()


@register.simple_tag(takes_context=True)
def rurl(context, name, *args):
    """A results URL: the public one, or the staff preview's when the page is a preview."""
    if context.get("published", True):
        return reverse(f"results_{name}", args=args)
    if name == "overview":
        name = "preview_overview"
    elif not name.startswith("manage"):
        name = f"preview_{name}"
    return reverse(f"results_{name}", args=args)


@register.filter
def change(value):
    """+1 ▲ / −2 ▼ / 0 for a change in rank or index; a dash when there is nothing to compare."""
    if value is None:
        return mark_safe('<span class="muted">–</span>')
    text = points(abs(value)) if isinstance(value, Decimal) else str(abs(value))
    if value > 0:
        return format_html('<span class="up" title="▲">▲ {}</span>', text)
    if value < 0:
        return format_html('<span class="down" title="▼">▼ {}</span>', text)
    return mark_safe('<span class="muted">= 0</span>')


@register.filter
def get(sequence, index):
    try:
        return sequence[index]
    except (IndexError, KeyError, TypeError):
        return None


@register.simple_tag(takes_context=True)
def sort_query(context, key):
    """Query string that sorts by `key`, flipping the direction when already sorted by it."""
    request = context["request"]
    params = request.GET.copy()
    desc = "0" if context.get("sort") == key and context.get("desc") else "1"
    if key in ("rank", "unit") and context.get("sort") != key:
        desc = "0"
    params["sort"], params["desc"] = key, desc
    params.pop("page", None)
    return "?" + params.urlencode()


@register.simple_tag(takes_context=True)
def page_query(context, number):
    params = context["request"].GET.copy()
    params["page"] = number
    return "?" + params.urlencode()
