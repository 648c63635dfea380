"""Survey arithmetic, pure (no Django): points from answers, margin of error, sample size.

Points of a unit on a survey sub-criterion, from the valid answers of every question mapped to
it (answers whose option has no weight — "don't know" — are left out):

    points = max × mean weight = max × Σ weight / n

Margin of error at 95% of those points (normal approximation; s is the sample standard
deviation of the weights; no finite-population correction):

    margin = max × 1.96 × s / √n

Required sample for N transactions and margin e (Yamane): n = N / (1 + N·e²), rounded up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

ZERO = Decimal(0)
ONE = Decimal(1)
Z95 = Decimal("1.96")


@dataclass(frozen=True)
class LeafScore:
    points: Decimal  # exact (not rounded)
    max: Decimal
    answers: int  # valid answers counted
    mean: Decimal  # mean weight, 0..1
    margin: Decimal | None  # ± points at 95%; None with fewer than two answers
    spread: Decimal | None = None  # sample standard deviation of the weights (0..1)


def check_weight(weight: Decimal) -> None:
    if not ZERO <= weight <= ONE:
        raise ValueError(f"weight {weight} is not within 0..1")


def score(max_points: Decimal, tally: Mapping[Decimal | None, int]) -> LeafScore | None:
    """Points from a tally {weight: number of answers}; None (don't know) entries are ignored.

    None when there is no valid answer: the sub-criterion then has no survey points at all,
    which is different from 0 points.
    """
    if max_points < 0:
        raise ValueError(f"max {max_points} is negative")
    n = 0
    total = ZERO
    squares = ZERO
    for weight, count in tally.items():
        if weight is None or count == 0:
            continue
        if count < 0:
            raise ValueError(f"count {count} is negative")
        check_weight(weight)
        n += count
        total += weight * count
        squares += weight * weight * count
    if n == 0:
        return None
    # Multiply before dividing: 10 × 853 / 1000 is exactly 8.53.
    points = min(max_points * total / n, max_points)
    mean = total / n
    margin = spread = None
    if n > 1:
        variance = max((squares - total * mean) / (n - 1), ZERO)
        spread = variance.sqrt()
        margin = max_points * Z95 * spread / Decimal(n).sqrt()
    return LeafScore(points=points, max=max_points, answers=n, mean=mean, margin=margin,
                     spread=spread)


def required_sample(population: int, margin: Decimal) -> int:
    """n = N / (1 + N·e²), rounded up (Yamane); 0 for no transactions."""
    if population < 0:
        raise ValueError(f"number of transactions {population} is negative")
    if not ZERO < margin < ONE:
        raise ValueError(f"margin of error {margin} is not within 0..1")
    if population == 0:
        return 0
    n = Decimal(population) / (1 + population * margin * margin)
    return int(n.to_integral_value(rounding=ROUND_CEILING))


def merge_tallies(tallies: Iterable[Mapping[Decimal | None, int]]) -> dict[Decimal | None, int]:
    """Pool the tallies of several questions (or groups) that feed the same sub-criterion."""
    pooled: dict[Decimal | None, int] = {}
    for tally in tallies:
        for weight, count in tally.items():
            pooled[weight] = pooled.get(weight, 0) + count
    return pooled
