"""PDF documents typeset by Typst: the results annex, and the draft decision approving and
publishing the index followed by its annex.

Why Typst (the `typst` wheel: the compiler itself, no other dependency) and not WeasyPrint:
at 5,000 units the annex took 176 s in WeasyPrint (CSS table layout 74 s, painting 52 s,
styles 20 s) and a simplified table was still ~14 ms a row; Typst typesets the same table in a
few seconds, its header repeated on every page. ReportLab was as fast, but the charts are SVG
(the same markup as on the pages, see `charts`), which Typst embeds as it is.

Invariants:
- everything printed is passed as one JSON input (`sys.inputs.data`) that the templates read
  with `json(...)`: text from the database is data, never Typst markup, so no unit name can
  run code; numbers are formatted here, in Vietnamese (78,30), from the Decimals;
- only the vendored Liberation Serif (metric-compatible with Times New Roman, with every
  Vietnamese glyph) is used and embedded: system fonts are ignored, so the output is the same on
  every machine; nothing is fetched (no Typst packages), files are read only under the
  templates' folder;
- the ranking chart draws one bar per unit: it is printed for groups of up to CHART_UNITS units
  (beyond that it neither fits a page nor can be read, and the table says it all);
- PDF accessibility tags are off: with them the 5,000-unit annex weighs 15 MB instead of 0.5 MB.

Templates live in results/templates/results/pdf/*.typ so an office can adjust them (a project
template directory holding results/pdf/annex.typ overrides the app's folder).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template import engines
from django.template.utils import get_app_template_dirs
from django.utils import translation

from parindex.assessments.models import Round
from parindex.dates import long_date

from . import charts
from .exports import (
    ROBUSTNESS_ESTIMATED,
    ROBUSTNESS_NOTE,
    ROMAN,
    decision_line,
    illustrative_note,
    issuer,
)
from .selectors import Table, analysis
from .templatetags.points import points
from .whiskers import whiskers

FONT_DIR = "fonts/liberation-serif-2.1.5"
CHART_UNITS = 60
LOCALITIES = ("tỉnh ", "thành phố ", "huyện ", "thị xã ", "xã ", "phường ")


def font_dir() -> Path:
    path = finders.find(f"{FONT_DIR}/LiberationSerif-Regular.ttf")
    if path is None:
        raise FileNotFoundError(f"{FONT_DIR} is missing from the static files")
    return Path(path).parent


def template_dir() -> Path:
    """The first template folder holding results/pdf/annex.typ: a project's, then the app's."""
    dirs = [*engines["django"].engine.dirs, *get_app_template_dirs("templates")]
    for base in dirs:
        folder = Path(base) / "results" / "pdf"
        if (folder / "annex.typ").is_file():
            return folder
    raise FileNotFoundError("results/pdf/annex.typ is in no template directory")


def split_issuer(name: str) -> tuple[str, str, str]:
    """'Ủy ban nhân dân tỉnh Gia Lai' → ('Ủy ban nhân dân', 'tỉnh Gia Lai', 'Gia Lai')."""
    found = [(name.find(word), word) for word in LOCALITIES if word in name]
    if not found:
        return name, "", name
    at, word = min(found)
    return name[:at].strip(), name[at:], name[at + len(word) :]


def _group(number: int, table: Table) -> dict:
    """One group's annex: its ranking rows as text cells, its legend and charts."""
    rows = table.rows
    fields = table.fields
    best = [
        max((r.fields[i]["index"] for r in rows if r.fields[i]), default=None)
        for i in range(len(fields))
    ]
    name = table.group.name
    return {
        "name": name,
        "name_upper": name.upper(),
        "numeral": ROMAN[number] if number < len(ROMAN) else str(number + 1),
        "count": len(rows),
        "average": points(table.average_index()),
        "first_name": rows[0].unit_name if rows else "",
        "first_index": points(rows[0].index) if rows else "",
        "last_name": rows[-1].unit_name if rows else "",
        "last_index": points(rows[-1].index) if rows else "",
        "fields": [{"code": f.code, "title": f.title, "max": points(f.max)} for f in fields],
        "rows": [_row(position, row) for position, row in enumerate(rows, start=1)],
        "ranking_chart": str(
            charts.ranking_bars(
                [(r.unit_name, r.index) for r in rows], f"Chỉ số CCHC – {name}", width=900
            )
        )
        if len(rows) <= CHART_UNITS
        else "",
        "field_chart": str(
            charts.field_bars(
                [(f.code, f.title) for f in fields],
                [("Bình quân", table.field_averages()), ("Cao nhất", best)],
                f"Chỉ số thành phần – {name}",
                width=900,
            )
        ),
    }


