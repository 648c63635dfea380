"""A merger walked through in Chromium: the administrator uploads a reorganisation (two old
communes → one new), sees the new unit's page and the loose ends, moves an officer's role to
the new commune; once the new commune's results are published, the ranking shows its change
from last year with its mark, and the scorecard says where last year's figure comes from."""

import datetime

import pytest
from playwright.sync_api import expect
from tests import cast
from tests.browser.test_assessment_cycle import login
from tests.frameworks.factories import write_csv
from tests.results import factories as f
from tests.results.test_change_across_merger import publish

from parindex.engine.io import REORGANISATION_COLUMNS
from parindex.units.models import Role, Unit


@pytest.mark.django_db(transaction=True)
def test_merger_walk(live_server, page, tmp_path):
    base = live_server.url
    xa = f.group("xa", "Cấp xã")
    old = f.units(3, unit_group=xa)  # 2021: U001 100.00, U002 65.00, U003 63.64
    publish(f.round_with(year=2021, fw=f.framework("fw-xa-2021", 2021, xa), unit_list=old,
                         published_on=f.PUBLISHED))
    officer = cast.person("u001.canbo", old[0], "officer")
    path = write_csv(tmp_path / "sap-xep-2022.csv", list(REORGANISATION_COLUMNS), [
        {"reorganisation": "nq-2022", "date": "1/1/2022", "legal_basis": "Nghị quyết 99/NQ",
         "old_unit": code, "new_unit": "XMOI", "new_name": "UBND xã Mới", "new_group": "xa",
         "weight": weight, "weight_name": "dân số"}
        for code, weight in (("U001", "1"), ("U002", "3"))
    ])

    login(page, base, cast.administrator())
    page.goto(f"{base}/units/reorganisations/")
    page.set_input_files("#reorganisation-upload input[type=file]", str(path))
    page.locator("#reorganisation-upload button[type=submit]").click()
    expect(page.locator('[data-reorganisation="nq-2022"]')).to_be_visible()

    page.goto(f"{base}/units/XMOI/")
    expect(page.locator('[data-line="U001-XMOI"]')).to_be_visible()
    expect(page.locator('[data-line="U002-XMOI"]')).to_be_visible()

    page.goto(f"{base}/units/loose-ends/")
    role = Role.objects.get(user=officer)
    row = page.locator(f'[data-role="{role.pk}"]')
    expect(row).to_contain_text("u001.canbo")
    row.locator("form:has(input[value=move]) button").click()
    page.wait_for_load_state()
    assert Role.objects.get(user=officer).unit.code == "XMOI"

    new = Unit.objects.get(code="XMOI")
    rnd = publish(f.round_with(year=2022, fw=f.framework("fw-xa-2022", 2022, xa),
                               unit_list=[new, old[2]], published_on=datetime.date(2023, 4, 1)))
    page.goto(f"{base}/results/{rnd.code}/xa/")
    cell = page.locator('tr[data-unit="XMOI"] td.change')
    # 2022: 100.00; 2021: (100.00 × 1 + 65.00 × 3) / 4 = 73.75 → ▲ 26,25 with its mark.
    expect(cell).to_contain_text("26,25")
    mark = cell.locator('[data-mark="derived"]')
    expect(mark).to_be_visible()
    assert "Đơn vị U001, Đơn vị U002" in mark.get_attribute("title")
    expect(page.locator(".change-note")).to_be_visible()

    page.locator('tr[data-unit="XMOI"] a').first.click()
    expect(page.locator("#change-explanation")).to_contain_text("dân số")
