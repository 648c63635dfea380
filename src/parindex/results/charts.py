"""Server-rendered SVG charts: the same markup on the page and in the PDF (WeasyPrint renders
SVG), crisp in print, no JavaScript. Every bar and point carries its value as text, so the
charts stay readable in black and white.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

from .templatetags.points import points as fmt_points

INK = "#1b1f24"
MUTED = "#6b7280"
GRID = "#d7dce1"
SERIES = ["#1f5aa6", "#9aa5b1", "#2e7d32", "#b45309", "#7c3aed"]
DASHES = ["", "6 3", "2 3", "8 3 2 3", "1 2"]
FONT = "'Liberation Serif', 'Times New Roman', Times, serif"


def _n(value) -> float:
    """Decimal → float for coordinates only (never for a number that is shown)."""
    return float(value or 0)


def _text(x, y, text, size=11, anchor="start", weight="normal", fill=INK, extra="") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'font-weight="{weight}" fill="{fill}"{extra}>{escape(str(text))}</text>'
    )


def _svg(width: float, height: float, body: list[str], label: str, font: str) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-label="{escape(label)}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" font-family="{escape(font)}">'
        f"<title>{escape(label)}</title>{''.join(body)}</svg>"
    )


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def ranking_bars(
    items: Sequence[tuple[str, Decimal]],
    label: str,
    highlight: str | None = None,
    fmt: Callable = fmt_points,
    font: str = FONT,
    width: int = 720,
) -> SafeString:
    """Horizontal bars, one per unit in the given order, index on a 0–100 scale."""
    bar, gap, left, right, top = 14, 5, 230, 56, 22
    height = top + len(items) * (bar + gap) + 24
    plot = width - left - right
    body = []
    for tick in range(0, 101, 20):
        x = left + plot * tick / 100
        body.append(
            f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 20}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(_text(x, height - 6, tick, 10, "middle", fill=MUTED))
    for i, (name, value) in enumerate(items):
        y = top + i * (bar + gap)
        w = plot * _n(value) / 100
        colour = SERIES[3] if name == highlight else SERIES[0]
        body.append(_text(left - 6, y + bar - 3, _shorten(name, 36), 11, "end"))
        body.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar}" fill="{colour}"/>')
        body.append(_text(left + w + 4, y + bar - 3, fmt(value), 10))
    return _svg(width, height, body, label, font)


def field_bars(
    fields: Sequence[tuple[str, str]],
    series: Sequence[tuple[str, Sequence[Decimal | None]]],
    label: str,
    fmt: Callable = fmt_points,
    font: str = FONT,
    width: int = 720,
) -> SafeString:
    """Component index per field (0–100), one bar per series (unit, average, best…)."""
    bar, left, right, top = 11, 230, 56, 30
    group_h = len(series) * (bar + 2) + 10
    height = top + len(fields) * group_h + 22
    plot = width - left - right
    body = []
    x = left
    for s, (name, _values) in enumerate(series):  # legend
        body.append(f'<rect x="{x}" y="6" width="12" height="10" fill="{SERIES[s]}"/>')
        body.append(_text(x + 16, 15, name, 11))
        x += 24 + 7 * len(name)
    for tick in range(0, 101, 20):
        tx = left + plot * tick / 100
        body.append(
            f'<line x1="{tx:.1f}" y1="{top - 4}" x2="{tx:.1f}" y2="{height - 18}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(_text(tx, height - 5, tick, 10, "middle", fill=MUTED))
    for i, (code, title) in enumerate(fields):
        y0 = top + i * group_h
        body.append(_text(left - 6, y0 + bar, _shorten(f"{code}. {title}", 38), 11, "end"))
        for s, (_name, values) in enumerate(series):
            value = values[i]
            y = y0 + s * (bar + 2)
            if value is None:
                body.append(_text(left + 4, y + bar - 2, "–", 10, fill=MUTED))
                continue
            w = plot * _n(value) / 100
            body.append(
                f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar}" fill="{SERIES[s]}"/>'
            )
            body.append(_text(left + w + 4, y + bar - 2, fmt(value), 9))
    return _svg(width, height, body, label, font)


def trend_lines(
    years: Sequence[int | str],
    series: Sequence[tuple[str, Sequence[Decimal | None]]],
    label: str,
    fmt: Callable = fmt_points,
    font: str = FONT,
    width: int = 720,
    height: int = 240,
) -> SafeString:
    """Index by year (0–100 scale zoomed to the data), one line per series, values labelled."""
    left, right, top, bottom = 44, 24, 28, 28
    values = [_n(v) for _name, vs in series for v in vs if v is not None]
    low = max(0, (min(values, default=0) // 10) * 10 - 10) if values else 0
    high = 100
    plot_w, plot_h = width - left - right, height - top - bottom

    def px(i):
        return left + (plot_w * (i + 0.5) / max(len(years), 1))

    def py(v):
        return top + plot_h * (1 - (_n(v) - low) / (high - low or 1))

    body = []
    for tick in range(int(low), 101, 10):
        y = py(tick)
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(_text(left - 6, y + 4, tick, 10, "end", fill=MUTED))
    for i, year in enumerate(years):
        body.append(_text(px(i), height - 8, year, 11, "middle"))
    x = left
    for s, (name, vs) in enumerate(series):
        colour, dash = SERIES[s % len(SERIES)], DASHES[s % len(DASHES)]
        body.append(
            f'<line x1="{x}" y1="12" x2="{x + 18}" y2="12" stroke="{colour}" '
            f'stroke-width="2.5" stroke-dasharray="{dash}"/>'
        )
        body.append(_text(x + 22, 16, name, 11))
        x += 30 + 7 * len(name)
        points = [(px(i), py(v), v) for i, v in enumerate(vs) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{a:.1f},{b:.1f}" for a, b, _v in points)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" '
                f'stroke-width="2.5" stroke-dasharray="{dash}"/>'
            )
        for a, b, v in points:
            body.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="3.5" fill="{colour}"/>')
            body.append(_text(a, b - 8, fmt(v), 10, "middle"))
    return _svg(width, height, body, label, font)


def histogram(
    bins: Sequence[tuple[int, int]],
    step: int,
    label: str,
    font: str = FONT,
    width: int = 540,
    height: int = 240,
) -> SafeString:
    """Count of units per index bin [low, low + step). Drawn narrow with large labels: it
    sits in half the page's width, so that its text reads at the size of the page's."""
    left, right, top, bottom = 12, 12, 24, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((c for _low, c in bins), default=0) or 1
    slot = plot_w / max(len(bins), 1)
    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        f'stroke="{INK}" stroke-width="1"/>'
    ]
    for i, (low, count) in enumerate(bins):
        h = plot_h * count / peak
        x = left + i * slot
        body.append(
            f'<rect x="{x + 3:.1f}" y="{top + plot_h - h:.1f}" width="{slot - 6:.1f}" '
            f'height="{h:.1f}" fill="{SERIES[0]}"/>'
        )
        if count:
            body.append(_text(x + slot / 2, top + plot_h - h - 5, count, 15, "middle",
                              "bold"))
        span = f"{low}–{low + step}" if slot >= 48 else str(low)  # many bins: the low end
        body.append(_text(x + slot / 2, height - 10, span, 14, "middle"))
    return _svg(width, height, body, label, font)
