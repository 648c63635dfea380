"""Writes of notifications: the one door that tells people of an event (`notify`), reading,
delivery preferences, the emails (immediate, after commit, and the daily digest) and the
deadline reminders of the daily check.

`notify` runs inside the transaction of the service that made the change, so a change that is
rolled back tells nobody; its recipients are a queryset from `parindex.policy`. Reading a
notification and mailing it change nobody's data, so they are not in the change log; a change
of preferences is.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from parindex import history, policy
from parindex.assessments.models import Round, Sheet

from . import kinds
from .models import Notification, Preference, Reminder

Delivery = Preference.Delivery
REMINDER_DAYS = 3  # the "due soon" reminder starts this many days before the deadline


# --------------------------------------------------------------------------- telling people


def _about(round=None, sheet=None, campaign=None) -> tuple[dict, str]:
    """The names a notification mentions, and the page it links to."""
    from django.urls import reverse

    params, link = {}, ""
    if sheet is not None:
        round = round or sheet.round
        params["unit"] = sheet.unit.name
        link = reverse("assessments:sheet", args=[round.code, sheet.unit.code])
    if round is not None:
        params["round"] = round.name
        link = link or reverse("assessments:round", args=[round.code])
    if campaign is not None:
        params["campaign"] = campaign.name
        link = reverse("awards:campaign", args=[campaign.code])
    return params, link


def notify(actor, kind: str, recipients, *, round: Round | None = None,
           sheet: Sheet | None = None, campaign=None, params: dict | None = None,
           link: str = "") -> list[Notification]:
    """Tell `recipients` (a policy queryset of people) of an event, leaving out `actor` (who
    knows). Call it inside the change's transaction. Those who chose immediate email get it
    from a task queued when the transaction commits."""
    if kind not in kinds.KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if actor is not None and getattr(actor, "pk", None):
        recipients = recipients.exclude(pk=actor.pk)
    people = list(recipients.order_by("pk").values_list("pk", flat=True).distinct())
    if not people:
        return []
    about, default_link = _about(round, sheet, campaign)
    data = {**about, **(params or {}), "link": link or default_link}
    rows = Notification.objects.bulk_create([
        Notification(recipient_id=pk, kind=kind, round=round or (sheet.round if sheet else None),
                     sheet=sheet, campaign=campaign, params=data)
        for pk in people
    ])
    immediate = set(Preference.objects.filter(user_id__in=people, delivery=Delivery.IMMEDIATE)
                    .values_list("user_id", flat=True))
    ids = [row.pk for row in rows if row.recipient_id in immediate]
    if ids:
        from .tasks import send_emails

        transaction.on_commit(lambda: send_emails.enqueue(ids))
    return rows


# --------------------------------------------------------------------------- reading


def mark_read(actor, pk: int) -> Notification:
    """Mark one of the person's notifications read (anyone else's: "not found")."""
    from django.shortcuts import get_object_or_404

    notification = get_object_or_404(policy.visible_notifications(actor), pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(actor) -> int:
    return policy.visible_notifications(actor).filter(read_at__isnull=True).update(
        read_at=timezone.now())


def set_preferences(actor, delivery: str, language: str = "") -> Preference:
    """The person's own choice: immediate email, a daily digest, or the inbox only."""
    if not (actor is not None and actor.is_authenticated):
        raise PermissionDenied
    if delivery not in Delivery.values:
        raise ValueError(f"unknown delivery {delivery!r}")
    with transaction.atomic():
        preference, _created = Preference.objects.select_for_update().get_or_create(user=actor)
        before = {"delivery": preference.delivery, "language": preference.language}
        preference.delivery, preference.language = delivery, language or ""
        preference.save()
        after = {"delivery": preference.delivery, "language": preference.language}
        if before != after or _created:
            history.record(actor, "update", preference, before=before, after=after)
    return preference


def set_language(actor, language: str) -> Preference | None:
    """The language the person chose in the menu, kept on their account for every device (and
    their emails). Nobody signed in: nothing to keep (the cookie alone remembers it)."""
    if not (actor is not None and actor.is_authenticated):
        return None
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown language {language!r}")
    with transaction.atomic():
        preference, created = Preference.objects.select_for_update().get_or_create(user=actor)
        if preference.language == language and not created:
            return preference
        before = {"language": preference.language}
        preference.language = language
        preference.save(update_fields=["language"])
        history.record(actor, "update", preference, before=before, after={"language": language})
    return preference