def _row(position: int, row) -> list[str]:
    cells = [str(position), row.unit_name]
    cells += [points(cell["achieved"]) if cell else "NA" for cell in row.fields]
    return cells + [points(row.achieved), points(row.index), str(row.rank), row.band_label]


def _date_line(round: Round) -> str:
    d = round.published_on
    if d is None:
        return f"ngày      tháng      năm {round.year + 1}"
    return long_date(d)


def context(round: Round, tables: list[Table]) -> dict:
    """Everything the documents print, as JSON-ready text."""
    body = issuer(round)
    head, locality, place = split_issuer(body)
    organiser = round.organiser.name if round.organiser_id else ""
    return {
        "title": f"Chỉ số cải cách hành chính năm {round.year}",
        "year": str(round.year),
        "decision_line": decision_line(round),
        "illustrative": illustrative_note(round),
        "number": round.decision_number or "\u00a0" * 6 + "/QĐ-UBND",
        "date_line": _date_line(round),
        "issuer": body,
        "place": place,
        "issuer_upper": head.upper(),
        "issuer_place_upper": locality.upper(),
        "organiser": organiser or "cơ quan tổ chức đánh giá",
        "proposer": f"Giám đốc {organiser}" if organiser else "cơ quan tổ chức đánh giá",
        "frameworks": [t.framework.name for t in tables],
        "groups_text": " và ".join(t.group.name for t in tables),
        "chart_units": str(CHART_UNITS),
        "groups": [_group(number, table) for number, table in enumerate(tables)],
        **_robustness(tables),
    }


def _robustness(tables: list[Table]) -> dict:
    """The appendix on how sure the ranks are (results/pdf/_robustness.typ): per group, each
    unit's rank, its 5–95% interval under the survey's sampling error, the chance of first
    place, its ranks under other weights, and the whisker chart (up to CHART_UNITS units)."""
    groups, estimated = [], False
    for table in tables:
        found = analysis.robustness(table.snapshot)
        estimated = estimated or found.estimated
        spreads = found.uncertainty.spreads
        rows = []
        for s in spreads:
            shift = found.shift(s.code)
            rows.append([
                found.names.get(s.code, s.code), str(s.rank), f"{s.low}–{s.high}", str(s.median),
                points(s.first * 100), ", ".join(found.names.get(c, c) for c in s.neighbours),
                f"{shift.best}–{shift.worst}",
            ])
        chart = whiskers([(found.names.get(s.code, s.code), s) for s in spreads], len(spreads),
                         f"Thứ hạng và khoảng 5–95% – {table.group.name}", width=900)
        groups.append({"name": table.group.name, "rows": rows,
                       "chart": str(chart) if 0 < len(spreads) <= CHART_UNITS else ""})
    return {"robustness": groups, "robustness_note": ROBUSTNESS_NOTE,
            "robustness_estimated": ROBUSTNESS_ESTIMATED if estimated else ""}


def render_pdf(round: Round, tables: list[Table], decision: bool = False) -> bytes:
    import typst  # imported late: the compiler loads only when a PDF is asked for

    folder = template_dir()
    with translation.override("vi"):  # the official document: Vietnamese numbers, 78,30
        data = json.dumps(context(round, tables), ensure_ascii=False)
    return typst.compile(
        str(folder / ("decision.typ" if decision else "annex.typ")),
        root=str(folder),
        font_paths=[str(font_dir())],
        ignore_system_fonts=True,
        sys_inputs={"data": data},
        pdf_tags=False,
    )
