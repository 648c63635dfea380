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
        "197/QĐ-UBND" in districts["A3"].value and "15 tháng 4 năm 2022" in districts["A3"].value
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


DETAIL_HEADER = [
    "Nhóm đơn vị",
    "Mã đơn vị",
    "Đơn vị",
    "Mã tiêu chí",
    "Tiêu chí",
    "Điểm tối đa",
    "Điểm tự chấm",
    "Điểm thẩm định",
    "Điểm bị mất",
]


def test_one_detail_sheet_with_every_unit_and_criterion(client, demo):
    response = client.get(reverse("results_xlsx", args=["gialai-2021"]))
    assert response.streaming and int(response["Content-Length"]) > 0  # a file, streamed
    assert "chi-so-cchc-gialai-2021.xlsx" in response["Content-Disposition"]
    wb = workbook(client, "gialai-2021")
    assert wb.sheetnames[2:] == ["Chi tiết", "Độ tin cậy xếp hạng"]
    detail = wb["Chi tiết"]
    rows = list(detail.iter_rows(values_only=True))
    assert list(rows[0]) == DETAIL_HEADER
    units = {(row[0], row[1]) for row in rows[1:]}
    assert len(units) == 17 + 20
    ia_grai = [row for row in rows[1:] if row[2] == "UBND huyện Ia Grai"]
    assert ia_grai and {row[0] for row in ia_grai} == {"UBND cấp huyện"}
    assert len({row[3] for row in ia_grai}) == len(ia_grai)  # each criterion once
    cells = [c for row in detail.iter_rows(min_row=2) for c in row[5:]
             if c.value not in (None, "", "NA")]
    assert cells and all(c.data_type == "n" and c.number_format == "0.00" for c in cells)
    total = find_row(wb["UBND cấp huyện"], "UBND huyện Ia Grai")[-4].value  # Tổng điểm
    appraised = sum(-row[7] if row[3].startswith("P") else row[7]
                    for row in ia_grai if row[7] != "NA")
    assert appraised == pytest.approx(total, abs=0.005)  # the published total, to the cent


def test_detail_rows_carry_each_units_points_in_ranking_order(client):
    rnd, _group = f.published_round(3, 2020)
    wb = workbook(client, rnd.code)
    rows = list(wb["Chi tiết"].iter_rows(min_row=2, values_only=True))
    line = {(row[1], row[3]): row[2:3] + row[4:] for row in rows}
    # FAIR: appraised 1.5 of 3 (self 3), 50% of 4; NA_ONE: 2.1 not applicable; GOOD: a bonus
    assert line["Y2020-002", "1.2"] == ("Đơn vị Y2020-002", "Kiểm tra CCHC", 3, 3, 1.5, 1.5)
    assert line["Y2020-002", "2.1"] == ("Đơn vị Y2020-002", "Giải quyết hồ sơ đúng hạn",
                                         4, 2, 2, 2)
    assert line["Y2020-003", "2.1"][2:] == (4, "NA", "NA", "NA")
    assert line["Y2020-003", "1.1"][2:] == (2, 0, 0, 2)
    assert line["Y2020-001", "T.1"][2:] == (1, 0.5, 0.5, 0)
    ranking = [row[1] for row in wb["Nhóm 3"].iter_rows(min_row=7, values_only=True) if row[0]]
    in_details = list(dict.fromkeys(row[2] for row in rows))
    assert in_details == ranking[:3]


def test_detail_sheet_continues_past_the_row_limit(client, monkeypatch):
    from parindex.results import exports

    monkeypatch.setattr(exports, "DETAIL_ROWS", 7)
    rnd, _group = f.published_round(3, 2020)
    wb = workbook(client, rnd.code)
    details = [name for name in wb.sheetnames if name.startswith("Chi tiết")]
    assert details[:2] == ["Chi tiết", "Chi tiết (2)"]
    rows = [row for name in details for row in wb[name].iter_rows(values_only=True)]
    assert all(list(wb[name].iter_rows(values_only=True))[0] == tuple(DETAIL_HEADER)
               for name in details)
    assert all(wb[name].max_row <= 8 for name in details)
    assert len(rows) - len(details) == 3 * len({row[3] for row in rows if row[3] != "Mã tiêu chí"})


def test_ranking_sheet_prints_landscape_with_its_header(client, demo):
    districts = workbook(client, "gialai-2021")["UBND cấp huyện"]
    assert districts.page_setup.orientation == "landscape"
    assert districts.print_title_rows == "$5:$6"  # the titles and the maxima
    assert districts.freeze_panes == "C7"  # the unit's name stays in view
    assert [districts.column_dimensions[c].width for c in "AB"] == [6, 42]


def test_export_query_count_is_constant(client, django_assert_max_num_queries):
    counts = []
    for n, year in [(3, 2020), (30, 2021)]:
        rnd, group = f.published_round(n, year)
        with django_assert_max_num_queries(10) as ctx:
            wb = workbook(client, rnd.code)
        assert wb.sheetnames == [f"Nhóm {n}", "Chi tiết", "Độ tin cậy xếp hạng"]
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
