"""Evidence uploads: type read from the content, size limit, stored through the storage API."""

import re

import pytest
from django.core.exceptions import ValidationError

from parindex.assessments import workflow
from parindex.assessments.models import Evidence
from parindex.history.models import Change
from tests.assessments.cycle import build_cycle, fresh
from tests.assessments.files import JPEG, OLE, PDF, PNG, docx_bytes, upload


@pytest.fixture
def cycle(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_cycle()


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("a.pdf", PDF, "application/pdf"),
        ("a.PNG", PNG, "image/png"),
        ("a.jpeg", JPEG, "image/jpeg"),
        ("a.doc", OLE, "application/msword"),
        ("a.xls", OLE, "application/vnd.ms-excel"),
        ("Báo cáo.docx", docx_bytes(),
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
)
def test_accepted_documents(cycle, name, content, content_type):
    evidence = workflow.add_evidence(fresh(cycle.officer), cycle.sheet, "1.1", upload(name, content))
    assert (evidence.name, evidence.content_type, evidence.size) == (name, content_type,
                                                                      len(content))
    with evidence.file.open("rb") as stored:
        assert stored.read() == content
    assert evidence.file.name.startswith("evidence/r2023/H01/")
    # Stored under a random name (32 hex digits and the suffix): no guessable path.
    stored_name = evidence.file.name.rsplit("/", 1)[1]
    assert re.fullmatch(r"[0-9a-f]{32}\.[a-z]+", stored_name), stored_name


@pytest.mark.parametrize(
    "name, content",
    [
        ("virus.pdf", b"MZ\x90\x00 this is an executable"),
        ("script.pdf", b"<script>alert(1)</script>"),
        ("photo.pdf", PNG),  # the extension must match the content
        ("report.docx", b"PK\x03\x04 not really a zip"),
        ("page.html", b"<html></html>"),
        ("empty.pdf", b""),
        ("sheet.xlsx", docx_bytes()),  # a Word document named as a workbook
    ],
)
def test_refused_documents_write_nothing(cycle, name, content):
    with pytest.raises(ValidationError):
        workflow.add_evidence(fresh(cycle.officer), cycle.sheet, "1.1", upload(name, content))
    assert not Evidence.objects.exists()
    assert not Change.objects.filter(action="evidence").exists()


def test_size_limit_comes_from_settings(cycle, settings):
    settings.PARINDEX_MAX_UPLOAD_MB = 1
    big = PDF + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError, match="larger than 1 MB"):
        workflow.add_evidence(fresh(cycle.officer), cycle.sheet, "1.1", upload("big.pdf", big))
    assert not Evidence.objects.exists()


def test_removed_evidence_stays_in_the_record(cycle):
    evidence = workflow.add_evidence(fresh(cycle.officer), cycle.sheet, "1.1",
                                     upload("a.pdf", PDF))
    workflow.remove_evidence(fresh(cycle.head), evidence, "Nhầm tệp")
    evidence.refresh_from_db()
    assert evidence.removed_by == cycle.head and evidence.file.storage.exists(evidence.file.name)
    assert [(c.old, c.new, c.reason) for c in Change.objects.filter(action="evidence")] == [
        ("", "a.pdf", ""), ("a.pdf", "", "Nhầm tệp"),
    ]
