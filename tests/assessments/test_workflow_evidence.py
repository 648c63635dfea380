"""Evidence uploads: type read from the content, size limit, stored through the storage API."""

import io
import re
import zipfile

import docx
import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from parindex.assessments import services
from parindex.assessments.models import Evidence
from parindex.history.models import Change
from tests.assessments.cycle import build_cycle, fresh
from tests.assessments.files import JPEG, OLE, PDF, PNG, WORD_MAIN, docx_bytes, upload


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
    evidence = services.add_evidence(fresh(cycle.officer), cycle.sheet, "1.1", upload(name, content))
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
        services.add_evidence(fresh(cycle.officer), cycle.sheet, "1.1", upload(name, content))
    assert not Evidence.objects.exists()
    assert not Change.objects.filter(action="evidence").exists()


def test_size_limit_comes_from_settings(cycle, settings):
    settings.PARINDEX_MAX_UPLOAD_MB = 1
    big = PDF + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError, match="larger than 1 MB"):
        services.add_evidence(fresh(cycle.officer), cycle.sheet, "1.1", upload("big.pdf", big))
    assert not Evidence.objects.exists()


def test_removed_evidence_stays_in_the_record(cycle):
    evidence = services.add_evidence(fresh(cycle.officer), cycle.sheet, "1.1",
                                     upload("a.pdf", PDF))
    services.remove_evidence(fresh(cycle.head), evidence, "Nhầm tệp")
    evidence.refresh_from_db()
    assert evidence.removed_by == cycle.head and evidence.file.storage.exists(evidence.file.name)
    assert [(c.old, c.new, c.reason) for c in Change.objects.filter(action="evidence")] == [
        ("", "a.pdf", ""), ("a.pdf", "", "Nhầm tệp"),
    ]


def odt_bytes(extra=()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
        for part, content in extra:
            archive.writestr(part, content)
    return buffer.getvalue()


def real_office_files() -> list[tuple[str, bytes]]:
    """Files as Word and Excel write them (python-docx, openpyxl): printer settings and all."""
    document, book = io.BytesIO(), io.BytesIO()
    docx.Document().save(document)
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Báo cáo"
    workbook.save(book)
    return [("bao-cao.docx", document.getvalue()), ("so-lieu.xlsx", book.getvalue())]


@pytest.mark.parametrize("name, content", [*real_office_files(), ("bien-ban.odt", odt_bytes())])
def test_real_office_documents_pass_the_content_checks(cycle, name, content):
    evidence = services.add_evidence(fresh(cycle.officer), cycle.sheet, "1.1", upload(name, content))
    assert evidence.size == len(content)


NO_PDF = "cannot be read as a PDF document with at least one page"
ACTIVE = "contains macros or embedded programs ({part})"


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("trap.pdf", b"%PDF-1.7\n<html><body><script>alert(1)</script></body></html>", NO_PDF),
        ("blank.pdf", PDF.replace(b"Kids[3 0 R]/Count 1", b"Kids[]/Count 0"), NO_PDF),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "cannot be read as an image"),
        ("photo.jpg", JPEG[:40], "cannot be read as an image"),
        ("setup.docx", docx_bytes(extra=[("word/embeddings/setup.exe", b"MZ\x90\x00")]),
         ACTIVE.format(part="word/embeddings/setup.exe")),
        ("run.docx", docx_bytes(extra=[("word/media/run.ps1", "Remove-Item C:\\")]),
         ACTIVE.format(part="word/media/run.ps1")),
        ("macro.docx", docx_bytes(extra=[("word/vbaProject.bin", b"\x00")]),
         ACTIVE.format(part="word/vbaProject.bin")),
        ("package.docx", docx_bytes(extra=[("word/embeddings/oleObject1.bin", OLE)]),
         ACTIVE.format(part="word/embeddings/oleObject1.bin")),
        ("macro.docx", docx_bytes(main_type=WORD_MAIN.replace("document.main",
                                                              "document.macroEnabled.main")),
         ACTIVE.format(part="macroEnabled")),
        ("hollow.docx", docx_bytes(main_type="application/xml"),
         "cannot be read as the Office document its extension says"),
        ("macro.odt", odt_bytes(extra=[("Basic/Standard/Module1.xml", "<script/>")]),
         ACTIVE.format(part="Basic/Standard/Module1.xml")),
    ],
)
def test_content_that_is_not_what_it_claims_or_runs_code_is_refused(cycle, settings, name,
                                                                     content, message):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.add_evidence(fresh(cycle.officer), cycle.sheet, "1.1", upload(name, content))
    assert f"{name} {message}" in refused.value.messages[0]
    assert not Evidence.objects.exists()
    assert not any(path.is_file() for path in settings.MEDIA_ROOT.rglob("*"))
