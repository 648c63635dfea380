"""The pages of the reform work: what each person sees, the forms' doors, refusals as 404, bad
files refused whole with their row numbers."""

from __future__ import annotations

import datetime

from django.test import Client
from django.urls import reverse

from parindex.plans import services
from parindex.plans.models import Prefill, Report, ServiceMonth
from tests.assessments.cycle import fresh
from tests.assessments.files import pdf

D = datetime.date


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_dashboard_lists_tasks_overdue_first_per_unit_and_field(plans):
    services.report_progress(plans.officer, plans.tasks[0], "Xong", D(2026, 1, 10))
    page = client_of(plans.manager).get("/plans/?year=2026")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("NV2. Nhiệm vụ 2") < html.index("NV1. Nhiệm vụ 1")  # overdue first
    assert 'id="by-unit"' in html and 'id="by-field"' in html and "Cải cách TTHC" in html
    other = client_of(plans.manager).get("/plans/?year=2026&unit=H02").content.decode()
    assert "NV1. Nhiệm vụ 1" not in other  # the tasks of one unit only


def test_the_dashboard_queries_do_not_grow_with_tasks(plans, django_assert_max_num_queries):
    client = client_of(plans.manager)
    client.get("/plans/?year=2026")
    for i in range(5, 25):
        services.add_task(plans.officer, plans.plan, f"X{i}", "Thêm", plans.units[0],
                          D(2026, 12, 1))
    with django_assert_max_num_queries(12):
        client.get("/plans/?year=2026")


def test_another_units_officer_sees_neither_the_plan_nor_its_tasks(plans):
    client = client_of(plans.other_officer)
    assert "Nhiệm vụ 1" not in client.get("/plans/?year=2026").content.decode()
    assert client.get(f"/plans/tasks/{plans.tasks[0].pk}/").status_code == 404
    assert client.get(f"/plans/plan/{plans.plan.pk}/").status_code == 404


def test_progress_is_reported_on_the_task_page(plans):
    client = client_of(plans.officer)
    response = client.post(f"/plans/tasks/{plans.tasks[0].pk}/progress/",
                           {"note": "Đã xong", "completed_on": "2026-01-15", "file": pdf()})
    assert response.status_code == 302
    page = client.get(f"/plans/tasks/{plans.tasks[0].pk}/").content.decode()
    assert "Đã xong" in page and "15/01/2026" in page and "status-on_time" in page


def test_a_hostile_note_is_escaped_and_an_empty_one_refused(plans):
    client = client_of(plans.officer)
    client.post(f"/plans/tasks/{plans.tasks[0].pk}/progress/", {"note": "<script>x</script>"})
    page = client.get(f"/plans/tasks/{plans.tasks[0].pk}/").content.decode()
    assert "<script>x</script>" not in page and "&lt;script&gt;" in page
    client.post(f"/plans/tasks/{plans.tasks[0].pk}/progress/", {"note": "  "})
    assert plans.tasks[0].progress.count() == 1


def test_a_report_is_sent_with_its_file_and_shown_late(plans):
    report = Report.objects.get(unit=plans.units[0], kind="q1")
    client = client_of(plans.officer)
    assert client.post(f"/plans/reports/{report.pk}/submit/",
                       {"file": pdf()}).status_code == 302
    page = client_of(plans.manager).get("/plans/reports/?year=2026").content.decode()
    assert "late" in page  # the class of a late report
    assert client_of(plans.other_officer).post(
        f"/plans/reports/{report.pk}/submit/", {"file": pdf()}).status_code == 404


def test_a_bad_service_file_is_refused_whole_with_row_numbers(plans, tmp_path):
    content = (b"unit,month,received,on_time,late,online,digitised\n"
               b"H01,01/2026,100,90,10,50,40\nH99,13/2026,x,1,1,1,1\n")
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_of(plans.manager).post("/plans/service/import/", {
        "file": SimpleUploadedFile("dvc.csv", content, content_type="text/csv")})
    assert response.status_code == 400
    html = response.content.decode()
    assert "H99" in html and "13/2026" in html and "<td>3</td>" in html
    assert not ServiceMonth.objects.exists()
    officer = client_of(plans.officer).post("/plans/service/import/", {
        "file": SimpleUploadedFile("dvc.csv", content, content_type="text/csv")})
    assert officer.status_code == 302 and not ServiceMonth.objects.exists()


