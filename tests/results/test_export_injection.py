"""Unit names come out of the ranking annex as text, never as formulas, formatted or not."""

import io

import openpyxl
import pytest
from django.urls import reverse

from parindex.results.exports import write_annex
from parindex.units.models import Unit
from tests.spreadsheets import HOSTILE, assert_xlsx_printable, assert_xlsx_safe

from . import factories as f

pytestmark = pytest.mark.django_db


def test_annex_writes_hostile_unit_names_as_text(client):
    names = HOSTILE[:3]
    for unit, name in zip(f.units(3, unit_group=f.group("g3", "Nhóm 3"), prefix="Y2021-"), names,
                          strict=True):
        Unit.objects.filter(pk=unit.pk).update(name=name)
    rnd, _group = f.published_round(3, 2021)
    response = client.get(reverse("results_xlsx", args=[rnd.code]))
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert_xlsx_safe(content, names)
    assert assert_xlsx_printable(content) == {"Nhóm 3": ("$5:$6", "C7"),
                                              "Chi tiết": ("$1:$1", "D2"),
                                              "Độ tin cậy xếp hạng": ("$3:$3", "D4")}


def test_streamed_annex_writes_hostile_text_as_text_in_its_style():
    out = io.BytesIO()
    write_annex([("s", [10], iter([[("=1+1", "bold"), 2], HOSTILE]))], out, formatted=False)
    assert_xlsx_safe(out.getvalue(), ["=1+1", *HOSTILE])
    out = io.BytesIO()
    write_annex([("s", [10], iter([[("=1+1", "bold"), 2], HOSTILE]))], out)
    assert_xlsx_safe(out.getvalue(), ["=1+1", *HOSTILE])
    assert openpyxl.load_workbook(io.BytesIO(out.getvalue()))["s"]["A1"].font.b  # still bold
