"""Reads: a person's inbox (through `policy.visible_notifications`), their preferences, and who
was reminded of a round's deadline (through `policy.visible_reminders`)."""

from __future__ import annotations

from django.core.paginator import Paginator

from parindex import policy

from . import kinds
from .models import Notification, Preference

PER_PAGE = 20


def inbox(user, page_number) -> object:
    """The person's notifications, newest first, a page at a time (each with its text)."""
    page = Paginator(policy.visible_notifications(user), PER_PAGE) \
        .get_page(page_number)
    for notification in page:
        notification.title = kinds.title(notification)
        notification.text = kinds.text(notification)
    return page


def preference(user) -> Preference:
    """The person's choice, or the default (a daily digest) when they never chose."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def reminders(user, round) -> list[dict]:
    """Each reminder sent for the round (unit, kind, when) with the people it went to; two
    queries whatever the number of units."""
    sent = list(policy.visible_reminders(user, round).select_related("sheet__unit")
                .order_by("sent_at", "sheet__unit__code"))
    told = Notification.objects.filter(
        sheet_id__in=[r.sheet_id for r in sent], kind__in=list(kinds.REMINDERS.values())
    ).select_related("recipient").order_by("recipient__username")
    people = {}
    for notification in told:
        people.setdefault((notification.sheet_id, notification.kind), []).append(
            notification.recipient)
    return [{"reminder": r, "people": people.get((r.sheet_id, kinds.REMINDERS[r.kind]), [])}
            for r in sent]


def unread_count(user) -> int:
    return policy.visible_notifications(user).filter(read_at__isnull=True).count()

