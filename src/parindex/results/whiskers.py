"""The whisker chart of a ranking: each unit's published rank with the 5–95% interval of its
rank under the survey's sampling error, server-rendered SVG like `charts` (the same markup on
the page and in print, every mark labelled in text)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.safestring import SafeString

from .charts import FONT, GRID, INK, MUTED, SERIES, _shorten, _svg, _text


def whiskers(items: Sequence[tuple[str, object]], count: int, label: str,
             font: str = FONT, width: int = 720) -> SafeString:
    """One line per (unit name, RankSpread): rank 1 on the left, `count` on the right; the
    whisker spans the interval, a dot marks the median, a diamond the published rank."""
    row, left, right, top = 18, 230, 90, 22
    height = top + len(items) * row + 24
    plot = width - left - right
    last = max(count, 2)

    def x(rank: int) -> float:
        return left + plot * (rank - 1) / (last - 1)

    body = []
    step = max(1, round(last / 10))
    for tick in sorted({1, *range(step, last + 1, step), last}):
        body.append(f'<line x1="{x(tick):.1f}" y1="{top - 6}" x2="{x(tick):.1f}" '
                    f'y2="{height - 20}" stroke="{GRID}" stroke-width="1"/>')
        body.append(_text(x(tick), height - 6, tick, 10, "middle", fill=MUTED))
    for i, (name, spread) in enumerate(items):
        y = top + i * row + row / 2
        body.append(_text(left - 6, y + 4, _shorten(name, 36), 11, "end"))
        body.append(f'<line x1="{x(spread.low):.1f}" y1="{y:.1f}" x2="{x(spread.high):.1f}" '
                    f'y2="{y:.1f}" stroke="{SERIES[0]}" stroke-width="3"/>')
        for end in (spread.low, spread.high):
            body.append(f'<line x1="{x(end):.1f}" y1="{y - 5:.1f}" x2="{x(end):.1f}" '
                        f'y2="{y + 5:.1f}" stroke="{SERIES[0]}" stroke-width="2"/>')
        body.append(f'<circle cx="{x(spread.median):.1f}" cy="{y:.1f}" r="3.5" '
                    f'fill="{SERIES[1]}"/>')
        cx = x(spread.rank)
        body.append(f'<path d="M{cx:.1f} {y - 5:.1f} L{cx + 5:.1f} {y:.1f} L{cx:.1f} '
                    f'{y + 5:.1f} L{cx - 5:.1f} {y:.1f} Z" fill="{INK}"/>')
        interval = (str(spread.rank) if spread.low == spread.high
                    else f"{spread.rank} ({spread.low}–{spread.high})")
        body.append(_text(left + plot + 8, y + 4, interval, 10))
    return _svg(width, height, body, label, font)
