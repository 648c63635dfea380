from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running the service: health checks, request logs, backup and restore."""

    name = "parindex.ops"
    verbose_name = _("Operations")
