"""Small frameworks, units and score files for the database tests (no demo data needed)."""

from __future__ import annotations

import csv
from pathlib import Path

from parindex.engine.framework import framework_from_dict

BANDS = [
    {"code": "tot", "label": "Tốt", "min": 80},
    {"code": "kha", "label": "Khá", "min": 70},
    {"code": "yeu", "label": "Yếu", "min": 0},
]


def mini_framework_dict(code="mini-huyen-2021", group="huyen", year=2021, fields=2) -> dict:
    """Every rule kind, a bonus and a penalty block; `fields` ordinary fields of 4 leaves."""
    nodes = []
    for f in range(1, fields + 1):
        nodes.append(
            {
                "code": str(f),
                "title": f"Lĩnh vực {f}",
                "children": [
                    {
                        "code": f"{f}.1",
                        "title": "Ban hành kế hoạch",
                        "max": 1,
                        "rule": {"kind": "yes_no"},
                        "guide": "Có kế hoạch trước 31/12",
                    },
                    {
                        "code": f"{f}.2",
                        "title": "Mức độ hoàn thành",
                        "max": 2,
                        "rule": {
                            "kind": "levels",
                            "levels": [
                                {"label": "100%", "fraction": 1},
                                {"label": "80-<100%", "fraction": 0.5},
                                {"label": "<80%", "fraction": 0},
                            ],
                        },
                    },
                    {
                        "code": f"{f}.3",
                        "title": "Tỷ lệ đúng hạn",
                        "children": [
                            {
                                "code": f"{f}.3.1",
                                "title": "Hồ sơ đúng hạn",
                                "max": 2.5,
                                "rule": {
                                    "kind": "ratio",
                                    "bands": [
                                        {"min": 1, "fraction": 1},
                                        {"min": 0.95, "fraction": 0.5},
                                        {"min": 0, "fraction": 0},
                                    ],
                                },
                            },
                            {
                                "code": f"{f}.3.2",
                                "title": "Điểm chấm",
                                "max": 1.25,
                                "rule": {"kind": "points"},
                            },
                        ],
                    },
                ],
            }
        )
    nodes.append(
        {
            "code": "T",
            "title": "Điểm thưởng",
            "kind": "bonus",
            "children": [
                {
                    "code": "T.1",
                    "title": "Sáng kiến",
                    "max": 1,
                    "rule": {"kind": "count", "per_item": 0.5},
                }
            ],
        }
    )
    nodes.append(
        {
            "code": "P",
            "title": "Điểm phạt",
            "kind": "penalty",
            "children": [{"code": "P.1", "title": "Vi phạm", "max": 2, "rule": {"kind": "points"}}],
        }
    )
    return {
        "code": code,
        "name": f"Bộ chỉ số {code}",
        "year": year,
        "unit_group": group,
        "ranking": "competition",
        "bands": BANDS,
        "nodes": nodes,
    }


def mini_framework(**kwargs):
    return framework_from_dict(mini_framework_dict(**kwargs))


UNIT_COLUMNS = [
    "code",
    "name",
    "unit_group",
    "parent_code",
    "kind",
    "valid_from",
    "valid_to",
    "predecessors",
]


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_units(path: Path, rows: list[dict]) -> Path:
    return write_csv(path, UNIT_COLUMNS, rows)


def district_rows(n: int, group="huyen", prefix="H") -> list[dict]:
    return [
        {"code": "GL", "name": "UBND tỉnh Gia Lai", "unit_group": "tinh"},
        *(
            {
                "code": f"{prefix}{i:02d}",
                "name": f"UBND huyện {i}",
                "unit_group": group,
                "parent_code": "GL",
                "kind": "huyen",
            }
            for i in range(1, n + 1)
        ),
    ]


SCORE_COLUMNS = ["unit_code", "criterion_code", "value", "stage", "note"]

# One plausible value per leaf of mini_framework (fields=2).
GOOD_VALUES = {
    "1.1": "yes",
    "1.2": "80-<100%",
    "1.3.1": "96/100",
    "1.3.2": "1",
    "2.1": "không",
    "2.2": "100%",
    "2.3.1": "NA",
    "2.3.2": "1,25",
    "T.1": "3",
    "P.1": "0.5",
}


def score_rows(unit_codes, values=None, stage="appraised") -> list[dict]:
    values = values or GOOD_VALUES
    return [
        {"unit_code": unit, "criterion_code": leaf, "value": value, "stage": stage, "note": ""}
        for unit in unit_codes
        for leaf, value in values.items()
    ]


def write_scores(path: Path, rows: list[dict]) -> Path:
    return write_csv(path, SCORE_COLUMNS, rows)

