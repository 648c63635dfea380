"""The views' shared helpers: attachments and refusals."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from parindex import web


def test_an_attachment_names_a_vietnamese_file_for_every_browser():
    response = web.attachment(b"x", web.XLSX, "Sổ khen thưởng.xlsx")
    header = response["Content-Disposition"]
    assert header.startswith("attachment; filename*=utf-8''")
    assert "S%E1%BB%95%20khen%20th%C6%B0%E1%BB%9Fng.xlsx" in header
    assert response.content == b"x"


def test_a_quote_in_a_file_name_cannot_break_the_header():
    header = web.attachment(b"", web.CSV, 'a".csv')["Content-Disposition"]
    assert header == 'attachment; filename="a\\".csv"'


def test_chunks_are_streamed():
    response = web.attachment(iter([b"a", b"b"]), web.CSV, "a.csv")
    assert response.streaming and b"".join(response.streaming_content) == b"ab"


def test_refusals_become_messages_field_by_field():
    assert web.error_messages(ValidationError({"name": ["Trống"], "code": ["Trùng"]})) == [
        "Trống", "Trùng"]
    assert web.error_messages(ValidationError(["a", "b"])) == ["a", "b"]
    with translation.override("en"):
        assert web.error_messages(PermissionDenied()) == ["You may not do this at this stage."]
    assert web.error_messages(PermissionDenied("Không được")) == ["Không được"]
