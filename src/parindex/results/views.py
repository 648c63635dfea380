from django.shortcuts import get_object_or_404, render

from parindex.assessments.models import Round
from parindex.results.selectors import round_results


def _ranking_table(framework, result_set) -> dict:
    """Rows ready for the template: field cells in framework order, band label resolved."""
    fields = [node for node in result_set.framework.nodes if not node.kind]
    band_labels = {band.code: band.label for band in result_set.framework.bands}
    rows = [
        {
            "result": result,
            "field_results": [result.fields.get(field.code) for field in fields],
            "band_label": band_labels.get(result.band, ""),
        }
        for result in result_set.results
    ]
    return {"framework": framework, "fields": fields, "rows": rows}


def home(request):
    """The published ranking of each unit group for one published round (the latest by default)."""
    published = list(
        Round.objects.filter(published_on__isnull=False).order_by("-year", "code")
    )
    selected = None
    if published:
        code = request.GET.get("round")
        selected = (
            get_object_or_404(Round, code=code, published_on__isnull=False) if code else published[0]
        )
    tables = [_ranking_table(*pair) for pair in round_results(selected)] if selected else []
    return render(
        request, "results/home.html", {"rounds": published, "round": selected, "tables": tables}
    )
