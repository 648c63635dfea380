"""The files the Sở Nội vụ submits: the self-assessment workbook and the evidence package,
whose index names exactly the files in the ZIP."""

import csv
import hashlib
import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from parindex.assessments import services
from parindex.assessments.national_exports import (
    INDEX_CSV,
    INDEX_XLSX,
    evidence_package,
    self_assessment_xlsx,
)
from parindex.assessments.services.national import build_evidence_package
from parindex.jobs.models import Job
from parindex.jobs.services import JobRefused
from tests.assessments.cycle import fresh
from tests.assessments.files import PDF, PNG, upload
from tests.assessments.national import NOTE, assigned, build_national


@pytest.fixture
def c(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = assigned(build_national())
    officer = fresh(c.stp_officer)
    services.save_score(officer, c.sheet, "2.1", "self", "3/4", "=HYPERLINK(\"x\")", 0)
    services.save_score(officer, c.sheet, "2.2", "self", "yes", NOTE, 0)
    services.add_evidence(officer, c.sheet, "2.1", upload("Quyết định 12.pdf", PDF))
    services.add_evidence(officer, c.sheet, "2.1", upload("Quyết định 12.pdf", PDF + b"%2"))
    services.add_evidence(officer, c.sheet, "2.2", upload("../../etc/=ảnh.png", PNG))
    removed = services.add_evidence(officer, c.sheet, "2.2", upload("bỏ.pdf", PDF))
    services.remove_evidence(officer, removed)
    return c


def test_the_workbook_lists_every_criterion_with_the_draft_and_prints_on_a4_landscape(c):
    book = openpyxl.load_workbook(io.BytesIO(self_assessment_xlsx(c.sheet)))
    ws = book.active
    header = [cell.value for cell in ws[3]]
    assert header == ["Code", "Criterion", "Max points", "Self score", "Self points",
                      "Explanation", "Evidence files", "Department in charge", "Review"]
    rows = {row[0]: row for row in ws.iter_rows(min_row=4, values_only=True)}
    assert len(rows) == c.framework.nodes.count()
    line = rows["2.1"]
    assert line[3] == "3/4" and line[5] == '=HYPERLINK("x")'
    assert line[6] == "Quyết định 12.pdf\nQuyết định 12.pdf"
    assert line[7] == "Sở Tư pháp" and line[8] == "Waiting for review"
    assert rows["2.2"][6] == "=ảnh.png"  # the removed file is not listed
    formula = next(cell for cell in ws["F"] if cell.value == '=HYPERLINK("x")')
    assert formula.data_type == "s"  # text, never a formula
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.print_title_rows == "$3:$3"


def read_package(handle):
    with zipfile.ZipFile(handle) as package:
        names = package.namelist()
        files = {name: package.read(name) for name in names}
    text = files[INDEX_CSV].decode("utf-8-sig")
    return names, files, list(csv.reader(io.StringIO(text)))


def test_the_package_index_names_exactly_the_files_in_the_zip(c):
    names, files, table = read_package(evidence_package(c.sheet))
    header, lines = table[0], table[1:]
    assert header == ["Code", "Criterion", "Department in charge", "File name",
                      "Path in the package", "Size (bytes)", "SHA-256"]
    paths = [line[4] for line in lines]
    assert sorted(paths) == sorted(set(names) - {INDEX_CSV, INDEX_XLSX})
    assert len(paths) == len(set(paths)) == 3  # two files of one name both kept
    for line in lines:
        content = files[line[4]]
        assert int(line[5]) == len(content)
        assert line[6] == hashlib.sha256(content).hexdigest()
        assert line[4].split("/")[0] == line[0]  # a folder per criterion code
        assert ".." not in line[4] and line[4].count("/") == 1
    assert {line[3] for line in lines} == {"Quyết định 12.pdf", "'=ảnh.png"}  # neutralised
    xlsx = openpyxl.load_workbook(io.BytesIO(files[INDEX_XLSX])).active
    assert [row[4] for row in xlsx.iter_rows(min_row=2, values_only=True)] == paths


def test_the_package_is_built_by_a_job_for_those_who_see_the_round(c):
    job = services.start_evidence_package(fresh(c.manager), c.sheet)
    assert services.start_evidence_package(fresh(c.manager), c.sheet) == job  # the same one
    handle, name = build_evidence_package(Job.objects.get(pk=job.pk), lambda *a: None)
    assert name == "tai-lieu-kiem-chung-nat2026-PROV.zip"
    assert len(read_package(handle)[2]) == 4
    with pytest.raises(PermissionDenied):
        services.start_evidence_package(fresh(c.stp_officer), c.sheet)


def test_a_package_over_its_limit_is_refused(c, settings):
    settings.PARINDEX_EVIDENCE_PACKAGE_MAX_MB = 0
    with pytest.raises(JobRefused, match="more than the package limit"):
        evidence_package(c.sheet)


def test_the_department_in_charge_opens_its_evidence_and_no_other_department_does(c, client):
    from parindex.assessments.models import Evidence

    url = reverse("assessments:evidence", args=[Evidence.objects.filter(
        node__code="2.1").first().pk])
    client.force_login(c.stp_officer)
    assert client.get(url).status_code == 200
    client.force_login(c.sttt_officer)
    assert client.get(url).status_code == 404


def test_a_bad_evidence_file_is_refused_with_a_message_and_the_value_kept(c, client):
    client.force_login(c.stp_officer)
    url = reverse("assessments:national_draft", args=[c.round.code, "2.4"])
    response = client.post(url, {"value": "0.5", "note": NOTE, "version": "0",
                                 "file": upload("virus.pdf", b"MZ not a pdf")}, follow=True)
    assert c.sheet.evidence.filter(node__code="2.4").count() == 0
    assert response.context["messages"] and any(
        m.level_tag == "error" for m in response.context["messages"])


def test_the_exports_through_the_page(c, client):
    client.force_login(c.manager)
    response = client.get(reverse("assessments:national_workbook", args=[c.round.code]))
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats")
    response = client.post(reverse("assessments:national_package", args=[c.round.code]))
    assert response.status_code == 302 and Job.objects.filter(kind="evidence_package").exists()
    client.force_login(c.stp_officer)
    assert client.post(reverse("assessments:national_package", args=[c.round.code])
                       ).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_worker_builds_the_package_and_keeps_it_for_its_starter(settings, tmp_path):
    from tests.jobs.conftest import run_worker

    settings.MEDIA_ROOT = tmp_path
    c = assigned(build_national("natjob"))
    services.save_score(fresh(c.stp_officer), c.sheet, "2.2", "self", "yes", NOTE, 0)
    services.add_evidence(fresh(c.stp_officer), c.sheet, "2.2", upload("qd.pdf", PDF))
    job = services.start_evidence_package(fresh(c.manager), c.sheet)
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.message
    with job.result.open("rb") as handle:
        names, _files, table = read_package(io.BytesIO(handle.read()))
    assert [line[4] for line in table[1:]] == ["2.2/01-qd.pdf"]
    assert sorted(names) == ["2.2/01-qd.pdf", INDEX_CSV, INDEX_XLSX]
