"""PDF documents from HTML templates through WeasyPrint: the results annex, and the draft
decision approving and publishing the index followed by its annex.

Templates live in results/templates/results/pdf/ so an office can adjust them (override them in
a project template directory). The vendored Liberation Serif (metric-compatible with Times New
Roman, with every Vietnamese glyph) is embedded through @font-face; charts are the same inline
SVG as on the pages. Only the vendored font files may be fetched while rendering.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

from parindex.assessments.models import Round

from . import charts
from .exports import ROMAN, decision_line, issuer
from .selectors import Table

FONT_DIR = "fonts/liberation-serif-2.1.5"
FONT_FILES = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
    "bold_italic": "LiberationSerif-BoldItalic.ttf",
}


def font_urls() -> dict[str, str]:
    urls = {}
    for key, name in FONT_FILES.items():
        path = finders.find(f"{FONT_DIR}/{name}")
        if path is None:
            raise FileNotFoundError(f"{FONT_DIR}/{name} is missing from the static files")
        urls[key] = Path(path).resolve().as_uri()
    return urls


def _fetcher(allowed: set[str]):
    """WeasyPrint's fetcher limited to the given file URLs (the vendored fonts)."""
    from weasyprint.urls import URLFetcher

    class FontsOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if url not in allowed:
                raise ValueError(f"{url}: only the vendored fonts are loaded into a PDF")
            return super().fetch(url, headers)

    return FontsOnly(allowed_protocols={"file"})


LOCALITIES = ("tỉnh ", "thành phố ", "huyện ", "thị xã ", "xã ", "phường ")


def split_issuer(name: str) -> tuple[str, str, str]:
    """'Ủy ban nhân dân tỉnh Gia Lai' → ('Ủy ban nhân dân', 'tỉnh Gia Lai', 'Gia Lai')."""
    found = [(name.find(word), word) for word in LOCALITIES if word in name]
    if not found:
        return name, "", name
    at, word = min(found)
    return name[:at].strip(), name[at:], name[at + len(word) :]


def context(round: Round, tables: list[Table]) -> dict:
    groups = []
    for number, table in enumerate(tables):
        groups.append(
            {
                "table": table,
                "numeral": ROMAN[number] if number < len(ROMAN) else str(number + 1),
                "average": table.average_index(),
                "first": table.rows[0] if table.rows else None,
                "last": table.rows[-1] if table.rows else None,
                "ranking_chart": charts.ranking_bars(
                    [(r.unit_name, r.index) for r in table.rows],
                    f"Chỉ số CCHC – {table.group.name}",
                    width=900,
                ),
                "field_chart": charts.field_bars(
                    [(f.code, f.title) for f in table.fields],
                    [
                        ("Bình quân", table.field_averages()),
                        (
                            "Cao nhất",
                            [
                                max(
                                    (r.fields[i]["index"] for r in table.rows if r.fields[i]),
                                    default=None,
                                )
                                for i in range(len(table.fields))
                            ],
                        ),
                    ],
                    f"Chỉ số thành phần – {table.group.name}",
                    width=900,
                ),
            }
        )
    body = issuer(round)
    head, locality, place = split_issuer(body)
    return {
        "round": round,
        "groups": groups,
        "decision_line": decision_line(round),
        "issuer": body,
        "place": place,
        "issuer_upper": head.upper(),
        "issuer_place_upper": locality.upper(),
        "groups_text": " và ".join(t.group.name for t in tables),
    }


def render_pdf(round: Round, tables: list[Table], decision: bool = False) -> bytes:
    from weasyprint import HTML

    fonts = font_urls()
    template = "results/pdf/decision.html" if decision else "results/pdf/annex.html"
    with translation.override("vi"):  # the official document: Vietnamese numbers, 78,30
        html = render_to_string(template, {**context(round, tables), "fonts": fonts})
    document = HTML(string=html, url_fetcher=_fetcher(set(fonts.values())))
    return document.write_pdf()
