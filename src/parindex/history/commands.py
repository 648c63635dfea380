"""`--as USERNAME` for the `parindex` commands that write: the person the change log names.

A command that writes domain data has an actor like any web request. `actor_for` answers the
active user of that name or raises CommandError with exit status 2 (missing, unknown, inactive);
what that person may do is then the service's question to `parindex.policy`.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def add_actor_argument(parser) -> None:
    parser.add_argument(
        "--as", dest="actor", metavar="USERNAME",
        help="the person making the change, named in the change log (required)",
    )


def actor_for(username: str | None):
    if not username:
        raise CommandError("name the person making the change: --as USERNAME", returncode=2)
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"no active user {username!r} (--as)", returncode=2)
    return user


def refused(exc: Exception) -> CommandError:
    """The error for a PermissionDenied from a service."""
    reason = str(exc) or "not allowed"
    return CommandError(f"refused: {reason}; nothing was written", returncode=2)
