"""Formula injection: the one helper, and the engine's own result and framework writers."""

import csv
import io
from decimal import Decimal

import openpyxl
from hypothesis import given
from hypothesis import strategies as st

from parindex.engine.cells import FORMULA_START, csv_cell, xlsx_row
from parindex.engine.compute import UnitInfo, compute
from parindex.engine.framework import framework_from_dict, framework_to_dict
from parindex.engine.io import load_framework, render_results, write_framework_xlsx
from tests.spreadsheets import HOSTILE, assert_csv_safe, assert_xlsx_safe

from .helpers import field, leaf, make

FW = make([field("1", leaf("1.1", 2), leaf("1.2", 1, "yes_no"))])


@given(st.text())
def test_a_csv_cell_never_starts_like_a_formula_and_keeps_its_text(text):
    cell = csv_cell(text)
    assert cell == text or cell == "'" + text
    if cell.startswith(FORMULA_START):
        assert Decimal(cell) == Decimal(text)  # a plain number, left as it is


@given(st.text(min_size=1).filter(lambda t: "\x00" not in t and t.isprintable()))
def test_xlsx_text_reads_back_exactly_and_never_as_a_formula(text):
    book = openpyxl.Workbook()
    book.active.append(xlsx_row(book.active, [text, Decimal("-1.25"), -3]))
    buffer = io.BytesIO()
    book.save(buffer)
    cells = next(openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows())
    assert [c.value for c in cells] == [text, Decimal("-1.25"), -3]
    assert cells[0].data_type == "s" and cells[1].data_type == "n"


def test_results_csv_and_xlsx_neutralise_unit_names():
    units = [UnitInfo(f"U{i}", name, "huyen") for i, name in enumerate(HOSTILE)]
    results = compute(FW, {u.code: {"1.1": Decimal("1.5"), "1.2": True} for u in units}, units)
    assert_csv_safe(render_results(results, "csv"), HOSTILE)
    assert_xlsx_safe(render_results(results, "xlsx"), HOSTILE)
    first = list(csv.reader(io.StringIO(render_results(results, "csv"))))[1]
    assert first[3:6] == ["2.50", "3.00", "83.33"]  # numbers stay plain numbers


def test_framework_xlsx_with_hostile_titles_reads_back_identically(tmp_path):
    data = framework_to_dict(FW)
    data["name"] = HOSTILE[0]
    data["nodes"][0]["title"] = HOSTILE[1]
    data["nodes"][0]["children"][0]["guide"] = HOSTILE[2]
    fw = framework_from_dict(data)
    write_framework_xlsx(fw, tmp_path / "fw.xlsx")
    assert_xlsx_safe((tmp_path / "fw.xlsx").read_bytes(), HOSTILE[:3])
    assert load_framework(tmp_path / "fw.xlsx") == fw
