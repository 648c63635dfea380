"""Names typed into nominations come out of the register exports as text, never as formulas."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from parindex.awards.models import Award
from tests.spreadsheets import HOSTILE, assert_csv_safe, assert_xlsx_printable, assert_xlsx_safe


def test_register_exports_neutralise_hostile_names(client, outsider, demo_campaign):
    for award, name in zip(Award.objects.order_by("pk"), HOSTILE, strict=False):
        award.name, award.position = name, "-"  # a lone dash is harmless but still quoted
        award.save()
    client.force_login(outsider)
    url = reverse("awards:register")
    assert_csv_safe(client.get(url, {"export": "csv"}).content.decode("utf-8-sig"), HOSTILE)
    xlsx = client.get(url, {"export": "xlsx"}).content
    assert_xlsx_safe(xlsx, HOSTILE)
    assert assert_xlsx_printable(xlsx) == {"Sổ khen thưởng": ("$1:$1", "G2")}
    years = [row[0] for row in load_workbook(io.BytesIO(xlsx)).active.iter_rows(
        min_row=2, values_only=True)]
    assert set(years) == {2021}  # numbers stay numbers
