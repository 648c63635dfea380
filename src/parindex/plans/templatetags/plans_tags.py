"""The sheet's prefilled values, for the include `assessments/_prefill.html` (a read: the
sheet page's view stays as it is)."""

from __future__ import annotations

from django import template

from parindex import policy

from ..models import Prefill

register = template.Library()


@register.inclusion_tag("plans/_prefills.html", takes_context=True)
def sheet_prefills(context, sheet, data):
    """Each computed value with its sources, the unit's contested value and explanation, and
    the self value now on the sheet. `data` is the page's SheetData: no query at all for a
    framework without sources, one (the prefills) otherwise."""
    rows = {row.node.pk: row for row in data.rows if row.is_leaf and row.leaf.source}
    if not rows:
        return {"prefills": []}
    prefills = list(Prefill.objects.filter(sheet=sheet).select_related("node", "contested_by")
                    .order_by("node__position"))
    for prefill in prefills:
        score = rows[prefill.node_id].self_score if prefill.node_id in rows else None
        prefill.on_sheet = score.value if score else ""
    return {"prefills": prefills, "sheet": sheet, "csrf_token": context.get("csrf_token"),
            "can_contest": policy.can_contest_prefill(context["request"].user, sheet)}
