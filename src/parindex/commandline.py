"""What the `parindex` commands that write share: naming the person who acts.

A write from the command line goes through the same service door as the web, so it needs a
person for the policy to judge and for the change log to name. `--as USERNAME` names that
person; a missing, unknown or inactive account, or a refusal by the policy, ends the command
with exit status 2 and one clear line, before anything is written.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError

from parindex.engine.framework import FrameworkError
from parindex.engine.tables import InputError


def add_actor_argument(parser) -> None:
    parser.add_argument(
        "--as", dest="actor", metavar="USERNAME",
        help="the account doing this (required; recorded in the change log)",
    )


def acting_user(username: str | None):
    """The active account `username`, or CommandError (exit 2) saying what is wrong."""
    username = (username or "").strip()
    if not username:
        raise CommandError("say who is doing this: --as USERNAME", returncode=2)
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"unknown or inactive user '{username}' (--as)", returncode=2)
    return user


def refused(error) -> CommandError:
    """A policy refusal (PermissionDenied) as the command's exit-2 error."""
    return CommandError(f"refused: {error or 'not allowed'}; nothing was written", returncode=2)


@contextmanager
def file_import(stderr, file, nothing: str = "nothing was imported"):
    """What stops an import from a file, as the command's exit-2 error, nothing written: a
    refusal, a refused value, each problem of the file on its own line, an unreadable file."""
    try:
        yield
    except PermissionDenied as exc:
        raise refused(exc) from None
    except (FrameworkError, InputError) as exc:
        for issue in exc.errors:
            stderr.write(str(issue))
        total = getattr(exc, "total", len(exc.errors))
        raise CommandError(f"{total} error(s); {nothing}", returncode=2) from None
    except ValidationError as exc:
        for message in exc.messages:
            stderr.write(message)
        raise CommandError(f"{'; '.join(exc.messages)}; {nothing}", returncode=2) from None
    except OSError as exc:
        raise CommandError(f"cannot read {file}: {exc.strerror}", returncode=2) from None
