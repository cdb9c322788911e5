"""Old slugs in catalogue files, so renamed records keep their old addresses.

A dump writes each slug a record used to have as a record of its own:

    {"model": "risk_areas.slughistory", "fields": {
        "content_type": ["programmes", "programme"],
        "record": ["new-slug"], "slug": "old-slug"}}

`record` is the natural key of the record the old slug now leads to. These
records are loaded last, once every record of the files is saved.
"""

import json

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import validate_slug

from risk_areas.models import SlugHistory

from .records import CATALOGUE_MODELS, CREATED, UNCHANGED, UPDATED, is_natural_key

FIELDS = ("content_type", "record", "slug")
SLUG_MAX_LENGTH = SlugHistory._meta.get_field("slug").max_length
RENAMEABLE = [
    m for m in CATALOGUE_MODELS if any(f.name == "slug" for f in m._meta.fields)
]


def check_old_slug(record):
    """Note what an old-slug record may not hold, before any database work."""
    fields = record.fields
    for name in fields:
        if name not in FIELDS:
            record.add(f"unknown field of {record.item['model']}.", name)
    for name in FIELDS:
        if name not in fields:
            record.add(f'missing "{name}".', name)
    for name in ("content_type", "record"):
        if name in fields and not is_natural_key(fields[name]):
            record.add('expected a natural key such as ["slug"].', name)
    slug = fields.get("slug")
    if "slug" in fields:
        try:
            if not isinstance(slug, str) or len(slug) > SLUG_MAX_LENGTH:
                raise ValidationError("")
            validate_slug(slug)
        except ValidationError:
            record.add(
                f"expected a slug of at most {SLUG_MAX_LENGTH} letters, numbers, "
                "hyphens or underscores.",
                "slug",
            )


def load_old_slug(record, seen):
    """Check an old-slug record against the database, and save it if it is new.

    `seen` maps (model, slug) to the record that gave it, to find duplicates.
    """
    fields = record.fields
    try:
        content_type = ContentType.objects.get_by_natural_key(*fields["content_type"])
        model = content_type.model_class()
    except (ObjectDoesNotExist, TypeError):
        model = None
    if model not in RENAMEABLE:
        names = ", ".join(m._meta.label_lower for m in RENAMEABLE)
        record.add(f"expected one of: {names}.", "content_type")
        return
    label = model._meta.label_lower
    try:
        target = model._default_manager.get_by_natural_key(*fields["record"])
    except (ObjectDoesNotExist, TypeError):
        key = json.dumps(fields["record"], ensure_ascii=False)
        record.add(f"no {label} {key} in the input or the database.", "record")
        return
    slug = fields["slug"]
    first = seen.setdefault((model, slug), record)
    if first is not record:
        where = f"record {first.position[1]} of {first.source}"
        record.add(f'the old slug "{slug}" is already given by {where}.', "slug")
        return
    live = model._default_manager.filter(slug=slug).first()
    if live is not None:
        record.add(
            f'{label} "{slug}" has this slug today: an old slug cannot name a live '
            "record.",
            "slug",
        )
        return
    entry = SlugHistory.objects.filter(content_type=content_type, slug=slug).first()
    if entry is None:
        SlugHistory.objects.create(
            content_type=content_type, object_id=target.pk, slug=slug
        )
        record.status = CREATED
    elif entry.object_id != target.pk:
        entry.object_id = target.pk
        entry.save(update_fields=["object_id"])
        record.status = UPDATED
        record.changed.append("record")
    else:
        record.status = UNCHANGED
    record.label = f'{record.item["model"]} {label} "{slug}" -> "{target.slug}"'
