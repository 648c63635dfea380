"""Tiny but real documents for upload tests: the checks read content, so fakes must look real."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from parindex.demo.assessment_round import MINI_PDF

PDF = MINI_PDF  # one blank page
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def image_bytes(format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format)
    return buffer.getvalue()


PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")


def docx_bytes(main_type=WORD_MAIN, extra=()) -> bytes:
    """A Word package; `extra` adds (part name, content) pairs."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Override PartName="/word/document.xml" ContentType="{main_type}"/></Types>'))
        archive.writestr("word/document.xml", "<document/>")
        for part, content in extra:
            archive.writestr(part, content)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def pdf(name="bao-cao.pdf") -> SimpleUploadedFile:
    return upload(name, PDF)
