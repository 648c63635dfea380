from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "parindex.plans"
    verbose_name = _("Reform plans and reports")

    def ready(self) -> None:
        from parindex.jobs import signals

        from . import services

        signals.daily_check.connect(services.on_daily_check, dispatch_uid="plans-daily")
