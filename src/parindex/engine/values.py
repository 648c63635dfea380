"""One leaf's value: from the text typed in a scores file to points.

Parsing and scoring are split so that files are checked once (`parse_value`, with messages a
person can act on) and the hot loop of `compute` only maps already-checked values to points.

Parsed values: `NA`; `Decimal` points (points, survey); `bool` (yes_no); the level's label as
declared in the framework (levels); `int` (count); `(numerator, denominator)` Decimals (ratio).

`stored_points` is what a database keeps beside a value so that totals can be summed there:
the leaf's points exactly, at `STORED_PLACES` decimal places, or None when the leaf does not
apply or its points need more places (a proportional ratio such as 2 × 45/47); those leaves are
scored from their value again at compute time.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .framework import ZERO, Node, fmt, label_key, normalize_text


class _NotApplicable:
    """The one 'not applicable' value; a singleton so `value is NA` is the test."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NA"

    def __reduce__(self):
        return (_NotApplicable, ())


NA = _NotApplicable()
STORED_PLACES = 4
_STORED_QUANTUM = Decimal(1).scaleb(-STORED_PLACES)

NA_WORDS = frozenset({"na", "n/a", "kad", "không áp dụng"})
YES_WORDS = frozenset({"yes", "có"})
NO_WORDS = frozenset({"no", "không"})
# "1,5" is how a Vietnamese spreadsheet writes 1.5; one comma between digits only.
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")


def _word(raw: str) -> str:
    return normalize_text(raw).casefold()


def parse_number(raw: str) -> Decimal:
    text = normalize_text(raw)
    if _DECIMAL_COMMA.match(text):
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"'{raw}' is not a number") from None
    if not number.is_finite():
        raise ValueError(f"'{raw}' is not a number")
    return number


def parse_value(leaf: Node, raw: str) -> object:
    """Check and convert one value for `leaf`; ValueError carries the reason, not the place."""
    word = _word(raw)
    if not word:
        raise ValueError("the value is empty")
    if word in NA_WORDS:
        return NA
    kind = leaf.rule.kind

    if kind in ("points", "survey"):
        points = parse_number(raw)
        _check_points(leaf, points)
        return points

    if kind == "yes_no":
        if word in YES_WORDS:
            return True
        if word in NO_WORDS:
            return False
        raise ValueError(f"'{raw}' is not yes/no (write yes, no, có, không or NA)")

    if kind == "levels":
        for level in leaf.rule.levels:
            if label_key(level.label) == word:
                return level.label
        labels = ", ".join(f"'{lv.label}'" for lv in leaf.rule.levels)
        raise ValueError(f"'{raw}' is not a level of '{leaf.code}' (valid: {labels}, NA)")

    if kind == "count":
        count = parse_number(raw)
        if count != count.to_integral_value():
            raise ValueError(f"count {raw.strip()} of '{leaf.code}' is not a whole number")
        if count < 0:
            raise ValueError(f"count {raw.strip()} of '{leaf.code}' is negative")
        return int(count)

    if kind == "ratio":
        parts = raw.split("/")
        if len(parts) != 2:
            raise ValueError(f"'{raw}' is not a ratio: write numerator/denominator, e.g. 45/50")
        try:
            numerator, denominator = parse_number(parts[0]), parse_number(parts[1])
        except ValueError:
            raise ValueError(
                f"'{raw}' is not a ratio: write numerator/denominator, e.g. 45/50"
            ) from None
        if denominator == 0:
            raise ValueError(f"ratio {raw.strip()} of '{leaf.code}' has denominator 0")
        if denominator < 0 or numerator < 0:
            raise ValueError(f"ratio {raw.strip()} of '{leaf.code}' has a negative part")
        return (numerator, denominator)

    raise ValueError(f"'{leaf.code}' has an unknown rule kind '{kind}'")


def _check_points(leaf: Node, points: Decimal) -> None:
    if points < 0:
        raise ValueError(f"{fmt(points)} is below 0 for '{leaf.code}'")
    if points > leaf.max:
        raise ValueError(f"{fmt(points)} is above the max {fmt(leaf.max)} of '{leaf.code}'")


def leaf_points(leaf: Node, value: object) -> Decimal | None:
    """Points earned on `leaf` for a parsed value; None when the leaf does not apply.

    Values that could not have come from `parse_value` raise ValueError: the web app feeds
    stored values here too, and a wrong number must never be silently clamped.
    """
    if value is NA:
        return None
    rule = leaf.rule
    kind = rule.kind
    if kind in ("points", "survey"):
        if isinstance(value, bool) or not isinstance(value, Decimal | int):
            raise ValueError(f"{value!r} is not a number of points for '{leaf.code}'")
        points = Decimal(value)
        _check_points(leaf, points)
        return points
    if kind == "yes_no":
        if not isinstance(value, bool):
            raise ValueError(f"{value!r} is not yes/no for '{leaf.code}'")
        return leaf.max if value else ZERO
    if kind == "levels":
        key = label_key(value) if isinstance(value, str) else None
        for level in rule.levels:
            if label_key(level.label) == key:
                return leaf.max * level.fraction
        raise ValueError(f"{value!r} is not a level of '{leaf.code}'")
    if kind == "count":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{value!r} is not a count for '{leaf.code}'")
        return min(value * rule.per_item, leaf.max)
    if kind == "ratio":
        numerator, denominator = value
        if denominator <= 0 or numerator < 0:
            raise ValueError(f"{value!r} is not a ratio for '{leaf.code}'")
        if rule.proportional:
            if numerator >= denominator:
                return leaf.max
            return leaf.max * numerator / denominator
        # Compare without dividing, so 95/100 meets a 0.95 band exactly.
        for band in rule.bands:
            if numerator >= band.min * denominator:
                return leaf.max * band.fraction
        return ZERO
    raise ValueError(f"'{leaf.code}' has an unknown rule kind '{kind}'")



def stored_points(leaf: Node, value: object) -> Decimal | None:
    """The leaf's points for a parsed value as a database stores them: exact, with
    STORED_PLACES decimal places; None when not applicable or not exact at that scale."""
    points = leaf_points(leaf, value)
    if points is None:
        return None
    stored = points.quantize(_STORED_QUANTUM)
    return stored if stored == points else None
