"""Proposal rules: which collectives a campaign proposes from a round's results.

Pure Python, no Django: a campaign's rules (data the manager edits) and the ranked units of a
round go in, the proposed collectives with the reason for each come out. Rules are combined
with "or": a unit that meets several rules is proposed once, with every rule it met.

Rule kinds
- ``top``: units ranked in the top N of a unit group (ties share a rank, so ties at the
  boundary are all in: "top 3" over ranks 1, 2, 3, 3 proposes four units);
- ``band``: units whose band (xếp loại) is the given one, e.g. ``tot``;
- ``min_index``: units whose published index (two places) is at least the threshold.

A rule may name a unit group; without one it applies to every group.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

KINDS = ("top", "band", "min_index")
CENT = Decimal("0.01")
HUNDRED = Decimal(100)

# The forms of award and who may give them (Law on Emulation and Commendation 2022, art. 74–77):
# the province chairman gives a certificate of merit (bằng khen); the chairman of a district or
# commune People's Committee and the director of a provincial department give a giấy khen.
# This is the default form of each awarder; what a body may give on a given date is data
# (`models.AwardingPower`), checked for campaigns with an awarding authority.
GIAY_KHEN = "giay_khen"
BANG_KHEN = "bang_khen"
AWARD_FORMS = (GIAY_KHEN, BANG_KHEN)
AWARDER_FORMS = {
    "province_chairman": BANG_KHEN,
    "district_chairman": GIAY_KHEN,
    "commune_chairman": GIAY_KHEN,
    "department_director": GIAY_KHEN,
}


def award_form_for(awarder_kind: str) -> str:
    """The form of award the awarder gives; a clear error for an unknown awarder."""
    try:
        return AWARDER_FORMS[awarder_kind]
    except KeyError:
        raise ValueError(f"unknown awarder '{awarder_kind}'") from None


@dataclass(frozen=True)
class Rule:
    kind: str
    group: str = ""
    top: int | None = None
    band: str = ""
    min_index: Decimal | None = None

    def errors(self) -> list[str]:
        """Every problem of the rule, as messages; empty when the rule can be applied."""
        problems = []
        if self.kind not in KINDS:
            return [f"unknown rule kind '{self.kind}' (expected one of {', '.join(KINDS)})"]
        if self.kind == "top" and (self.top is None or self.top < 1):
            problems.append("a 'top' rule needs N of at least 1")
        if self.kind == "band" and not self.band.strip():
            problems.append("a 'band' rule needs the band's code")
        if self.kind == "min_index":
            if self.min_index is None:
                problems.append("a 'min_index' rule needs a threshold")
            elif not Decimal(0) <= self.min_index <= HUNDRED:
                problems.append("the index threshold must be between 0 and 100")
        return problems

    def matches(self, candidate: Candidate) -> bool:
        if self.group and candidate.group != self.group:
            return False
        if self.kind == "top":
            return self.top is not None and candidate.rank <= self.top
        if self.kind == "band":
            return candidate.band is not None and candidate.band == self.band
        if self.kind == "min_index":
            return self.min_index is not None and published(candidate.index) >= self.min_index
        return False


@dataclass(frozen=True)
class Candidate:
    """One ranked unit of a round, as the rules see it."""

    unit_code: str
    unit_name: str
    group: str
    rank: int
    index: Decimal
    band: str | None = None
    group_size: int = 0


@dataclass(frozen=True)
class Proposal:
    unit_code: str
    unit_name: str
    group: str
    rank: int
    index: Decimal  # as published: two places, half-up
    band: str | None
    group_size: int
    rules: tuple[int, ...] = field(default=())  # positions (0-based) of the rules met


def published(index: Decimal) -> Decimal:
    return Decimal(index).quantize(CENT, rounding=ROUND_HALF_UP)


def check(rules: Iterable[Rule]) -> list[str]:
    """Every problem of every rule, each prefixed with the rule's number (1-based)."""
    return [f"rule {n}: {problem}" for n, rule in enumerate(rules, 1) for problem in rule.errors()]


def propose(rules: Sequence[Rule], candidates: Iterable[Candidate]) -> list[Proposal]:
    """The units met by at least one rule, once each, ordered by group, rank, then code.

    Raises ValueError listing every problem when a rule is malformed.
    """
    problems = check(rules)
    if problems:
        raise ValueError("; ".join(problems))
    chosen: dict[tuple[str, str], Proposal] = {}
    for candidate in candidates:
        met = tuple(n for n, rule in enumerate(rules) if rule.matches(candidate))
        if not met:
            continue
        key = (candidate.group, candidate.unit_code)
        if key in chosen:  # the same unit twice in one group: keep it once
            continue
        chosen[key] = Proposal(
            unit_code=candidate.unit_code,
            unit_name=candidate.unit_name,
            group=candidate.group,
            rank=candidate.rank,
            index=published(candidate.index),
            band=candidate.band,
            group_size=candidate.group_size,
            rules=met,
        )
    return sorted(chosen.values(), key=lambda p: (p.group, p.rank, p.unit_code))


def identity_key(kind: str, name: str, unit: str = "") -> str:
    """The key under which one person or collective is recognised in a campaign.

    Case, spacing and Unicode composition are ignored (NFC, casefold, single spaces), while
    diacritics are kept: "Nguyễn Văn An" and "Nguyễn Văn Ân" are different people. A person is
    recognised by name and the unit they work in; a collective by its name (a registered unit's
    name when it is one), so a unit typed by hand meets the same unit proposed from results.
    """
    def norm(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text or "").casefold().split())

    if kind not in ("individual", "collective"):
        raise ValueError(f"unknown nominee kind '{kind}'")
    prefix = "i" if kind == "individual" else "c"
    return f"{prefix}|{norm(name)}|{norm(unit)}"