def test_service_figures_show_per_unit_with_a_chart(plans, tmp_path):
    path = tmp_path / "dvc.csv"
    path.write_text("unit,month,received,on_time,late,online,digitised\n"
                    "H01,01/2026,100,90,10,50,40\nH02,01/2026,80,80,0,20,10\n",
                    encoding="utf-8")
    services.import_service_data(plans.manager, path)
    html = client_of(plans.manager).get("/plans/service/?year=2026").content.decode()
    assert "90,00" in html and "<svg" in html and 'height="90.00"' in html
    assert 'id="service-imports"' in html and "dvc.csv" in html
    own = client_of(plans.officer).get("/plans/service/?year=2026").content.decode()
    assert "UBND huyện 1" in own and "UBND huyện 2" not in own
    assert 'id="service-imports"' not in own


def test_the_appraiser_sees_the_computed_and_the_units_value(plans):
    prefill = Prefill.objects.get(sheet=plans.sheet, node__code="1.2")
    client = client_of(plans.officer)
    client.post(f"/plans/prefill/{prefill.pk}/contest/",
                {"value": "3/4", "explanation": "Đã xong NV3 ngoài hệ thống"})
    prefill.refresh_from_db()
    assert prefill.contested_value == "3/4"
    sheet_url = reverse("assessments:sheet", args=[plans.round.code, plans.units[0].code])
    page = client.get(sheet_url).content.decode()
    assert 'id="prefill-1.2"' in page and "Đã xong NV3 ngoài hệ thống" in page
    assert client_of(plans.other_officer).post(
        f"/plans/prefill/{prefill.pk}/contest/", {"value": "4/4", "explanation": "x"}
    ).status_code == 404
    submit(plans)
    page = client_of(plans.appraiser).get(sheet_url).content.decode()
    row = page[page.index('id="prefill-1.2"'):]
    row = row[:row.index("</tr>")]
    assert "0/4" in row and "3/4" in row and "Đã xong NV3 ngoài hệ thống" in row
    assert "/contest/" not in page  # the appraiser reads, the unit contests


def submit(c):
    """Every leaf given a note (no evidence needed), the rest filled, and the head submits."""
    from parindex.assessments import services as cycle
    from parindex.assessments.models import Score

    for code in ("1.4", "2.1"):
        cycle.save_score(fresh(c.officer), c.sheet, code, "self", "1/2" if code == "2.1" else
                         "1", "Không có tài liệu", 0)
    for score in Score.objects.filter(round=c.round, unit=c.units[0], stage="self",
                                      node__code__in=["1.1", "1.2", "1.3"]):
        cycle.save_score(fresh(c.officer), c.sheet, score.node.code, "self", score.value,
                         "Xem kế hoạch", score.version)
    cycle.submit(fresh(c.head), c.sheet)


def test_the_pages_need_no_inline_code(plans, tmp_path):
    from tests.web.test_csp import refused

    path = tmp_path / "dvc.csv"
    path.write_text("unit,month,received,on_time,late,online,digitised\n"
                    "H01,01/2026,100,90,10,50,40\n", encoding="utf-8")
    services.import_service_data(plans.manager, path)
    client = client_of(plans.officer)
    urls = ["/plans/?year=2026", f"/plans/plan/{plans.plan.pk}/",
            f"/plans/tasks/{plans.tasks[0].pk}/", "/plans/reports/?year=2026",
            "/plans/service/?year=2026", "/plans/index/?year=2026",
            reverse("assessments:sheet", args=[plans.round.code, "H01"])]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert refused(response.content.decode()) == [], url


def test_a_too_long_explanation_changes_nothing(plans):
    prefill = Prefill.objects.get(sheet=plans.sheet, node__code="1.2")
    client = client_of(plans.officer)
    client.post(f"/plans/prefill/{prefill.pk}/contest/", {"value": "3/4", "explanation": "Lý do"})
    response = client.post(f"/plans/prefill/{prefill.pk}/contest/",
                           {"value": "", "explanation": "x" * 2001})
    assert response.status_code == 302
    prefill.refresh_from_db()
    assert (prefill.contested_value, prefill.explanation) == ("3/4", "Lý do")
