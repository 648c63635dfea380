"""Gives every web request its own id, so the change log can tie its rows together."""

from . import new_request_id


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = new_request_id()
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response
