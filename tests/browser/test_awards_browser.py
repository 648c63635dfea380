"""Commendation end to end in Chromium: a unit officer nominates, the council reviews in place,
the manager records and issues the decision, then prints the certificates (PDF text checked).

Selectors use names, ids and URLs, not labels, so the test holds in either language."""

import io

import pytest
from playwright.sync_api import expect
from tests import cast

from parindex.awards.models import Award, Campaign, Nomination
from parindex.units.models import Role, Unit, UnitGroup


def log_in(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", cast.PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_nominate_review_decide_print(live_server, page):
    group = UnitGroup.objects.create(code="huyen", name="UBND cấp huyện")
    district = Unit.objects.create(code="IAGRAI", name="UBND huyện Ia Grai", group=group)
    cast.person("officer", district, Role.Kind.OFFICER)
    cast.person("council", district, Role.Kind.COUNCIL)
    cast.round_manager(district)
    campaign = Campaign.objects.create(
        code="iagrai-2021", name="Khen thưởng CCHC 2021", year=2021, awarder_unit=district,
        awarder_kind="district_chairman", awarder_title="Chủ tịch Ủy ban nhân dân huyện Ia Grai",
        award_form="giay_khen",
        title_text="đã có thành tích xuất sắc trong công tác cải cách hành chính năm 2021",
    )
    base = live_server.url
    campaign_url = f"{base}/awards/{campaign.code}/"

    # The unit officer nominates a person, a commune, and the same person again.
    log_in(page, base, "officer")
    page.goto(campaign_url)
    page.click("a[href$='/nominate/']")
    for name, kind, title, position, work_unit in [
        ("Nguyễn Thị Hồng Nhung", "individual", "Bà", "Chuyên viên", "Phòng Nội vụ"),
        ("UBND xã Ia Dêr", "collective", "", "", "huyện Ia Grai"),
        ("Trần Văn Bình", "individual", "", "Công chức", "UBND xã Ia Dêr"),
    ]:
        page.check(f"input[name=kind][value={kind}]")
        page.fill("input[name=name]", name)
        page.select_option("select[name=honorific]", title)
        page.fill("input[name=position]", position)
        page.fill("input[name=work_unit]", work_unit)
        page.fill("textarea[name=achievement]", "Hoàn thành xuất sắc nhiệm vụ CCHC.")
        page.click("button[name=another]")
        page.wait_for_load_state()
    page.check("input[name=kind][value=individual]")
    page.fill("input[name=name]", "nguyễn thị hồng  nhung")
    page.fill("input[name=position]", "Chuyên viên")
    page.fill("input[name=work_unit]", "Phòng Nội vụ")
    page.fill("textarea[name=achievement]", "Lần nữa")
    page.click("button[name=save]")
    assert "Nguyễn Thị Hồng Nhung đã có trong đợt khen thưởng này" in page.locator(
        "#nomination-form").inner_text()
    assert Nomination.objects.count() == 3

    # The council accepts two and rejects one with a reason, in place (htmx).
    log_in(page, base, "council")
    page.goto(campaign_url)
    rows = {n.name: f"#nomination-{n.pk}" for n in Nomination.objects.all()}
    for name in ("Nguyễn Thị Hồng Nhung", "UBND xã Ia Dêr"):
        page.click(f"{rows[name]} button[value=accept]")
        page.wait_for_selector(f"{rows[name]}[data-status=accepted]")
    # Enter in the reason field rejects (it must never accept).
    page.fill(f"{rows['Trần Văn Bình']} input[name=reason]", "Chưa đủ thời gian công tác")
    page.press(f"{rows['Trần Văn Bình']} input[name=reason]", "Enter")
    page.wait_for_selector(f"{rows['Trần Văn Bình']}[data-status=rejected]")
    assert "Chưa đủ thời gian công tác" in page.locator(rows["Trần Văn Bình"]).inner_text()
    expect(page.locator("#counts")).to_contain_text("1 ")  # no wait_for_function: CSP, no eval

    # The manager records the decision and issues it.
    log_in(page, base, "manager")
    page.goto(campaign_url)
    page.click("a[href$='/decision/edit/']")
    page.fill("input[name=number]", "1234/QĐ-UBND")
    page.fill("input[name=date]", "2022-05-16")
    page.fill("input[name=place]", "Ia Grai")
    page.fill("input[name=signer_name]", "Lê Ngọc Quý")
    page.click("#decision-form button[type=submit]")
    page.wait_for_load_state()
    assert "Tặng Giấy khen cho 1 tập thể và 1 cá nhân" in page.locator(
        "#decision-counts").inner_text()
    page.click("#issue")
    expect(page.locator("#confirm-step")).to_contain_text("cho 1 tập thể và 1 cá nhân")
    page.click("#confirm")
    page.wait_for_load_state()
    assert Campaign.objects.get().state == "decided"
    assert Award.objects.count() == 2

    # … and prints the certificates.
    link = page.locator("#decision-counts a[href$='/certificates.pdf']")
    expect(link).to_have_text("Giấy khen (PDF)")
    with page.expect_download() as download:
        link.click()
    from pypdf import PdfReader

    with open(download.value.path(), "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    assert len(reader.pages) == 2
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "UBND xã Ia Dêr huyện Ia Grai" in text and "Bà: Nguyễn Thị Hồng Nhung" in text
    assert "Chuyên viên, Phòng Nội vụ" in text
    assert "Quyết định số 1234/QĐ-UBND ngày 16/05/2022" in text
    assert "Trần Văn Bình" not in text
