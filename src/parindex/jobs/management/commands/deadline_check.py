"""`parindex deadline-check [--day YYYY-MM-DD]`: queue the daily check (run it from cron or a
systemd timer once a day). The check marks stale jobs failed and sends `jobs.signals.daily_check`
with the day's round deadlines, for reminders to hook into. It changes no one's data, so it
names no actor.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parindex.jobs.tasks import deadline_check


class Command(BaseCommand):
    help = "Queue the daily deadline check (stale jobs, the day's round deadlines)."

    def add_arguments(self, parser):
        parser.add_argument("--day", help="The day to check (YYYY-MM-DD; default: today).")

    def handle(self, *args, day: str | None, **options):
        try:
            date = datetime.date.fromisoformat(day) if day else timezone.localdate()
        except ValueError:
            raise CommandError(f"--day {day!r} is not a date (YYYY-MM-DD).", returncode=2) \
                from None
        result = deadline_check.enqueue(date.isoformat())
        self.stdout.write(f"deadline check for {date.isoformat()} queued ({result.id})")
