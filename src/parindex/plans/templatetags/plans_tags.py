"""The sheet's prefilled values, for the include `assessments/_prefill.html` (a read: the
sheet page's view stays as it is)."""

from __future__ import annotations

from django import template

from parindex import policy
from parindex.assessments.models import Score

from ..models import Prefill

register = template.Library()


@register.inclusion_tag("plans/_prefills.html", takes_context=True)
def sheet_prefills(context, sheet):
    """Each computed value with its sources, the unit's contested value and explanation, and
    the self value now on the sheet; two queries whatever the number of leaves."""
    user = context["request"].user
    prefills = list(Prefill.objects.filter(sheet=sheet).select_related("node", "contested_by")
                    .order_by("node__position"))
    current = dict(Score.objects.filter(
        round_id=sheet.round_id, unit_id=sheet.unit_id, stage=Score.Stage.SELF,
        node_id__in=[p.node_id for p in prefills]).values_list("node_id", "value"))
    for prefill in prefills:
        prefill.on_sheet = current.get(prefill.node_id, "")
    return {"prefills": prefills, "sheet": sheet, "csrf_token": context.get("csrf_token"),
            "can_contest": policy.can_contest_prefill(user, sheet)}
