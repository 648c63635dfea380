"""Small helpers every app's views share: one attachment response, one way to show refusals,
and the icon at the address browsers ask for first (/favicon.ico).

A file name may be Vietnamese (a campaign's name, a unit's): the header is built by Django's
`content_disposition_header`, which quotes it for every browser (RFC 6266/5987).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    HttpResponse,
    HttpResponsePermanentRedirect,
    StreamingHttpResponse,
)
from django.templatetags.static import static
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def attachment(content: bytes | Iterable[bytes] | BinaryIO, content_type: str, filename: str):
    """A download: bytes in one response; an open file streamed in blocks with its length
    (closed, and so a temporary file removed, when the response is done); an iterable of chunks
    streamed."""
    if isinstance(content, bytes | bytearray):
        response = HttpResponse(content, content_type=content_type)
    elif hasattr(content, "read"):
        response = FileResponse(content, content_type=content_type)
    else:
        response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def error_messages(error: Exception) -> list[str]:
    """What to tell the person: each message of a ValidationError (field by field), or the
    refusal's own words."""
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return [m for field_messages in error.message_dict.values() for m in field_messages]
        return list(error.messages)
    if isinstance(error, PermissionDenied):
        return [str(error) or _("You may not do this at this stage.")]
    return [str(error)]


def flash_errors(request, error: Exception) -> None:
    for message in error_messages(error):
        messages.error(request, message)


def favicon(request):
    """Browsers ask /favicon.ico before reading the page's <link rel="icon">: the static file."""
    return HttpResponsePermanentRedirect(static("parindex/favicon.ico"))
