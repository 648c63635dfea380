"""Notes typed on a sheet come out of the sheet and history workbooks as text, never formulas."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parindex.assessments import services
from parindex.assessments.models import Score
from tests.assessments.cycle import build_cycle, fresh
from tests.spreadsheets import HOSTILE, assert_xlsx_printable, assert_xlsx_safe

NOTE = HOSTILE[0]


@pytest.fixture
def cycle(db):
    c = build_cycle()
    services.save_score(fresh(c.officer), c.sheet, "1.3.1", "self", "96/100", NOTE, 0)
    return c


def test_sheet_xlsx_writes_a_hostile_note_as_text_that_reads_back(client, cycle):
    client.force_login(cycle.officer)
    url = reverse("assessments:sheet_xlsx", args=[cycle.round.code, "H01"])
    content = client.get(url).content
    assert_xlsx_safe(content, [NOTE])
    assert assert_xlsx_printable(content) == {"H01": ("$1:$1", "D2")}
    upload = io.BytesIO()
    load_workbook(io.BytesIO(content)).save(upload)  # opened and saved again, untouched
    upload.name = "sheet.xlsx"
    response = client.post(reverse("assessments:sheet_upload", args=[cycle.round.code, "H01"]),
                           {"file": upload})
    assert response.status_code == 302
    score = Score.objects.get(node__code="1.3.1", stage="self")
    assert (score.note, score.version) == (NOTE, 1)  # read back exactly: nothing changed


def test_round_history_xlsx_writes_hostile_notes_as_text(client, cycle):
    client.force_login(cycle.manager)
    content = client.get(reverse("assessments:round_history", args=[cycle.round.code])).content
    assert_xlsx_safe(content, [NOTE])
    assert list(assert_xlsx_printable(content).values()) == [("$1:$1", "C2")]


def test_progress_and_comparison_xlsx_print_with_their_header(client, cycle):
    client.force_login(cycle.manager)
    for url in (reverse("assessments:progress", args=[cycle.round.code]) + "?format=xlsx",
                reverse("assessments:round_compare", args=[cycle.round.code]) + "?format=xlsx"):
        content = client.get(url).content
        assert list(assert_xlsx_printable(content).values()) == [("$1:$1", "C2")], url
