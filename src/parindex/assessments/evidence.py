"""Checks on uploaded evidence: the type is read from the content, not trusted from the name.

Accepted: PDF, Office documents (OOXML docx/xlsx/pptx, legacy OLE doc/xls/ppt, OpenDocument
odt/ods/odp) and PNG/JPEG images. The extension must agree with the content, so a renamed
executable or a script dressed as a PDF is refused. The size limit is PARINDEX_MAX_UPLOAD_MB.

Then the content itself is opened, with bounded work (nothing is decompressed but a capped
read of one small part): a PDF must parse (pypdf) and have a page; an image must verify
(Pillow, which also refuses decompression bombs); an OOXML package must declare its main part
of the right kind in `[Content_Types].xml` and have it; no zip package (OOXML or OpenDocument)
may carry macros, ActiveX, OLE packages or executables. Legacy OLE files are checked by
signature only (no maintained parser is installed).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import PurePath

import pypdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image

DEFAULT_MAX_MB = 20

OOXML = {
    ".docx": ("word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".xlsx": ("xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".pptx": ("ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
# The main part's declared type (macro-enabled variants are other types, so they fail here).
MAIN_PART = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
MAX_PARTS = 10_000
MAX_CONTENT_TYPES = 1024 * 1024  # bytes of [Content_Types].xml read, at most
# Parts that run code: macros, ActiveX, OLE packages (which wrap any file), executables.
ACTIVE_PART = re.compile(
    r"vbaProject\.bin$|vbaData\.xml$|(^|/)(activeX|Basic|Scripts)/|oleObject[^/]*\.bin$|"
    r"(^|/)embeddings/[^/]*\.bin$|\.(exe|dll|bat|cmd|com|scr|msi|js|jse|vbs|vbe|wsf|hta|ps1|jar|lnk)$",
    re.IGNORECASE)
ACTIVE_TYPE = re.compile(r"vbaProject|macroEnabled|activeX|oleObject", re.IGNORECASE)
IMAGE_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}
ODF = {
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
}
OLE = {
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
}
SIGNATURES = [
    (b"%PDF-", {".pdf": "application/pdf"}),
    (b"\x89PNG\r\n\x1a\n", {".png": "image/png"}),
    (b"\xff\xd8\xff", {".jpg": "image/jpeg", ".jpeg": "image/jpeg"}),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE),
]
ACCEPTED = ".pdf, .docx, .xlsx, .pptx, .doc, .xls, .ppt, .odt, .ods, .odp, .png, .jpg"


def max_upload_bytes() -> int:
    return int(getattr(settings, "PARINDEX_MAX_UPLOAD_MB", DEFAULT_MAX_MB)) * 1024 * 1024


def check_upload(upload) -> str:
    """The content type of an acceptable upload; ValidationError says what is wrong."""
    name = upload.name or ""
    suffix = PurePath(name).suffix.lower()
    limit = max_upload_bytes()
    if upload.size == 0:
        raise ValidationError(_("The file %(name)s is empty.") % {"name": name})
    if upload.size > limit:
        raise ValidationError(
            _("The file %(name)s is larger than %(limit)s MB.")
            % {"name": name, "limit": limit // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    content_type = _detect(upload, head, suffix)
    upload.seek(0)
    if content_type is None:
        raise ValidationError(
            _("%(name)s is not an accepted document: use PDF, Office documents or images "
              "(%(accepted)s), with the extension that matches the content.")
            % {"name": name, "accepted": ACCEPTED}
        )
    try:
        _inspect(upload, content_type, suffix, name)
    finally:
        upload.seek(0)
    return content_type


def _inspect(upload, content_type: str, suffix: str, name: str) -> None:
    """Open the content as its type says; ValidationError when it is not that, or runs code."""
    if content_type == "application/pdf" and not _pdf_pages(upload):
        raise ValidationError(
            _("%(name)s cannot be read as a PDF document with at least one page.")
            % {"name": name})
    if content_type in IMAGE_FORMATS and not _image_ok(upload, IMAGE_FORMATS[content_type]):
        raise ValidationError(_("%(name)s cannot be read as an image.") % {"name": name})
    if suffix in OOXML or suffix in ODF:
        active, readable = _package(upload, suffix)
        if active:
            raise ValidationError(
                _("%(name)s contains macros or embedded programs (%(part)s), which are not "
                  "accepted as evidence. Save it as a plain document or as PDF.")
                % {"name": name, "part": active})
        if not readable:
            raise ValidationError(
                _("%(name)s cannot be read as the Office document its extension says.")
                % {"name": name})


def _pdf_pages(upload) -> int:
    try:
        return len(pypdf.PdfReader(upload).pages)
    except Exception:  # noqa: BLE001 - whatever a hostile file makes the parser raise
        return 0


def _image_ok(upload, expected: str) -> bool:
    try:
        with Image.open(upload) as image:
            image.verify()  # structure and checksums, without decoding the pixels
            return image.format == expected
    except Exception:  # noqa: BLE001 - including Pillow's DecompressionBombError
        return False


def _package(upload, suffix: str) -> tuple[str | None, bool]:
    """(the first part that runs code, whether the package is what its extension says)."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if len(names) > MAX_PARTS:
                return None, False
            active = next((n for n in names if ACTIVE_PART.search(n)), None)
            if active or suffix not in OOXML:
                return active, True
            with archive.open("[Content_Types].xml") as handle:
                declared = handle.read(MAX_CONTENT_TYPES).decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, RuntimeError, ValueError,
            NotImplementedError, zlib.error):
        return None, False
    active = ACTIVE_TYPE.search(declared)
    return (active.group(0), True) if active else (None, _has_main_part(declared, suffix, names))


def _has_main_part(declared: str, suffix: str, names: list[str]) -> bool:
    """`[Content_Types].xml` declares a main part of the extension's kind, and it is there."""
    for tag in re.findall(r"<Override\b[^>]*>", declared):
        attrs = dict(re.findall(r"""(\w+)\s*=\s*["']([^"']*)["']""", tag))
        if attrs.get("ContentType") == MAIN_PART[suffix]:
            return attrs.get("PartName", "").lstrip("/") in names
    return False


def _detect(upload, head: bytes, suffix: str) -> str | None:
    for magic, types in SIGNATURES:
        if head.startswith(magic):
            return types.get(suffix)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
                if suffix in OOXML:
                    folder, content_type = OOXML[suffix]
                    ok = "[Content_Types].xml" in names and any(
                        n.startswith(folder) for n in names
                    )
                    return content_type if ok else None
                if suffix in ODF and "mimetype" in names:
                    declared = archive.read("mimetype").decode("ascii", "replace").strip()
                    return ODF[suffix] if declared == ODF[suffix] else None
        except zipfile.BadZipFile:
            return None
    return None
