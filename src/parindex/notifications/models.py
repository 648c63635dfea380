"""A notification per recipient, each person's delivery choice, and the reminders sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One event, told to one person. Its text is made from `kind` and `params` in the reader's
    language (kinds.py); `round`, `sheet` and `campaign` say what it is about (for the link)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"),
                                  on_delete=models.CASCADE, related_name="notifications")
    # One of kinds.KINDS (no choices here: a new kind needs no migration).
    kind = models.CharField(_("kind"), max_length=32)
    round = models.ForeignKey("assessments.Round", verbose_name=_("round"), null=True,
                              blank=True, on_delete=models.CASCADE, related_name="+")
    sheet = models.ForeignKey("assessments.Sheet", verbose_name=_("sheet"), null=True,
                              blank=True, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey("awards.Campaign", verbose_name=_("campaign"), null=True,
                                 blank=True, on_delete=models.CASCADE, related_name="+")
    params = models.JSONField(_("text parameters"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(fields=["recipient"], name="notification_unread",
                         condition=models.Q(read_at__isnull=True)),
            models.Index(fields=["recipient"], name="notification_unmailed",
                         condition=models.Q(emailed_at__isnull=True)),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        from .kinds import text

        return text(self)


class Preference(models.Model):
    """How a person wants to hear of their notifications (no row: a daily digest)."""

    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", _("An email for each notification")
        DIGEST = "digest", _("One email a day (digest)")
        INBOX = "inbox", _("In the inbox only, no email")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                                on_delete=models.CASCADE, related_name="notification_preference")
    delivery = models.CharField(_("delivery"), max_length=16, choices=Delivery.choices,
                                default=Delivery.DIGEST)
    # The person's language: their emails, and their pages from each log-in (parindex.language);
    # blank: the installation's (Vietnamese). Set from the language menu or the preferences page.
    language = models.CharField(_("language"), max_length=8, blank=True,
                                choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.delivery}"


class Reminder(models.Model):
    """A deadline reminder sent for one sheet: once per sheet and kind, whoever runs the check."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Deadline in 3 days")
        OVERDUE = "overdue", _("Deadline passed")

    sheet = models.ForeignKey("assessments.Sheet", verbose_name=_("sheet"),
                              on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    day = models.DateField(_("day checked"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "kind"], name="one_reminder_per_sheet_kind"),
        ]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")

    def __str__(self) -> str:
        return f"{self.sheet}: {self.kind}"
