"""The unread count in the header: one count on an indexed column."""

from . import selectors


def unread(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": selectors.unread_count(user)}
