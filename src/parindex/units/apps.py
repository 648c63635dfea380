from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "parindex.units"
    verbose_name = _("Units")

    def ready(self):
        from django.db.backends.signals import connection_created

        from parindex import collation

        connection_created.connect(collation.register, dispatch_uid="parindex-collation-vi")
