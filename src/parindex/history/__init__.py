"""The one change log of parindex: `record` a change inside the transaction that makes it.

Every service that writes domain data calls `record` (or `bulk` for an import) in the same
`transaction.atomic()` block as the write, so a change and its history row are saved together or
not at all. `request_id` ties together every row one web request or one command run wrote: the
middleware sets it per request, `parindex` per command.

Reading: `for_object` (one record's history, newest first), `for_scope` (a round's, a
campaign's or a survey's whole history, oldest first, as the XLSX export lists it) and `about`
(both at once, newest first: what the history pages show).
"""

from __future__ import annotations

import contextvars
import datetime
import uuid
from decimal import Decimal
from typing import Any

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("parindex_request_id", default="")


def new_request_id(prefix: str = "") -> str:
    """Start a new request (or command run) id for the rows written from here on."""
    value = f"{prefix}{uuid.uuid4().hex}"
    _request_id.set(value)
    return value


def current_request_id() -> str:
    return _request_id.get()


def plain(value: Any) -> Any:
    """A value as the log's JSON keeps it: rows by id, dates and decimals as text."""
    if hasattr(value, "pk"):
        return value.pk
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal | datetime.date):
        return str(value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return str(value)


def _actor(user):
    """The person to store; None for the system (migrations, the first demo load)."""
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def entry(actor, action: str, obj, *, scope=None, part: str = "", before: dict | None = None,
          after: dict | None = None, changes: dict | None = None, reason: str = "", at=None):
    """An unsaved change row; `record` saves one, `bulk` saves many at once.

    `changes` ({field: [old, new]}) is another way to give `before` and `after`; a side whose
    value is None is left out of that side.
    """
    if changes:
        before = {**(before or {}), **{f: o for f, (o, _n) in changes.items() if o is not None}}
        after = {**(after or {}), **{f: n for f, (_o, n) in changes.items() if n is not None}}
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from .models import Change

    return Change(
        at=at or timezone.now(),
        actor=_actor(actor),
        action=action,
        object_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        part=part or "",
        scope_type=ContentType.objects.get_for_model(scope) if scope is not None else None,
        scope_id=scope.pk if scope is not None else None,
        before={k: plain(v) for k, v in (before or {}).items()},
        after={k: plain(v) for k, v in (after or {}).items()},
        reason=reason or "",
        request_id=current_request_id(),
    )


def record(actor, action: str, obj, **kwargs):
    """Record one change of `obj` by `actor` (see `entry` for the rest)."""
    change = entry(actor, action, obj, **kwargs)
    change.save()
    return change


def bulk(changes: list) -> None:
    from .models import Change

    Change.objects.bulk_create(changes, batch_size=2000)


def for_object(obj, part: str | None = None):
    """One record's changes, newest first."""
    from django.contrib.contenttypes.models import ContentType

    from .models import Change

    changes = Change.objects.filter(
        object_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=obj.pk,
    )
    if part is not None:
        changes = changes.filter(part=part)
    return changes.select_related("actor").order_by("-at", "-pk")


def for_scope(scope):
    """Every change listed under a round, campaign or survey, oldest first."""
    from django.contrib.contenttypes.models import ContentType

    from .models import Change

    return Change.objects.filter(
        scope_type=ContentType.objects.get_for_model(scope), scope_id=scope.pk
    ).select_related("actor", "object_type").order_by("at", "pk")


def about(obj):
    """Changes of `obj` itself and every change listed under it, newest first."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from .models import Change

    own_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    scope_type = ContentType.objects.get_for_model(obj)
    return Change.objects.filter(
        Q(object_type=own_type, object_id=obj.pk) | Q(scope_type=scope_type, scope_id=obj.pk)
    ).select_related("actor", "object_type").order_by("-at", "-pk")
