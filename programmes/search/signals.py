"""Signal handlers that keep PostgreSQL's stored search vectors current.

A programme's or tool's vector holds the words of the threats it covers and, for a
programme, the names of the programmes merged into it: it is refreshed when the
record, a threat or a link between them changes, and filled after `migrate`.
"""

from django.db import router
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_save,
)

from risk_areas.models import Threat

from ..models import Programme
from .kinds import STORED
from .postgresql import is_postgresql, refresh_search_vectors


def _writes_to_postgresql(sender, using):
    return is_postgresql(using or router.db_for_write(sender))


def _refresh(model, using, **lookups):
    refresh_search_vectors(model._base_manager.using(using).filter(**lookups))


def _refresh_record(sender, instance, using=None, **kwargs):
    if not _writes_to_postgresql(sender, using):
        return
    # A programme's names are in its successor's vector, and in its former
    # successor's until that one is refreshed.
    pks = {
        instance.pk,
        getattr(instance, "successor_id", None),
        getattr(instance, "_search_former_successor", None),
    }
    _refresh(sender, using, pk__in=pks - {None})


def _remember_successor(sender, instance, raw=False, using=None, **kwargs):
    if instance.pk and _writes_to_postgresql(sender, using):
        instance._search_former_successor = (
            sender._base_manager.using(using)
            .filter(pk=instance.pk)
            .values_list("successor_id", flat=True)
            .first()
        )


def _refresh_successor(sender, instance, using=None, **kwargs):
    if instance.successor_id and _writes_to_postgresql(sender, using):
        _refresh(sender, using, pk=instance.successor_id)


def _refresh_for_threat(sender, instance, using=None, **kwargs):
    if _writes_to_postgresql(sender, using):
        for kind in STORED:
            _refresh(kind.model, using, threats=instance)


def _refresh_threat_links(
    sender, instance, action, reverse, model, pk_set, using, **kwargs
):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    owners = {kind.model.threats.through: kind.model for kind in STORED}
    if sender not in owners or not is_postgresql(using):
        return
    if not reverse:
        _refresh(owners[sender], using, pk=instance.pk)
    elif pk_set:
        _refresh(owners[sender], using, pk__in=pk_set)
    else:
        # A threat's links were cleared: the records it was linked to are unknown now.
        _refresh(owners[sender], using)


def _fill_missing_vectors(sender, using="default", **kwargs):
    if sender.name == "programmes" and is_postgresql(using):
        for kind in STORED:
            _refresh(kind.model, using, search_vector__isnull=True)


def connect_signals():
    """Refresh stored vectors when a record, its threats or a threat change, and
    fill any missing ones after `migrate`."""
    for kind in STORED:
        post_save.connect(
            _refresh_record,
            sender=kind.model,
            dispatch_uid=f"search-vector-{kind.key}",
        )
    pre_save.connect(
        _remember_successor,
        sender=Programme,
        dispatch_uid="search-vector-programme-successor",
    )
    post_delete.connect(
        _refresh_successor,
        sender=Programme,
        dispatch_uid="search-vector-programme-deleted",
    )
    post_save.connect(
        _refresh_for_threat,
        sender=Threat,
        dispatch_uid="search-vector-threat",
    )
    m2m_changed.connect(_refresh_threat_links, dispatch_uid="search-vector-threats")
    post_migrate.connect(_fill_missing_vectors, dispatch_uid="search-vector-migrate")
