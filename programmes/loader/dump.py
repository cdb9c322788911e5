"""The whole catalogue as one fixture file, the format `load_catalogue` reads.

Records are named by natural key (slugs) and carry no primary keys, no users
and none of the timestamps the code keeps (`created`, `updated`): `published_by`
is left out, `published_at` kept. Each text held per language is written per
language (`name_en`, `name_fr`, ...). Renamed records' old slugs follow as
`risk_areas.slughistory` records, so their old addresses keep redirecting once
the file is loaded elsewhere. Everything is sorted by natural key and links by
the slugs they name, so the same catalogue always gives the same bytes.
"""

import json

from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from modeltranslation.translator import NotRegistered, translator

from risk_areas.models import SlugHistory

from .records import CATALOGUE_MODELS, SLUG_HISTORY

# Kept by the code: not part of the catalogue's content (nor are users).
LEFT_OUT = {"created", "updated"}


def dump_catalogue():
    """The catalogue as the text of one fixture file."""
    records = []
    for model in CATALOGUE_MODELS:
        records += _records(model)
    records += _old_slugs()
    return json.dumps(records, indent=2, ensure_ascii=False, cls=DjangoJSONEncoder)


def dumped_fields(model):
    """The names of the fields a dump writes for `model`, in model order."""
    try:
        translated = set(translator.get_options_for_model(model).fields)
    except NotRegistered:
        translated = set()
    return [
        field.name
        for field in model._meta.concrete_fields + model._meta.many_to_many
        if field.editable
        and not field.primary_key
        and field.name not in LEFT_OUT | translated
        and not (
            field.many_to_many and not field.remote_field.through._meta.auto_created
        )
        and not (field.is_relation and field.related_model is None)
        and not (field.is_relation and field.related_model is get_user_model())
    ]


def _records(model):
    names = dumped_fields(model)
    queryset = model._default_manager.order_by(*_natural_order(model))
    queryset = queryset.select_related(
        *[name for name in names if model._meta.get_field(name).many_to_one]
    ).prefetch_related(
        *[name for name in names if model._meta.get_field(name).many_to_many]
    )
    records = serializers.serialize(
        "python",
        queryset,
        fields=names,
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
    )
    for record in records:
        record.pop("pk", None)
        for name, value in record["fields"].items():
            if isinstance(value, tuple):
                record["fields"][name] = list(value)  # a natural key
            elif isinstance(value, list):
                # Many-to-many links, by the slugs they name.
                record["fields"][name] = sorted(map(list, value))
    return records


def _natural_order(model):
    """The fields that order records by their natural key: slug, or the links'."""
    if any(field.name == "slug" for field in model._meta.fields):
        return ["slug"]
    return [
        f"{field.name}__slug"
        for field in model._meta.fields
        if isinstance(field, models.ForeignKey)
    ]


def _old_slugs():
    """Each remembered slug whose record still exists, as a fixture record."""
    entries = []
    records = {}
    for entry in SlugHistory.objects.select_related("content_type"):
        model = entry.content_type.model_class()
        if model is None:
            continue
        if model not in records:
            records[model] = model._default_manager.in_bulk()
        record = records[model].get(entry.object_id)
        if record is None:
            continue  # The record was deleted: nothing to redirect to.
        entries.append(
            {
                "model": SLUG_HISTORY,
                "fields": {
                    "content_type": list(entry.content_type.natural_key()),
                    "record": list(record.natural_key()),
                    "slug": entry.slug,
                },
            }
        )
    return sorted(
        entries,
        key=lambda e: (e["fields"]["content_type"], e["fields"]["slug"]),
    )