# --------------------------------------------------------------------------- email


def language_of(user) -> str:
    preference = getattr(user, "notification_preference", None) if user else None
    return getattr(preference, "language", "") or settings.LANGUAGE_CODE


def _line(notification: Notification) -> str:
    link = notification.params.get("link", "")
    text = kinds.text(notification)
    return f"{text}\n{settings.PARINDEX_SITE_URL.rstrip('/')}{link}" if link else text


def _mail(user, subject: str, lines: list[str]) -> None:
    footer = _("You receive this email from PAR INDEX. Choose how you are told of events on "
               "your notification preferences page: %(url)s") % {
        "url": settings.PARINDEX_SITE_URL.rstrip("/") + "/notifications/preferences/"}
    body = "\n\n".join([*lines, "--", footer]) + "\n"
    send_mail(f"[PAR INDEX] {subject}", body, None, [user.email])


def _query():
    return Notification.objects.filter(
        emailed_at__isnull=True, recipient__is_active=True
    ).exclude(recipient__email="").select_related("recipient__notification_preference")


def send_immediate(ids: list[int]) -> int:
    """Mail each of these notifications (the immediate choice); each only once."""
    sent = 0
    for notification in _query().filter(pk__in=ids).order_by("pk"):
        user = notification.recipient
        with translation.override(language_of(user)):
            _mail(user, kinds.title(notification), [_line(notification)])
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def send_digests() -> int:
    """One email per person who chose the daily digest (the default), with every notification
    not mailed yet; returns the number of emails."""
    pending = _query().exclude(
        recipient__notification_preference__delivery__in=[Delivery.IMMEDIATE, Delivery.INBOX]
    ).order_by("recipient_id", "created_at", "pk")
    by_person = defaultdict(list)
    for notification in pending:
        by_person[notification.recipient_id].append(notification)
    for group in by_person.values():
        user = group[0].recipient
        with translation.override(language_of(user)):
            subject = _("Your notifications: %(count)s new") % {"count": len(group)}
            _mail(user, subject, [_line(n) for n in group])
        Notification.objects.filter(pk__in=[n.pk for n in group]).update(
            emailed_at=timezone.now())
    return len(by_person)


# --------------------------------------------------------------------------- reminders


def _remind_departments(sheet: Sheet) -> None:
    """A sheet drafted by departments (the province's national self-assessment): each
    department with sub-criteria still undrafted is told how many."""
    from django.urls import reverse

    from parindex.assessments.selectors import department_progress

    link = reverse("assessments:national", args=[sheet.round.code])
    for line in department_progress(sheet.criterion_assignments.all()):
        if line.undrafted:
            notify(None, "criteria_reminder",
                   policy.department_people([line.unit_id]),
                   sheet=sheet, link=link, params={
                       "count": line.undrafted,
                       "deadline": sheet.round.self_deadline.isoformat()})


def send_reminders(day: datetime.date) -> list[Reminder]:
    """Remind the officers and head of each unit whose sheet is still a draft: from three days
    before the self-assessment deadline ("due soon") and after it ("overdue"); once per sheet
    and kind, however often the check runs. A sheet drafted by departments also reminds each
    department with sub-criteria undrafted. Acts for nobody."""
    rounds = Round.objects.filter(
        kind=Round.Kind.ASSESSMENT, approved_at__isnull=True, self_deadline__isnull=False,
        self_deadline__lte=day + datetime.timedelta(days=REMINDER_DAYS),
    )
    sent = []
    for round in rounds:
        kind = Reminder.Kind.DUE_SOON if day <= round.self_deadline else Reminder.Kind.OVERDUE
        sheets = (Sheet.objects.filter(round=round, state=Sheet.State.DRAFT)
                  .exclude(reminders__kind=kind).select_related("unit", "round"))
        for sheet in sheets:
            try:
                with transaction.atomic():
                    reminder = Reminder.objects.create(sheet=sheet, kind=kind, day=day)
                    notify(None, kinds.REMINDERS[kind], policy.sheet_unit_people(sheet),
                           sheet=sheet, params={"deadline": round.self_deadline.isoformat()})
                    _remind_departments(sheet)
            except IntegrityError:  # another check sent it meanwhile
                continue
            sent.append(reminder)
    return sent
