"""Gives every web request its own id, so the change log and the log lines can tie its rows
together, and writes one log line per request (`parindex.request`)."""

import logging
import time

from django.utils.functional import empty

from . import new_request_id

log = logging.getLogger("parindex.request")


def _user_id(request):
    """The signed-in person's id, if the request already looked (no extra session query)."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request.request_id = new_request_id()
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        log.info(
            "%s %s %s %.1f ms", request.method, request.path, response.status_code, duration_ms,
            extra={
                "request_id": request.request_id,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": _user_id(request),
            },
        )
        return response
