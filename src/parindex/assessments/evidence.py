"""Checks on uploaded evidence: the type is read from the content, not trusted from the name.

Accepted: PDF, Office documents (OOXML docx/xlsx/pptx, legacy OLE doc/xls/ppt, OpenDocument
odt/ods/odp) and PNG/JPEG images. The extension must agree with the content, so a renamed
executable or a script dressed as a PDF is refused. The size limit is PARINDEX_MAX_UPLOAD_MB.
"""

from __future__ import annotations

import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_MAX_MB = 20

OOXML = {
    ".docx": ("word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".xlsx": ("xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".pptx": ("ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
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
    return content_type


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
