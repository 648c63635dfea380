"""Log lines carry the request id the response sends back as X-Request-ID."""

import io
import json
import logging

import pytest
from django.db import connection

from parindex import logs
from parindex.history import new_request_id
from tests import cast


@pytest.fixture
def json_lines():
    """The JSON lines written while the test runs, through the same filter and formatter as the
    production configuration."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.RequestIdFilter())
    handler.setFormatter(logs.JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    level, root.level = root.level, logging.INFO
    request_logger = logging.getLogger("parindex.request")
    request_logger.setLevel(logging.INFO)

    def lines():
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    root.removeHandler(handler)
    root.level = level
    request_logger.setLevel(logging.NOTSET)


@pytest.mark.django_db
def test_a_request_line_carries_the_header_id(client, json_lines):
    person = cast.administrator()
    client.force_login(person)
    response = client.get("/")
    assert response.status_code == 200
    [line] = [line for line in json_lines() if line["logger"] == "parindex.request"]
    assert line["request_id"] == response["X-Request-ID"] != ""
    assert line["method"] == "GET" and line["path"] == "/" and line["status"] == 200
    assert line["user_id"] == person.pk
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")


@pytest.mark.django_db
def test_app_records_during_a_request_carry_its_id(client, json_lines, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("down")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    lines = json_lines()
    failure = next(line for line in lines if line["logger"] == "parindex.ops.health")
    assert failure["request_id"] == response["X-Request-ID"]
    assert "ConnectionError: down" in failure["exception"]
    request = next(line for line in lines if line["logger"] == "parindex.request")
    assert request["request_id"] == response["X-Request-ID"] and request["status"] == 503
    assert request["user_id"] is None


def test_text_lines_and_the_choice_of_format():
    new_request_id("cli-")
    record = logging.makeLogRecord({"name": "parindex.x", "levelname": "INFO", "msg": "hello"})
    logs.RequestIdFilter().filter(record)
    config = logs.config("text")
    text = logging.Formatter(config["formatters"]["text"]["format"]).format(record)
    assert text.endswith(f"INFO parindex.x [{record.request_id}] hello")
    assert record.request_id.startswith("cli-")
    assert config["handlers"]["console"]["formatter"] == "text"
    assert logs.config("json")["handlers"]["console"]["formatter"] == "json"
    with pytest.raises(ValueError, match="json or text"):
        logs.config("xml")
