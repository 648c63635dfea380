"""The Excel annex: the demo's published numbers, as real numbers with two decimals."""

import io

import openpyxl
import pytest
from django.urls import reverse

from . import factories as f

pytestmark = pytest.mark.django_db


def workbook(client, round_code):
    response = client.get(reverse("results_xlsx", args=[round_code]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )


def find_row(ws, text):
    for row in ws.iter_rows():
        if any(cell.value == text for cell in row):
            return row
    raise AssertionError(f"{text} not in {ws.title}")


def test_annex_has_the_published_ranking_as_numbers(client, demo):
    wb = workbook(client, "gialai-2021")
    districts = wb["UBND cấp huyện"]
    assert (
        "197/QĐ-UBND" in districts["A3"].value and "15 tháng 04 năm 2022" in districts["A3"].value
    )
    header = [c.value for c in find_row(districts, "STT")]
    assert header[:2] == ["STT", "Đơn vị"] and header[-4:] == [
        "Tổng điểm",
        "Chỉ số CCHC (%)",
        "Xếp hạng",
        "Xếp loại",
    ]
    ia_grai = find_row(districts, "UBND huyện Ia Grai")
    values = [c.value for c in ia_grai]
    assert values[0] == 1 and values[-2] == 1  # STT and rank
    index = ia_grai[-3]
    assert index.value == pytest.approx(78.30) and index.data_type == "n"
    assert index.number_format == "0.00"
    fields = [round(v, 2) for v in values[2:-4]]
    for published in [10.26, 2.38, 7.93, 4.97, 11.54, 26.72]:
        assert published in fields
    last = find_row(districts, "UBND huyện Chư Prông")
    assert last[-2].value == 17 and last[-3].value == pytest.approx(71.47)
    departments = wb["Sở, ban, ngành"] if "Sở, ban, ngành" in wb.sheetnames else wb.worksheets[1]
    assert find_row(departments, "Sở Thông tin và Truyền thông")[-3].value == pytest.approx(95.44)
    assert find_row(departments, "Sở Y tế")[-2].value == 20


def test_a_detail_sheet_per_unit(client, demo):
    wb = workbook(client, "gialai-2021")
    assert len(wb.sheetnames) == 2 + 17 + 20
    ia_grai = wb["IAGRAI"]
    assert ia_grai["A1"].value == "UBND huyện Ia Grai"
    assert ia_grai["B3"].value == pytest.approx(78.30) and ia_grai["B3"].number_format == "0.00"
    header = find_row(ia_grai, "Mã")
    assert [c.value for c in header] == [
        "Mã",
        "Tiêu chí",
        "Điểm tối đa",
        "Điểm tự chấm",
        "Điểm thẩm định",
        "Điểm bị mất",
    ]
    numbers = [
        c
        for row in ia_grai.iter_rows(min_row=header[0].row + 1)
        for c in row[2:]
        if c.value not in (None, "", "KAD")
    ]
    assert numbers and all(c.data_type == "n" for c in numbers)


def test_export_query_count_is_constant(client, django_assert_max_num_queries):
    counts = []
    for n, year in [(3, 2020), (30, 2021)]:
        rnd, group = f.published_round(n, year)
        with django_assert_max_num_queries(10) as ctx:
            wb = workbook(client, rnd.code)
        assert len(wb.sheetnames) == 1 + n
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
