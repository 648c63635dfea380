import pytest
from django.core.management import call_command


@pytest.mark.django_db(transaction=True)
def test_probe(live_server, browser):
    call_command("demo", stdout=open("/dev/null", "w"))
    ctx = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 768})
    page = ctx.new_page()
    for url in ("/results/gialai-2022/huyen/", "/results/gialai-2022/so/", "/", "/results/gialai-2022/huyen/IAGRAI/", "/results/gialai-2022/"):
        page.goto(live_server.url + url)
        print(url, page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]"),
              page.evaluate("Array.from(document.querySelectorAll('.table-scroll')).map(e => [e.id, e.scrollWidth, e.clientWidth, e.getBoundingClientRect().right])"))
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "snv.quanly")
    page.fill("input[name=password]", "cchc-demo-2023")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    page.goto(live_server.url + "/manage/results/gialai-2022/")
    print(page.evaluate("Array.from(document.querySelectorAll('header nav ul:last-child > li')).map(e => [e.innerText.slice(0,20), Math.round(e.getBoundingClientRect().top), Math.round(e.getBoundingClientRect().right)])"))
    print(page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]"))
    page.screenshot(path="/tmp/rs/manage.png")
    page.goto(live_server.url + "/results/gialai-2022/huyen/")
    page.screenshot(path="/tmp/rs/ranking.png", full_page=True)
    page.goto(live_server.url + "/results/gialai-2022/")
    page.screenshot(path="/tmp/rs/overview.png", full_page=True)
    page.goto(live_server.url + "/results/gialai-2022/huyen/IAGRAI/")
    page.screenshot(path="/tmp/rs/card.png", full_page=True)
