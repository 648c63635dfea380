"""Import: all or nothing, row-numbered problems, files on the web processed outside the request."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from parindex.engine.tables import InputError
from parindex.surveys import services
from parindex.surveys.models import ImportBatch, ImportJob, Response
from tests.jobs.conftest import run_worker
from tests.surveys.conftest import exported


def forms(group):
    return sorted((f["form_number"], f["unit_code"], f["Q1"], f["Q2"], f["Q3"], f["comment"],
                   f["channel"], f["status"]) for f in exported(group))


def write_csv(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_imports_every_row(staff, citizens, tmp_path):
    path = write_csv(tmp_path / "a.csv", "form_number,unit_code,Q1,Q2,Q3,comment\n"
                     "1,IAGRAI,A,b,1,Tốt\n2,PLEIKU,,D,,\n3,IAGRAI,X,C,2,\n")
    assert services.import_file(staff, citizens, path) == 3
    assert forms(citizens) == [
        ("1", "IAGRAI", "A", "B", "1", "Tốt", "import", "accepted"),
        ("2", "PLEIKU", "", "D", "", "", "import", "accepted"),
        ("3", "IAGRAI", "X", "C", "2", "", "import", "accepted")]
    batch = ImportBatch.objects.get()
    assert (batch.filename, batch.forms, batch.created_by) == ("a.csv", 3, staff)
    assert not Response.objects.exists()  # an imported file is one batch, not a row a form


def test_bad_rows_are_all_reported_and_nothing_is_imported(staff, citizens, tmp_path):
    path = write_csv(tmp_path / "bad.csv", "form_number,unit_code,Q1,Q2\n"
                     "1,IAGRAI,A,B\n"
                     "2,NOWHERE,A,B\n"
                     "3,IAGRAI,E,B\n"
                     "1,PLEIKU,A,B\n"
                     "5,PLEIKU,A,B,extra\n")
    with pytest.raises(InputError) as caught:
        services.import_file(staff, citizens, path)
    issues = [(i.row, i.column) for i in caught.value.errors]
    assert issues == [(3, "unit_code"), (4, "Q1"), (5, "form_number"), (6, "")]
    assert "row 2" in caught.value.errors[2].message or "2" in caught.value.errors[2].message
    assert exported(citizens) == [] and not ImportBatch.objects.exists()


def test_unknown_and_missing_columns(staff, citizens, tmp_path):
    with pytest.raises(InputError) as caught:
        services.import_file(staff, citizens, write_csv(tmp_path / "c.csv", "Q1,Q9\nA,B\n"))
    assert [(i.row, i.column) for i in caught.value.errors] == [(1, "Q9"), (1, "unit_code")]


def test_form_numbers_already_entered_are_refused(staff, citizens, tmp_path):
    services.enter_paper_form(staff, citizens, form_number="7", answers={"Q1": "A"},
                              unit_code="IAGRAI")
    with pytest.raises(InputError) as caught:
        services.import_file(staff, citizens, write_csv(
            tmp_path / "d.csv", "form_number,unit_code,Q1\n7,IAGRAI,A\n"))
    assert caught.value.errors[0].row == 2
    assert len(exported(citizens)) == 1 and not ImportBatch.objects.exists()


def test_xlsx_with_numbers_as_cells(staff, citizens, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["form_number", "unit_code", "Q1", "Q2", "Q3"])
    sheet.append([101, "IAGRAI", "A", "A", 2])
    book.save(tmp_path / "f.xlsx")
    assert services.import_file(staff, citizens, tmp_path / "f.xlsx") == 1
    assert [f["form_number"] for f in exported(citizens)] == ["101"]


def test_command_imports_or_lists_the_problems(staff, citizens, tmp_path, capsys):
    good = write_csv(tmp_path / "g.csv", "unit_code,Q1\nIAGRAI,A\n")
    call_command("import_survey_responses", "r2021", "nguoi-dan", str(good), "--as", "manager")
    assert "1 responses imported" in capsys.readouterr().out
    bad = write_csv(tmp_path / "b.csv", "unit_code,Q1\nIAGRAI,Q\n")
    with pytest.raises(CommandError, match=r"b.csv:row 2, column Q1"):
        call_command("import_survey_responses", "r2021", "nguoi-dan", str(bad), "--as", "manager")
    with pytest.raises(CommandError, match="no respondent group"):
        call_command("import_survey_responses", "r2021", "nobody", str(good), "--as", "manager")


@pytest.mark.django_db(transaction=True)
def test_web_upload_runs_as_a_job_with_progress(staff_client, citizens, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("forms.csv", b"unit_code,Q1,Q2\nIAGRAI,A,A\nPLEIKU,B,C\n")
    page = staff_client.post(reverse("surveys:import", args=["r2021", "nguoi-dan"]),
                             {"file": upload})
    job = ImportJob.objects.get()
    assert page["Location"] == reverse("surveys:import_status", args=["r2021", job.pk])
    status = staff_client.get(page["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in status
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.imported, job.rows_done, job.rows_total) == ("done", 2, 2, 2)
    status = staff_client.get(page["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in status
    assert len(exported(citizens)) == 2 and ImportBatch.objects.get().job == job


@pytest.mark.django_db(transaction=True)
def test_web_upload_with_errors_shows_them(staff_client, citizens, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("forms.csv", "unit_code,Q1\nIAGRAI,A\nIAGRAI,Ư\n".encode())
    page = staff_client.post(reverse("surveys:import", args=["r2021", "nguoi-dan"]),
                             {"file": upload})
    run_worker()
    text = staff_client.get(page["Location"]).content.decode()
    assert "<td>3</td><td>Q1</td>" in text
    assert exported(citizens) == [] and not ImportBatch.objects.exists()


def test_web_upload_refuses_other_files(staff_client, citizens):
    upload = SimpleUploadedFile("forms.pdf", b"%PDF")
    page = staff_client.post(reverse("surveys:import", args=["r2021", "nguoi-dan"]),
                             {"file": upload})
    assert page.status_code == 400 and not ImportJob.objects.exists()
