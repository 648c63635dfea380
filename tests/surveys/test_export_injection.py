"""Comments typed on the public form come out of the exports as text, never as formulas."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from parindex.surveys.models import Response
from tests.spreadsheets import HOSTILE, assert_csv_safe, assert_xlsx_printable, assert_xlsx_safe


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_hostile_comments_are_neutralised_in_csv_and_xlsx(client, staff_client, citizens):
    form = reverse("surveys:form", args=["r2021", citizens.code])
    for comment in HOSTILE:
        client.post(form, {"unit": "IAGRAI", "Q1": "A", "Q2": "B", "comment": comment})
    stored = list(Response.objects.values_list("comment", flat=True))
    assert len(stored) == len(HOSTILE)
    csv_page = staff_client.get(reverse("surveys:export_csv", args=["r2021", citizens.code]))
    assert_csv_safe(b"".join(csv_page.streaming_content).decode("utf-8-sig"), stored)
    xlsx = staff_client.get(reverse("surveys:export_xlsx", args=["r2021"]))
    content = b"".join(xlsx.streaming_content)
    assert_xlsx_safe(content, stored)
    assert set(assert_xlsx_printable(content).values()) == {("$1:$1", "B2")}
