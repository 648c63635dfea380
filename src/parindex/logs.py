"""Log lines that carry the request id: JSON in production, readable text while developing.

`PARINDEX_LOG_FORMAT=json|text` chooses; every record gets `request_id` (the web request's or the
command run's, as the change log stores it), and the `parindex.request` logger writes one line per
request with its method, path, status, duration and user.
"""

from __future__ import annotations

import datetime
import json
import logging

from parindex.history import current_request_id

# Attributes every LogRecord has; anything else was passed in `extra=` and goes into the line.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = current_request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id and any extras."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC)
            .isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": record.request_id,  # set by RequestIdFilter on the handler
        }
        line.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def config(fmt: str = "text", level: str = "INFO") -> dict:
    """The LOGGING setting: everything to stderr, in `fmt` ("json" or "text")."""
    if fmt not in ("json", "text"):
        raise ValueError(f"PARINDEX_LOG_FORMAT must be json or text, not {fmt!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "parindex.logs.RequestIdFilter"}},
        "formatters": {
            "json": {"()": "parindex.logs.JsonFormatter"},
            "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_id"],
                "formatter": fmt,
            },
        },
        # Libraries speak from WARNING up (a command's output stays its own); parindex's loggers,
        # the request lines among them, from `level`.
        "root": {"handlers": ["console"], "level": "WARNING"},
        "loggers": {
            "parindex": {"level": level},
            # Django's own handlers (mail to admins) are replaced by ours; runserver's request
            # lines too, as parindex.request writes one per request.
            "django": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        },
    }
