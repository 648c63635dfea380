from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "parindex.jobs"
    verbose_name = _("Background jobs")

    def ready(self):
        from parindex.ops import health

        from .health import queue

        health.register("queue", queue)
