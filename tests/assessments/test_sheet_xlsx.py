"""The sheet as XLSX: download, fill offline, upload back (all or nothing, row-numbered errors)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from parindex.assessments import services
from parindex.assessments.models import Score
from parindex.history.models import Change
from tests.assessments.cycle import build_cycle, fresh

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def cycle(db):
    return build_cycle()


def download(client, c):
    response = client.get(reverse("assessments:sheet_xlsx", args=[c.round.code, "H01"]))
    assert response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(response.content))


def row_of(ws, code):
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 2).value == code)


def as_upload(book, name="sheet.xlsx"):
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


def upload(client, c, file):
    return client.post(reverse("assessments:sheet_upload", args=[c.round.code, "H01"]),
                       {"file": file})


def test_download_has_the_columns_and_values(client, cycle):
    services.save_score(fresh(cycle.officer), cycle.sheet, "1.3.1", "self", "96/100", "BC 5", 0)
    client.force_login(cycle.officer)
    ws = download(client, cycle).active
    assert ws.max_column == 9  # STT, code, criterion, max, self, points, appraised, points, notes
    line = row_of(ws, "1.3.1")
    assert [ws.cell(line, col).value for col in (2, 4, 5, 6, 9)] == [
        "1.3.1", 2.5, "96/100", 1.25, "BC 5"
    ]


def test_filled_file_is_imported_with_history(client, cycle):
    client.force_login(cycle.officer)
    book = download(client, cycle)
    ws = book.active
    ws.cell(row_of(ws, "1.1"), 5, "có")
    ws.cell(row_of(ws, "1.3.2"), 5, 1.25)  # a number typed in Excel
    ws.cell(row_of(ws, "1.3.2"), 9, "Quyết định 12/QĐ")
    ws.cell(row_of(ws, "1.3.1"), 5, "45/50")
    response = upload(client, cycle, as_upload(book))
    assert response.status_code == 302
    values = dict(Score.objects.values_list("node__code", "value"))
    assert values == {"1.1": "có", "1.3.2": "1.25", "1.3.1": "45/50"}
    assert Change.objects.filter(action="score").exclude(reason="").count() == 3


def test_a_bad_file_saves_nothing_and_names_each_row(client, cycle):
    client.force_login(cycle.officer)
    book = download(client, cycle)
    ws = book.active
    ws.cell(row_of(ws, "1.1"), 5, "yes")  # fine, but must not be saved either
    ws.cell(row_of(ws, "1.3.2"), 5, 5)  # above max 1.25
    ws.cell(row_of(ws, "1.2"), 5, "90%")  # not a level
    ws.cell(row_of(ws, "1"), 5, "3")  # a field has no value of its own
    ws.cell(ws.max_row + 1, 2, "9.9")
    ws.cell(ws.max_row, 5, "1")
    response = upload(client, cycle, as_upload(book))
    assert response.status_code == 400
    html = response.content.decode()
    for row, column in ((row_of(ws, "1.3.2"), "E"), (row_of(ws, "1.2"), "E"),
                        (row_of(ws, "1"), "E"), (ws.max_row, "B")):
        assert f"Row {row}, column {column}" in html or f"Dòng {row}, cột {column}" in html
    assert not Score.objects.exists()


def test_not_a_workbook(client, cycle):
    client.force_login(cycle.officer)
    response = upload(client, cycle, SimpleUploadedFile("x.xlsx", b"%PDF-1.4"))
    assert response.status_code == 400
    assert not Score.objects.exists()


def test_a_locked_sheet_refuses_the_upload(client, cycle):
    client.force_login(cycle.officer)
    book = download(client, cycle)
    ws = book.active
    ws.cell(row_of(ws, "1.1"), 5, "yes")
    client.force_login(cycle.other_officer)
    assert upload(client, cycle, as_upload(book)).status_code == 404
    client.force_login(cycle.appraiser)
    assert upload(client, cycle, as_upload(book)).status_code == 404  # a draft: not visible
    client.force_login(cycle.viewer)
    upload(client, cycle, as_upload(book))
    assert not Score.objects.exists()


def test_a_file_past_the_row_limit_is_refused_not_imported_as_nothing(client, cycle, settings):
    settings.PARINDEX_IMPORT_MAX_ROWS = 5
    client.force_login(cycle.officer)
    book = download(client, cycle)
    ws = book.active
    ws.cell(row_of(ws, "1.1"), 5, "có")
    response = upload(client, cycle, as_upload(book, "big.xlsx"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "big.xlsx: the file has more than 5 rows" in html or "big.xlsx: tệp" in html
    assert not Score.objects.exists()
