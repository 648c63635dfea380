"""The language of the pages: Vietnamese for everyone, English only as a person's own choice.

The browser's Accept-Language is never read. The choice made in the language menu is kept in
the language cookie (this device) and, for a signed-in person, on their account
(`notifications.Preference.language`, also the language of their emails), which is applied
again whenever they log in, on any device."""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


def supported(code: str | None) -> str:
    """The installation's language for `code`, or "" when it is none of them."""
    if not code:
        return ""
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return ""


def remember(request, code: str) -> None:
    """Use `code` for the rest of this request and set the cookie on its response."""
    translation.activate(code)
    request.LANGUAGE_CODE = translation.get_language()
    request.chosen_language = code


class LanguageMiddleware(LocaleMiddleware):
    """The cookie's language, else Vietnamese (settings.LANGUAGE_CODE) whatever the browser says."""

    def process_request(self, request):
        code = supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        translation.activate(code or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        code = getattr(request, "chosen_language", "")
        if code and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != code:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, code,
                max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN, secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
