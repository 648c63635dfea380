"""One leaf's value: from the text typed in a scores file to points.

Parsing and scoring are split so that files are checked once (`parse_value`, with messages a
person can act on) and the hot loop of `compute` only maps already-checked values to points.

Parsed values: `NA`; `Decimal` points (points, survey); `bool` (yes_no); the level's label as
declared in the framework (levels); `int` (count); `(numerator, denominator)` Decimals (ratio).

A refused value raises `ValueProblem`, a ValueError whose message is an English message id
with %(name)s parameters: the web and command layers translate it
(`parindex.imports.problem_text`), this module stays free of Django. `value_warnings` lists what
is accepted but probably mistyped (a ratio over 100%, which every ratio rule caps).

`stored_points` is what a database keeps beside a value so that totals can be summed there:
the leaf's points exactly, at `STORED_PLACES` decimal places, or None when the leaf does not
apply or its points need more places (a proportional ratio such as 2 × 45/47); those leaves are
scored from their value again at compute time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .framework import ZERO, Node, fmt, label_key, normalize_text
from .tables import gettext_noop


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


SHOWN_CHARS = 40  # of a typed value quoted in a message: enough to recognise it

EMPTY = gettext_noop("the value is empty")
NOT_A_NUMBER = gettext_noop("'%(value)s' is not a number")
NOT_YES_NO = gettext_noop("'%(value)s' is not yes/no (write yes, no, có, không or NA)")
NOT_A_LEVEL = gettext_noop("'%(value)s' is not a level of '%(code)s' (valid: %(levels)s, NA)")
NOT_WHOLE = gettext_noop("the count %(value)s of '%(code)s' is not a whole number")
NEGATIVE_COUNT = gettext_noop("the count %(value)s of '%(code)s' is negative")
NOT_A_RATIO = gettext_noop(
    "'%(value)s' is not a ratio: write numerator/denominator, e.g. 45/50")
ZERO_DENOMINATOR = gettext_noop("the ratio %(value)s of '%(code)s' has denominator 0")
NEGATIVE_RATIO = gettext_noop("the ratio %(value)s of '%(code)s' has a negative part")
BELOW_ZERO = gettext_noop("%(points)s is below 0 for '%(code)s'")
ABOVE_MAX = gettext_noop("%(points)s is above the max %(max)s of '%(code)s'")
UNKNOWN_KIND = gettext_noop("'%(code)s' has an unknown rule kind '%(kind)s'")
OVER_FULL = gettext_noop(
    "the ratio %(value)s is over 100%% (%(percent)s%%): it counts as 100%%, the maximum; "
    "check the numerator and the denominator")


class ValueProblem(ValueError):
    """A value refused (or, from `value_warnings`, accepted with a warning): `message` is a
    message id, `params` its parameters; numbers in `params` are Decimals so that the reader's
    layer writes them in the reader's format. str() is the English text."""

    def __init__(self, message: str, **params):
        self.message, self.params = message, params
        super().__init__(self.text())

    def text(self, translate: Callable[[str], str] = gettext_noop,
             number: Callable[[Decimal], str] = fmt) -> str:
        shown = {name: number(value) if isinstance(value, Decimal) else value
                 for name, value in self.params.items()}
        return translate(self.message) % shown


def _shown(raw: str) -> str:
    """A typed value as a message quotes it: trimmed, and cut when long."""
    text = str(raw).strip()
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


def _word(raw: str) -> str:
    return normalize_text(raw).casefold()


def parse_number(raw: str) -> Decimal:
    text = normalize_text(raw)
    if _DECIMAL_COMMA.match(text):
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueProblem(NOT_A_NUMBER, value=_shown(raw)) from None
    if not number.is_finite():
        raise ValueProblem(NOT_A_NUMBER, value=_shown(raw))
    return number


def parse_value(leaf: Node, raw: str) -> object:
    """Check and convert one value for `leaf`; ValueProblem carries the reason, not the place."""
    word = _word(raw)
    if not word:
        raise ValueProblem(EMPTY)
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
        raise ValueProblem(NOT_YES_NO, value=_shown(raw))

    if kind == "levels":
        for level in leaf.rule.levels:
            if label_key(level.label) == word:
                return level.label
        labels = ", ".join(f"'{lv.label}'" for lv in leaf.rule.levels)
        raise ValueProblem(NOT_A_LEVEL, value=_shown(raw), code=leaf.code, levels=labels)

    if kind == "count":
        count = parse_number(raw)
        if count != count.to_integral_value():
            raise ValueProblem(NOT_WHOLE, value=_shown(raw), code=leaf.code)
        if count < 0:
            raise ValueProblem(NEGATIVE_COUNT, value=_shown(raw), code=leaf.code)
        return int(count)

    if kind == "ratio":
        parts = raw.split("/")
        if len(parts) != 2:
            raise ValueProblem(NOT_A_RATIO, value=_shown(raw))
        try:
            numerator, denominator = parse_number(parts[0]), parse_number(parts[1])
        except ValueError:
            raise ValueProblem(NOT_A_RATIO, value=_shown(raw)) from None
        if denominator == 0:
            raise ValueProblem(ZERO_DENOMINATOR, value=_shown(raw), code=leaf.code)
        if denominator < 0 or numerator < 0:
            raise ValueProblem(NEGATIVE_RATIO, value=_shown(raw), code=leaf.code)
        return (numerator, denominator)

    raise ValueProblem(UNKNOWN_KIND, code=leaf.code, kind=kind)


def _check_points(leaf: Node, points: Decimal) -> None:
    if points < 0:
        raise ValueProblem(BELOW_ZERO, points=points, code=leaf.code)
    if points > leaf.max:
        raise ValueProblem(ABOVE_MAX, points=points, max=leaf.max, code=leaf.code)


def value_warnings(leaf: Node, value: object) -> list[ValueProblem]:
    """What is accepted in a parsed value but is probably a slip: a ratio over 100% (20/15 where
    15/20 was meant). Every ratio rule caps it at the maximum, so it is kept, with a word."""
    if leaf.rule.kind == "ratio" and isinstance(value, tuple):
        numerator, denominator = value
        if numerator > denominator:
            percent = (numerator * 100 / denominator).quantize(Decimal(1), ROUND_HALF_UP)
            return [ValueProblem(OVER_FULL, value=f"{fmt(numerator)}/{fmt(denominator)}",
                                 percent=percent)]
    return []


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
