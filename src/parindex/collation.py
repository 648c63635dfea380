"""Vietnamese alphabetical order, the same in Python and in SQL.

Vietnamese sorts by letters first — a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y —
then by tones (none, huyền, hỏi, ngã, sắc, nặng), then by case: "Chư Păh" < "Chư Prông",
"Đức Cơ" after every "D…" and before "E…". That is CLDR's `vi` collation, which PostgreSQL
built with ICU offers as "vi-x-icu".

Python side: PyICU would be the natural choice but has no wheel here (it builds against the
system's ICU), so the key is built on `pyuca` — pure Python, the Unicode Collation Algorithm
with its default table (DUCET) — plus the CLDR `vi` tailoring on top. The DUCET alone is not
enough: it treats ă â ê ô ơ ư and (in pyuca's table) đ as accents on a, e, o, u, d, so "ăn"
would sort before "az"; here they are letters of their own, right after their base letter,
and the five tone marks compare after the letters, in CLDR's order. Everything else (digits,
punctuation, other scripts, other accents) keeps the DUCET's weights. The tests check the
helper against PostgreSQL's "vi-x-icu" when that is the database.

SQL side: `collated(expression)` — on PostgreSQL the ICU collation, on SQLite the collation
"vi" registered on every new connection with this module's key, elsewhere the expression as
it is.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db import connection as default_connection
from django.db.models import Expression, F
from django.db.models.functions import Collate
from pyuca import Collator

T = TypeVar("T")

POSTGRESQL_COLLATION = "vi-x-icu"
SQLITE_COLLATION = "vi"

# CLDR vi: &A<ă<â &D<đ &E<ê &O<ô<ơ &U<ư — a letter of its own after its base letter.
_LETTERS = {"ă": ("a", 1), "â": ("a", 2), "đ": ("d", 1), "ê": ("e", 1),
            "ô": ("o", 1), "ơ": ("o", 2), "ư": ("u", 1)}
# CLDR vi: &̀<<̉<<̃<<́<<̣ — huyền, hỏi, ngã, sắc, nặng, after no tone.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

_collator = Collator()


@functools.lru_cache(maxsize=4096)
def _weights(letter: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """pyuca's primary, secondary and tertiary weights of one letter (no Vietnamese marks)."""
    flat = _collator.sort_key(letter)
    levels: list[list[int]] = [[], [], []]
    level = 0
    for weight in flat:
        if weight == 0:
            level += 1
            if level == 3:
                break
        else:
            levels[level].append(weight)
    return tuple(levels[0]), tuple(levels[1]), tuple(levels[2])


def _clusters(text: str) -> Iterable[tuple[str, str]]:
    """(base character, its combining marks) for each character of `text` (NFD)."""
    base, marks = "", ""
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and base:
            marks += ch
            continue
        if base:
            yield base, marks
        base, marks = ch, ""
    if base:
        yield base, marks


@functools.lru_cache(maxsize=65536)
def sort_key(text: str) -> tuple:
    """The Vietnamese sort key of `text`: letters, then tones and other accents, then case."""
    primary: list[tuple[int, int]] = []
    secondary: list[tuple[int, ...]] = []
    tertiary: list[tuple[int, ...]] = []
    for base, marks in _clusters(text):
        tone = sum(_TONES.get(m, 0) for m in marks)
        letter = unicodedata.normalize("NFC", base + "".join(m for m in marks if m not in _TONES))
        plain, rank = _LETTERS.get(letter.lower(), (letter, 0))
        if rank:
            plain = plain.upper() if letter.isupper() else plain
        p, s, t = _weights(plain)
        if p:
            primary.extend((w, 0) for w in p[:-1])
            primary.append((p[-1], rank))
        secondary.append((tone, *s))
        tertiary.append(t)
    return tuple(primary), tuple(secondary), tuple(tertiary), unicodedata.normalize("NFC", text)


def sorted_vi(items: Iterable[T], key: Callable[[T], str] = str, reverse: bool = False) -> list[T]:
    """`items` in Vietnamese order of `key(item)` (by default the item's text)."""
    return sorted(items, key=lambda item: sort_key(key(item)), reverse=reverse)


def compare(a: str, b: str) -> int:
    """-1, 0 or 1 as `a` sorts before, with or after `b` (SQLite's collation callback)."""
    ka, kb = sort_key(a), sort_key(b)
    return (ka > kb) - (ka < kb)


def collated(expression: str | Expression, connection=default_connection) -> Expression:
    """`expression` (a field name or expression) under the Vietnamese collation of the
    database, for order_by: ICU's on PostgreSQL, ours on SQLite."""
    expression = F(expression) if isinstance(expression, str) else expression
    if connection.vendor == "postgresql":
        return Collate(expression, POSTGRESQL_COLLATION)
    if connection.vendor == "sqlite":
        return Collate(expression, SQLITE_COLLATION)
    return expression


def register(sender, connection, **kwargs) -> None:
    """connection_created receiver: teach each new SQLite connection the "vi" collation."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_COLLATION, compare)
