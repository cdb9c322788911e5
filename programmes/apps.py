from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Catalogue")

    def ready(self):
        # Stored search vectors follow every save of a programme, a tool or a threat.
        from .search import connect_signals

        connect_signals()
