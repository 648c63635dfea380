"""What the daily check (`jobs.signals.daily_check`) does for notifications: the deadline
reminders, then the day's digest emails."""

from __future__ import annotations

from . import services


def on_daily_check(sender, day, **kwargs) -> None:
    services.send_reminders(day)
    services.send_digests()
