"""What `/healthz` checks: a small registry of checks, each a function returning (ok, message).

A check must be cheap (a load balancer calls it every few seconds) and its message must say
nothing secret: on failure only the kind of error is shown, the details go to the log. A new
check (the task queue's, once a task backend is configured) is added with `register`:

    from parindex.ops import health
    health.register("queue", check_queue)
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.core.files.base import ContentFile

log = logging.getLogger(__name__)

Check = Callable[[], tuple[bool, str]]
CHECKS: dict[str, Check] = {}
PROBE = b"parindex health probe\n"


def register(name: str, check: Check) -> Check:
    CHECKS[name] = check
    return check


def run() -> tuple[bool, dict[str, dict]]:
    """Every check, in order: (all ok, {name: {"ok": bool, "message": str}})."""
    results = {}
    for name, check in CHECKS.items():
        try:
            ok, message = check()
        except Exception as error:  # a failing check is a result, never a 500
            log.exception("health check %s failed", name)
            ok, message = False, f"error: {type(error).__name__}"
        results[name] = {"ok": bool(ok), "message": message}
    return all(r["ok"] for r in results.values()), results


def database() -> tuple[bool, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        row = cursor.fetchone()
    return (row is not None and row[0] == 1), connection.vendor


def storage() -> tuple[bool, str]:
    """Write, read back and delete a tiny file through the storage every upload goes through."""
    from django.core.files.storage import default_storage

    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(PROBE))
    try:
        with default_storage.open(name, "rb") as stored:
            same = stored.read() == PROBE
    finally:
        default_storage.delete(name)
    return same, "read back" if same else "read back something else"


register("database", database)
register("storage", storage)
