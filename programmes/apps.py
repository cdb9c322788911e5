from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_search_indexes(using, **kwargs):
    from .search import ensure_indexes

    ensure_indexes(using)


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Catalogue")

    def ready(self):
        # SQLite's FTS5 indexes and their triggers: created after every migrate,
        # since a migration that rebuilds a table drops its triggers.
        post_migrate.connect(
            _ensure_search_indexes, sender=self, dispatch_uid="programmes-fts5"
        )
