"""Each role's "My work" after signing in, on a laptop (1366×768) and a phone (390×844): the
manager's menu on one line on the laptop, every menu item a 44 px target on the phone.
Screenshots go to /tmp/shots-homes/ (PARINDEX_SHOTS) for a person to look at."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from parindex.demo.assessment_round import PASSWORD
from parindex.demo.services import ADMIN_PASSWORD, ADMIN_USERNAME

SHOTS = Path(os.environ.get("PARINDEX_SHOTS", "/tmp/shots-homes"))
# demo account → the section of "My work" that must show
ROLES = {
    "snv.quanly": "#to-manage",
    "snv.thamdinh": "#to-appraise",
    "snv.hoidong": "#to-approve",
    "snv.xem": "#published",
    "iagrai.canbo": "#unit-sheets",
    "pleiku.lanhdao": "#unit-sheets",
    ADMIN_USERNAME: "#to-manage",  # the longest menu: every area and the administration
}
SIZES = {"laptop": (1366, 768), "phone": (390, 844)}


def menu_items(page):
    return page.locator("header nav ul:last-child > li")


@pytest.mark.django_db(transaction=True)
def test_each_role_lands_on_its_work_on_a_laptop_and_a_phone(live_server, browser):
    call_command("demo", stdout=open("/dev/null", "w"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    for size, (width, height) in SIZES.items():
        phone = size == "phone"
        context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": height},
                                      is_mobile=phone, has_touch=phone)
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            for username, section in ROLES.items():
                context.clear_cookies()
                page.goto(live_server.url + "/accounts/login/")
                page.fill("input[name=username]", username)
                page.fill("input[name=password]",
                          ADMIN_PASSWORD if username == ADMIN_USERNAME else PASSWORD)
                with page.expect_navigation():
                    page.click("main button[type=submit]")
                expect(page).to_have_url(live_server.url + "/viec-cua-toi/")
                expect(page.get_by_role("heading", name="Việc của tôi", level=1)).to_be_visible()
                expect(page.locator(section)).to_be_visible()
                page.screenshot(path=str(SHOTS / f"{username}-{size}.png"), full_page=True)
                if not phone:
                    middles = [box["y"] + box["height"] / 2 for box in
                               (item.bounding_box() for item in menu_items(page).all())]
                    # The administrator's menu (one more item) may wrap; none overflows.
                    if username != ADMIN_USERNAME:
                        assert max(middles) - min(middles) < 10, f"{username}'s menu wraps"
                    assert page.evaluate("document.documentElement.scrollWidth") <= width, username
                else:
                    boxes = [target.bounding_box() for target in page.locator(
                        "header nav a, header nav button, header nav select").all()]
                    assert all(b["height"] >= 44 and b["width"] >= 44 for b in boxes), boxes
                    for i, a in enumerate(boxes):  # and no target overlaps another
                        for b in boxes[i + 1:]:
                            assert (a["x"] + a["width"] <= b["x"] + 1 or b["x"] + b["width"] <= a["x"] + 1
                                    or a["y"] + a["height"] <= b["y"] + 1
                                    or b["y"] + b["height"] <= a["y"] + 1), (a, b)
                    assert page.evaluate("document.documentElement.scrollWidth") <= width
        finally:
            context.close()
