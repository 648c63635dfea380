"""Notifications and reminders: a `Notification` per recipient, written by the service that makes
the change (through `services.notify`, in its transaction), read in the inbox, counted in the
header, and mailed after commit (immediate) or once a day (the digest, by the daily check),
as each person chose on their preferences page. Reminders of the self-assessment deadline are
sent by the daily check, once per sheet and kind (`Reminder`).
"""
