"""What the daily check (`jobs.signals.daily_check`) does for notifications: the deadline
reminders, then the day's digest emails."""

from __future__ import annotations

from parindex.language import remember, supported

from . import selectors, services


def on_daily_check(sender, day, **kwargs) -> None:
    services.send_reminders(day)
    services.send_digests()


def on_login(sender, request, user, **kwargs) -> None:
    """The language kept on the account follows the person to any device they log in on."""
    code = supported(selectors.preference(user).language)
    if request is not None and code:
        remember(request, code)
