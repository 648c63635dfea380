from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "parindex.notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from parindex.jobs import signals

        from . import receivers

        signals.daily_check.connect(receivers.on_daily_check, dispatch_uid="notifications-daily")
        user_logged_in.connect(receivers.on_login, dispatch_uid="notifications-language")
