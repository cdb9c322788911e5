"""Every change to catalogue content, recorded with who, when and why.

django-simple-history keeps one historical table per catalogue model (and one per
plain many-to-many link). Two things are added here:

- `recorded_as(reason, user=None)`: everything saved inside it is recorded with
  that reason (and user), e.g. a `load_catalogue` run;
- one version per operation: a save followed by changes of the record's links
  in the same request (or the same `recorded_as` block) is one version, not one
  per link, so consecutive versions differ by what the editor did.

The models are registered in each app's `translation` module, after
django-modeltranslation has added the per-language columns (`name_en`, ...), so
the history holds every language.
"""

import contextlib
import contextvars

import simple_history
from django.db import models
from django.dispatch import receiver
from modeltranslation.fields import TranslationField
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

# Columns that are derived from the others (e.g. stored search vectors) are
# never editable and are rebuilt on save: they stay out of the history.
KEPT_READ_ONLY_FIELDS = {"created", "updated"}

# model -> the reverse relations to link records restored with it
LINKED_RECORDS = {}

_operation = contextvars.ContextVar("catalogue_history_operation", default=None)


class _Operation:
    def __init__(self, reason, user):
        self.reason = reason
        self.user = user
        self.versions = {}  # (model, pk) -> the version recorded so far


@contextlib.contextmanager
def recorded_as(reason, user=None):
    """Record every change made inside the block with `reason` and `user`."""
    token = _operation.set(_Operation(reason, user))
    try:
        yield
    finally:
        _operation.reset(token)


def current_operation():
    """The `recorded_as` block being run (its reason, user and versions), or None."""
    return _operation.get()


class CatalogueHistoricalRecords(HistoricalRecords):
    """Historical records with a reason from `recorded_as`, one version per save."""

    def copy_fields(self, model):
        fields = super().copy_fields(model)
        for name, field in fields.items():
            if isinstance(field, TranslationField):
                # A per-language column copies its original field, uniqueness
                # included: in the history it is a plain, repeatable column.
                _name, _path, args, kwargs = field.translated_field.deconstruct()
                kwargs.update(unique=False, null=True, blank=True)
                fields[name] = type(field.translated_field)(*args, **kwargs)
        return fields

    def _current_versions(self):
        operation = _operation.get()
        if operation is not None:
            return operation.versions
        request = getattr(self.context, "request", None)
        if request is not None:
            return request.__dict__.setdefault("_catalogue_history_versions", {})
        return None

    def get_history_user(self, instance):
        operation = _operation.get()
        if operation is not None and not hasattr(instance, "_history_user"):
            return operation.user
        return super().get_history_user(instance)

    def get_change_reason_for_object(self, instance, history_type, using):
        reason = super().get_change_reason_for_object(instance, history_type, using)
        operation = _operation.get()
        if not reason and operation is not None:
            return operation.reason
        return reason

    def create_historical_record(self, instance, history_type, using=None):
        super().create_historical_record(instance, history_type, using)
        versions = self._current_versions()
        if versions is not None:
            version = instance.__dict__.pop("_catalogue_history_version", None)
            versions[(type(instance), instance.pk)] = version

    def create_historical_record_m2ms(self, history_instance, instance):
        if history_instance.history_type == "+":
            return  # A record just created has no links yet: nothing to read.
        super().create_historical_record_m2ms(history_instance, instance)

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        if reverse:
            # Changed from the other side (`partner.tools.add(tool)`): the
            # records whose links changed are the tools.
            model = kwargs["model"]
            for record in model._default_manager.filter(pk__in=pk_set or ()):
                self.m2m_changed(record, action, attr, None, False, **kwargs)
            return
        versions = self._current_versions() or {}
        version = versions.get((type(instance), instance.pk))
        if version is None or hasattr(instance, "skip_history_when_saving"):
            super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
            return
        # The links changed after the record was saved in this same operation:
        # the version just recorded takes the new links instead of a new version.
        self._snapshot_links(version, instance, attr)

    def _snapshot_links(self, version, instance, attr):
        field = type(instance)._meta.get_field(attr)
        m2m_model = self.m2m_models[field]
        m2m_model.objects.filter(history=version).delete()
        through = field.remote_field.through
        names = [f.attname for f in through._meta.fields]
        rows = through.objects.filter(**{field.m2m_field_name(): instance.pk})
        m2m_model.objects.bulk_create(
            [
                m2m_model(history=version, **dict(zip(names, row, strict=True)))
                for row in rows.values_list(*names)
            ]
        )


@receiver(pre_create_historical_record)
def _remember_version(sender, instance, history_instance, **kwargs):
    # Saved right after this signal: the operation's version, without a query.
    instance.__dict__["_catalogue_history_version"] = history_instance


def track_history(model, m2m_fields=(), linked_records=()):
    """Keep `model`'s history, with its plain many-to-many links `m2m_fields`.

    `linked_records` name reverse relations to link records with a history of
    their own (e.g. a programme's "coverage"), restored with the record.
    """
    LINKED_RECORDS[model] = list(linked_records)
    excluded = [
        field.name
        for field in model._meta.concrete_fields
        if not field.editable
        and not field.primary_key
        and field.name not in KEPT_READ_ONLY_FIELDS
    ]
    simple_history.register(
        model,
        records_class=CatalogueHistoricalRecords,
        m2m_fields=list(m2m_fields),
        excluded_fields=excluded,
        # A reason may name several files or a restored version: no length limit.
        history_change_reason_field=models.TextField(null=True),
    )
