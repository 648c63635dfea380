"""The province's self-assessment for the national index in Chromium: a department officer
drafts a sub-criterion in its charge with a file, the Sở Nội vụ reviews and accepts it, and
the progress per department says so."""

import pytest
from tests.assessments.files import PDF
from tests.assessments.national import assigned, build_national
from tests.browser.test_assessment_cycle import leaf, login

from parindex.assessments.models import CriterionAssignment, Evidence, Score


@pytest.mark.django_db(transaction=True)
def test_a_department_drafts_and_the_sở_nội_vụ_accepts(live_server, page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = assigned(build_national())
    base = live_server.url
    url = f"{base}/assessments/{c.round.code}/national/"

    login(page, base, c.stp_officer)
    page.goto(f"{base}/assessments/{c.round.code}/")
    page.click("#national-link")
    page.wait_for_url(url)
    assert leaf(page, "1.1.1").count() == 0  # not in the Sở Tư pháp's charge
    row = leaf(page, "2.2")
    row.locator("input[name=value]").fill("yes")
    row.locator("textarea[name=note]").fill("Quyết định công bố kết quả rà soát")
    row.locator("input[type=file]").set_input_files(
        files=[{"name": "quyet-dinh.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    row.get_by_role("button", name="Lưu dự thảo").click()
    page.wait_for_load_state()
    assert "Đã lưu 2.2." in page.content()
    assert "quyet-dinh.pdf" in leaf(page, "2.2").inner_text()
    assert page.locator("#progress-STP").inner_text().split()[-4:] == ["4", "1", "0", "0"]

    login(page, base, c.manager)
    page.goto(url)
    row = leaf(page, "2.2")
    assert "Chờ xem xét" in row.inner_text()
    row.get_by_role("button", name="Chấp nhận", exact=True).click()
    page.wait_for_load_state()
    assert "Đã chấp nhận 2.2." in page.content()
    assert "Đã chấp nhận" in leaf(page, "2.2").inner_text()
    assert page.locator("#progress-STP").inner_text().split()[-4:] == ["4", "1", "1", "0"]

    assert Score.objects.get(node__code="2.2").updated_by == c.stp_officer
    assert Evidence.objects.get().name == "quyet-dinh.pdf"
    assert CriterionAssignment.objects.get(node__code="2.2").reviewed_by == c.manager
