from datetime import date
from decimal import Decimal as D

import openpyxl
import pytest

from parindex.engine.compute import compute
from parindex.engine.io import (
    InputError,
    load_framework,
    read_scores,
    read_units,
    render_results,
    results_to_dict,
)
from tests.spreadsheets import assert_xlsx_printable

from .helpers import field, leaf, make

FW = make([field("1", leaf("1.1", 2), leaf("1.2", 1, "yes_no"))])


def test_units_csv(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("code,name,unit_group,valid_from,predecessors\n"
                    "A,Xã A,xa,2021-01-01,\n\nB,Xã B,xa,31/12/2021,A; C\n", "utf-8")
    units = read_units(path)
    assert [u.code for u in units] == ["A", "B"]
    assert units[1].valid_from == date(2021, 12, 31) and units[1].predecessors == ("A", "C")


def test_units_errors_name_row_and_column(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("code,name,unit_group,colour\nA,Xã A,xa,x\nA,Xã A2,xa,\n", "utf-8")
    with pytest.raises(InputError) as caught:
        read_units(path)
    assert str(caught.value.errors[0]) == (
        "units.csv:row 1, column colour: unknown column 'colour' (allowed: code, name, "
        "unit_group, parent_code, kind, valid_from, valid_to, predecessors)")
    path.write_text("code,name,unit_group,valid_to\nA,Xã A,xa,2021-13-01\nA,Xã A2,xa,\n", "utf-8")
    with pytest.raises(InputError) as caught:
        read_units(path)
    messages = [str(e) for e in caught.value.errors]
    assert messages == ["units.csv:row 2, column valid_to: '2021-13-01' is not a date "
                        "(write YYYY-MM-DD)",
                        "units.csv:row 3, column code: unit 'A' is already on row 2"]


def test_scores_xlsx_and_duplicates(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [("unit_code", "criterion_code", "value", "stage"), ("A", "1.1", 1.5, None),
                ("A", "1.2", "có", "appraised"), ("A", "1.1", 2, "appraised")]:
        sheet.append(row)
    book.save(tmp_path / "scores.xlsx")
    with pytest.raises(InputError) as caught:
        read_scores(tmp_path / "scores.xlsx", FW)
    assert str(caught.value.errors[0]) == (
        "scores.xlsx:row 4, column criterion_code: unit 'A' already has a appraised value for "
        "'1.1' on row 2")
    sheet.delete_rows(4)
    book.save(tmp_path / "scores.xlsx")
    assert read_scores(tmp_path / "scores.xlsx", FW) == {"A": {"1.1": D("1.5"), "1.2": True}}


def test_too_many_issues_stop(tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text("unit_code,criterion_code,value\n" + "A,9,1\n" * 80, "utf-8")
    with pytest.raises(InputError) as caught:
        read_scores(path, FW)
    assert len(caught.value.errors) == 51 and "stopped after 50" in str(caught.value.errors[-1])


def test_framework_xlsx_errors_name_sheet_row_and_column(tmp_path):
    from parindex.engine.io import write_framework_xlsx

    write_framework_xlsx(FW, tmp_path / "fw.xlsx")
    assert set(assert_xlsx_printable((tmp_path / "fw.xlsx").read_bytes()).values()) == {
        ("$1:$1", "A2")}
    book = openpyxl.load_workbook(tmp_path / "fw.xlsx")
    book["nodes"]["E2"] = 5  # field max 5, children sum 3
    book.save(tmp_path / "fw.xlsx")
    with pytest.raises(Exception) as caught:
        load_framework(tmp_path / "fw.xlsx")
    assert str(caught.value) == ("fw.xlsx: sheet nodes, row 2, column max: node '1': max 5 "
                                 "differs from the sum of its children 3")


def test_results_formats():
    rs = compute(FW, {"Z": {"1.1": D("1.234"), "1.2": True}, "A": {"1.1": D(2)}})
    data = results_to_dict(rs)
    assert data["results"][0]["index"] == "74.47"  # 2.234 / 3 × 100 = 74.466…
    assert data["results"][1]["missing"] == ["1.2"]
    table = render_results(rs, "table")
    assert "Hạng" in table and "Xếp loại" in table and "Thiếu điểm" in table
    assert assert_xlsx_printable(render_results(rs, "xlsx")) == {"results": ("$1:$1", "D2")}
    with pytest.raises(ValueError):
        render_results(rs, "pdf")
