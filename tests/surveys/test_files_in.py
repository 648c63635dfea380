"""Hostile survey files: refused whole, the web job ends failed with the message, nothing logged
of the file's content, nothing written."""

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from parindex.surveys.models import ImportBatch, ImportJob, Survey
from tests.files_in.hostile import BILLION_LAUGHS, zip_bomb
from tests.jobs.conftest import run_worker
from tests.surveys.conftest import exported


@pytest.mark.django_db(transaction=True)
def test_web_import_of_a_zip_bomb_ends_failed_and_logs_nothing_of_it(
        staff_client, citizens, settings, tmp_path, caplog):
    settings.MEDIA_ROOT = tmp_path
    settings.PARINDEX_IMPORT_MAX_UNCOMPRESSED_MB = 2
    upload = SimpleUploadedFile("forms.xlsx", zip_bomb(["unit_code", "Q1"], megabytes=3))
    staff_client.cookies["django_language"] = "en"  # English by choice (the browser's language is ignored)
    page = staff_client.post(reverse("surveys:import", args=["r2021", "nguoi-dan"]),
                             {"file": upload})
    with caplog.at_level(logging.DEBUG):
        run_worker()
    job = ImportJob.objects.get()
    assert job.status == "failed" and job.finished_at is not None
    assert "more than 2 MB" in job.errors[0]["message"]
    assert "AAAA" not in caplog.text and not ImportBatch.objects.exists()
    assert "2 MB" in staff_client.get(page["Location"]).content.decode()


def test_command_refuses_too_many_rows_with_status_2(staff, citizens, settings, tmp_path, capsys):
    settings.PARINDEX_IMPORT_MAX_ROWS = 2
    path = tmp_path / "forms.csv"
    path.write_text("unit_code,Q1\nIAGRAI,A\nIAGRAI,B\nPLEIKU,A\n", "utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import_survey_responses", "r2021", "nguoi-dan", str(path), "--as", "manager")
    assert caught.value.returncode == 2
    assert "forms.csv: the file has more than 2 rows (the limit)" in str(caught.value)
    assert not ImportBatch.objects.exists()


def test_command_reads_excel_unicode_text_and_refuses_cp1258(staff, citizens, tmp_path):
    path = tmp_path / "forms.csv"
    path.write_bytes("unit_code\tQ1\tcomment\nIAGRAI\tA\tTốt\n".encode("utf-16"))
    call_command("import_survey_responses", "r2021", "nguoi-dan", str(path), "--as", "manager")
    assert [f["comment"] for f in exported(citizens)] == ["Tốt"]
    path.write_bytes("unit_code,Q1,comment\nIAGRAI,A,Đạt\n".encode("cp1258", "replace"))
    with pytest.raises(CommandError, match="CSV UTF-8") as caught:
        call_command("import_survey_responses", "r2021", "nguoi-dan", str(path), "--as", "manager")
    assert caught.value.returncode == 2 and len(exported(citizens)) == 1


def test_load_survey_refuses_yaml_aliases(staff, round_, tmp_path):
    path = tmp_path / "survey.yaml"
    path.write_text(BILLION_LAUGHS, "utf-8")
    with pytest.raises(CommandError, match=r"survey.yaml:1:4: YAML anchors and aliases") as caught:
        call_command("load_survey", "r2021", str(path), "--as", "manager")
    assert caught.value.returncode == 2 and not Survey.objects.exists()
