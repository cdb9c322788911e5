"""A record's versions: what changed from one to the next, and restoring one.

The versions are django-simple-history's historical records (see `history`).
Values are described as editors read them (a link by its name, a choice by its
label) and returned as plain text: templates escape them like any other text.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from modeltranslation.translator import NotRegistered, translator

from .history import LINKED_RECORDS, recorded_as

# Kept in the history, but they change with every save: no news in a diff.
NOT_COMPARED = {"created", "updated"}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class VersionEntry:
    version: object
    changes: list = field(default_factory=list)


def compared_fields(version):
    """The names of the fields two versions of this model are compared on."""
    model = version.instance_type
    # A translated field is compared through its per-language columns (name_en,
    # name_fr, ...); its own column repeats the default language.
    skipped = NOT_COMPARED | _translated(model)
    names = [
        f.name
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in skipped
    ]
    kept = {f.name for f in version._meta.fields}
    m2m = [f.name for f in version._history_m2m_fields]
    return [name for name in names if name in kept] + m2m


def version_entries(versions, previous=None):
    """An entry per version (newest first), with its changes from the one before.

    `previous` is the version before the last of `versions`, if any.
    """
    entries = []
    older = [*versions[1:], previous]
    for version, before in zip(versions, older, strict=True):
        entry = VersionEntry(version)
        if before is not None and version.history_type != "-":
            included = compared_fields(version)
            delta = version.diff_against(
                before, included_fields=included, foreign_keys_are_objs=False
            )
            model = version.instance_type
            for change in sorted(delta.changes, key=lambda c: included.index(c.field)):
                entry.changes.append(
                    Change(
                        label=field_label(model, change.field),
                        old=describe_value(model, change.field, change.old),
                        new=describe_value(model, change.field, change.new),
                    )
                )
        entries.append(entry)
    return entries


def field_label(model, name):
    return capfirst(model._meta.get_field(name).verbose_name)


def describe_value(model, name, value):
    """`value` of field `name` as an editor reads it, as plain text."""
    model_field = model._meta.get_field(name)
    if model_field.many_to_many:
        target = model_field.m2m_reverse_field_name()
        ids = [row[target] for row in value or []]
        return _names(model_field.related_model, ids)
    if value is None or value == "":
        return "—"
    if model_field.many_to_one:
        return _names(model_field.related_model, [value])
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def _names(model, ids):
    if not ids:
        return "—"
    records = model._default_manager.in_bulk(ids)
    names = [
        str(records[pk]) if pk in records else _("#%(id)s (deleted)") % {"id": pk}
        for pk in ids
    ]
    return ", ".join(sorted(names, key=str.casefold))


def restore_reason(version):
    when = timezone.localtime(version.history_date).strftime("%Y-%m-%d %H:%M:%S")
    return f"Restored version of {when} (#{version.history_id})"


def deleted_versions(model):
    """The last version of each deleted record of `model`, newest first."""
    deletions = model.history.filter(history_type="-").order_by(
        "-history_date", "-history_id"
    )
    latest = {}
    for version in deletions.select_related("history_user"):
        latest.setdefault(version.id, version)
    live = set(
        model._default_manager.filter(pk__in=latest).values_list("pk", flat=True)
    )
    return [version for pk, version in latest.items() if pk not in live]


def restore_version(version, user):
    """Put the record back as it was in `version`: its fields and its links.

    The restore is itself recorded, by `user`, as a new version. Restoring the
    version that records a deletion brings the record back, with its links as
    they were at its last version. Raises ValidationError (and writes nothing)
    if the old values are no longer valid, e.g. a slug another record uses now.
    """
    model = version.instance_type
    reason = restore_reason(version)
    # Saved in the default language, as the loader does: the untranslated
    # columns keep the default text.
    with (
        translation.override(settings.LANGUAGE_CODE),
        transaction.atomic(),
        recorded_as(reason, user),
    ):
        record = model._default_manager.select_for_update().filter(pk=version.id)
        record = record.first()
        links_from, deleted_at = version, None
        if version.history_type == "-":
            # The links were removed with the record: take them from the
            # version before.
            links_from = (
                type(version)
                ._default_manager.filter(
                    id=version.id, history_date__lt=version.history_date
                )
                .exclude(history_type="-")
                .order_by("history_date", "history_id")
                .last()
            ) or version
            deleted_at = version.history_date
        if record is None:
            if version.history_type != "-":
                raise ValidationError(_("This record has been deleted."))
            record = model(pk=version.id, created=version.created)
        for name in compared_fields(version):
            model_field = model._meta.get_field(name)
            if model_field.many_to_many:
                continue  # Links below.
            setattr(record, model_field.attname, getattr(version, model_field.attname))
        record.full_clean()
        try:
            with transaction.atomic():
                record.save()
        except IntegrityError as error:
            raise ValidationError(str(error)) from error
        for m2m_field in links_from._history_m2m_fields:
            target = f"{m2m_field.m2m_reverse_field_name()}_id"
            rows = getattr(links_from, m2m_field.name).all()
            ids = [getattr(row, target) for row in rows]
            existing = m2m_field.related_model._default_manager.filter(pk__in=ids)
            getattr(record, m2m_field.name).set(existing)
        for relation in LINKED_RECORDS.get(model, ()):
            relation = model._meta.get_field(relation)
            _restore_linked(record, links_from, relation, deleted_at)
    return record


def _translated(model):
    """The names of `model`'s translated fields (not their per-language columns)."""
    try:
        return set(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return set()


def _restore_linked(record, version, relation, deleted_at=None):
    """Put back the link records (e.g. coverage) as they were until the record's
    next version (or, for a deleted record, until it was deleted: links removed
    since its last version are taken as removed with it). Links created before
    history was kept, and never changed since, have no versions and are left as
    they are."""
    link_model = relation.related_model
    owner = relation.field.attname
    until = deleted_at
    if until is None:
        following = (
            record.history.filter(history_date__gt=version.history_date)
            .order_by("history_date", "history_id")
            .first()
        )
        if following is None:
            return  # The latest version: the links are as they were.
        until = following.history_date
    then = {}
    link_history = link_model.history.filter(
        **{owner: record.pk, "history_date__lt": until}
    ).order_by("history_date", "history_id")
    for link_version in link_history:
        removed_with_record = (
            deleted_at is not None
            and link_version.history_type == "-"
            and link_version.history_date >= version.history_date
        )
        if not removed_with_record:
            then[link_version.id] = link_version
    then = {pk: v for pk, v in then.items() if v.history_type != "-"}
    known = set(link_model.history.filter(**{owner: record.pk}).values_list("id"))
    known = {pk for (pk,) in known}
    fields = [
        f
        for f in link_model._meta.concrete_fields
        if not f.primary_key and f.attname != owner
    ]
    for link in link_model._default_manager.filter(**{owner: record.pk}):
        if link.pk in known and link.pk not in then:
            link.delete()
    for pk, link_version in then.items():
        link = link_model._default_manager.filter(pk=pk).first() or link_model(pk=pk)
        setattr(link, owner, record.pk)
        for link_field in fields:
            setattr(link, link_field.attname, getattr(link_version, link_field.attname))
        try:
            link.full_clean()
        except ValidationError:
            continue  # Its risk area is gone, or the same pair exists anew.
        link.save()
