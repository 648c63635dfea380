"""Hooks for work that follows jobs and days (notifications, reminders): connect receivers.

- `job_finished(sender=Job, job=…)`: a job ended, `job.state` done or failed.
- `daily_check(sender=None, day=…, deadlines=[(round, field name, date), …])`: sent once a day
  by the `deadline_check` task (`parindex deadline-check`), with the rounds' deadlines that
  fall on `day`.
"""

from django.dispatch import Signal

job_finished = Signal()
daily_check = Signal()
