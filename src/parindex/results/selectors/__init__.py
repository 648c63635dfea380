"""Reads for results, split by concern:

- `computed` — a round's rankings computed from the scores through the engine (what
  `services.compute_round` stores);
- `stored` — the stored, published results (snapshots) shaped for pages, exports and the API.

Every function runs a fixed number of queries however many units and criteria a round has.
Public reads go through `published=True`: only published, current versions of published rounds.
"""

from .computed import round_results, valid_in_year
from .stored import (
    CENT,
    FieldInfo,
    Gap,
    LeafLine,
    Row,
    Scorecard,
    Table,
    biggest_gaps,
    distribution,
    engine_structure,
    fields_of,
    get_round,
    mean,
    published_rounds,
    scorecard,
    snapshots,
    sort_and_filter,
    tables,
    trend,
    versions,
)

__all__ = [
    "CENT",
    "FieldInfo",
    "Gap",
    "LeafLine",
    "Row",
    "Scorecard",
    "Table",
    "biggest_gaps",
    "distribution",
    "engine_structure",
    "fields_of",
    "get_round",
    "mean",
    "published_rounds",
    "round_results",
    "scorecard",
    "snapshots",
    "sort_and_filter",
    "tables",
    "trend",
    "valid_in_year",
    "versions",
]
