from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_version_triggers(using, **kwargs):
    from .cache import ensure_version_triggers

    ensure_version_triggers(using)


class CEPPortalConfig(AppConfig):
    name = "cep_portal"
    verbose_name = "CEP Portal"

    def ready(self):
        # The triggers that bump the catalogue's version: created after every
        # migrate, since a migration may add a table or, on SQLite, rebuild one
        # (which drops its triggers).
        post_migrate.connect(
            _ensure_version_triggers, sender=self, dispatch_uid="cep-portal-version"
        )
