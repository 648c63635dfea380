"""Reads for results, split by concern:

- `computed` — a round's rankings computed from the scores through the engine (what
  `services.compute_round` stores);
- `stored` — stored results (snapshots): rounds, versions, whole tables for the files;
- `pages` — bounded reads for the pages and the API: one page of a ranking sorted and
  filtered in SQL, each group's top rows, statistics as SQL aggregates, one unit's scorecard.

Every function runs a fixed number of queries however many units and criteria a round has.
Public reads go through `published=True`: only published, current versions of published rounds.
"""

from .computed import round_results, valid_in_year
from .pages import (
    BIN,
    SORT_KEYS,
    Gap,
    Ranking,
    Scorecard,
    Stats,
    biggest_gaps,
    group_tables,
    ranking,
    scorecard,
    statistics,
    tops,
    unit_row,
)
from .stored import (
    CENT,
    FieldInfo,
    LeafLine,
    Row,
    Table,
    engine_structure,
    fields_of,
    get_round,
    mean,
    published_rounds,
    scored_units,
    snapshots,
    tables,
    trend,
    unit_count,
    versions,
)

__all__ = [
    "CENT",
    "BIN",
    "SORT_KEYS",
    "FieldInfo",
    "Gap",
    "LeafLine",
    "Ranking",
    "Row",
    "Scorecard",
    "Stats",
    "Table",
    "biggest_gaps",
    "engine_structure",
    "fields_of",
    "get_round",
    "group_tables",
    "mean",
    "published_rounds",
    "ranking",
    "round_results",
    "scorecard",
    "scored_units",
    "snapshots",
    "statistics",
    "tables",
    "tops",
    "trend",
    "unit_count",
    "unit_row",
    "valid_in_year",
    "versions",
]
