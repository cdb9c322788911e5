"""Loading the catalogue from fixture files, on Django's deserializer.

The files are fixtures with natural keys and no primary keys, as `dumpdata
--natural-foreign --natural-primary` writes them, so `loaddata` reads them too.
Django's deserializer reads each record and resolves the natural keys of its links; a
record linking to one further on comes back with those fields deferred, and waits
until that one is saved. Each record is merged into the row with its natural key: the
fields it lists are set (many-to-many fields to exactly the listed records), the
others keep their value (or the default on a new record), the timestamps the code
keeps are ignored, and no row is deleted. Each record is checked with `full_clean()`
and its model's constraints and saved only if it changed, all in one transaction
that any problem rolls back, and that holds the load lock (`lock`) so that loads
run one at a time. Renamed records' old slugs (`slugs`) are loaded last.
`dump.dump_catalogue()` writes the whole catalogue in the same format.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.serializers import base
from django.db import DatabaseError, OperationalError, transaction
from django.utils import translation
from modeltranslation.settings import DEFAULT_LANGUAGE

from risk_areas.models import SlugHistory

from .bulk import KeyMap, load_in_bulk
from .checks import check_record, read_file, validate
from .lock import (
    DEFAULT_WAIT,
    CatalogueBusy,
    is_busy,
    lock_catalogue,
    wait_for_writer,
)
from .records import (
    CATALOGUE_MODELS,
    CREATED,
    UNCHANGED,
    UPDATED,
    CatalogueError,
    LoadReport,
    Record,
    describe,
)
from .slugs import load_old_slug

__all__ = [
    "BUNDLED_FIXTURES",
    "CATALOGUE_MODELS",
    "DEFAULT_WAIT",
    "CatalogueBusy",
    "CatalogueError",
    "LoadReport",
    "catalogue_files",
    "load_catalogue",
]

BUNDLED_FIXTURES = [
    "risk_areas.json",
    "cep_components.json",
    "partners.json",
    "programmes.json",
    "tools.json",
]


def catalogue_files(names=()):
    """(name, path) of each file to load: the bundled fixtures when `names` is empty.

    A name that is not a file is looked up in settings.FIXTURE_DIRS, with or without
    its ".json", as `loaddata` does.
    """
    files = []
    for name in names or BUNDLED_FIXTURES:
        paths = [Path(name)] if names else []
        for directory in settings.FIXTURE_DIRS:
            paths += [Path(directory) / name, Path(directory) / f"{name}.json"]
        found = [path for path in paths if path.is_file()]
        files.append((name, found[0] if found else Path(name)))
    return files


def load_catalogue(
    names=(), *, dry_run=False, wait=DEFAULT_WAIT, on_wait=None, progress=None
):
    """Load catalogue files (see the module docstring); raise CatalogueError if bad.

    `progress(done, total)` is called as the records are loaded, model by model.

    One load at a time: a second waits up to `wait` seconds for the first to
    finish (calling `on_wait()` when it starts waiting), then loads; after that
    it raises CatalogueBusy. See `lock`.
    """
    loader = _Loader(progress)
    files = catalogue_files(names)
    if not wait_for_writer(wait, on_wait):
        raise CatalogueBusy(wait)
    try:
        # Saved in the default language, so that the untranslated column
        # modeltranslation keeps (e.g. `name`) holds the default text.
        with translation.override(DEFAULT_LANGUAGE), transaction.atomic():
            lock_catalogue(wait, on_wait)
            problems = loader.run(files)
            if problems:
                raise CatalogueError(problems)
            if dry_run:
                transaction.set_rollback(True)
    except OperationalError as error:
        # The transaction itself could not start (SQLite's immediate mode).
        if not is_busy(error):
            raise
        raise CatalogueBusy(wait) from None
    return LoadReport(loader.records, dry_run=dry_run)


class _Loader:
    def __init__(self, progress=None):
        self.records = []
        self.rows = {}  # (model, pk) -> the record that loaded that row
        self.keys = KeyMap()  # pks of the records links name, by slug
        self.progress = progress or (lambda done, total: None)
        self.done = 0  # records checked and merged so far

    def advance(self, count=1):
        self.done += count
        self.progress(self.done, len(self.records))

    def run(self, files):
        """Load every record; return the problems found, in the order of the input."""
        problems = []
        for number, (name, path) in enumerate(files, start=1):
            items = read_file(path)
            if isinstance(items, str):
                problems.append(((number, 0), f"{name}: {items}"))
                continue
            for index, item in enumerate(items, start=1):
                self.records.append(Record(name, (number, index), item))
                check_record(self.records[-1])
        ready = [record for record in self.records if self.ready(record)]
        self.in_input = {(r.model, r.fields.get("slug")) for r in ready}
        # Model by model, links before the records that name them: most records
        # in bulk, the rest one by one, as often as the ones still waiting move.
        waiting = []
        self.advance(len(self.records) - len(ready))
        for model in CATALOGUE_MODELS:
            records = [record for record in ready if record.model is model]
            rest = load_in_bulk(self, model, records)
            waiting = self.settle(waiting + rest)
        for record in waiting:
            self.explain(record)
        # Old slugs last: they name records of the files, now saved.
        seen = {}
        for record in self.records:
            if not record.problems and record.model is SlugHistory:
                load_old_slug(record, seen)
        for record in self.records:
            problems += [(record.position, line) for line in record.problems.values()]
        return [line for _position, line in sorted(problems)]

    def settle(self, waiting):
        """Load records one by one until none of those still waiting can be."""
        while waiting:
            still_waiting = [record for record in waiting if not self.load(record)]
            if len(still_waiting) == len(waiting):
                break
            waiting = still_waiting
        return waiting

    def ready(self, record):
        """Whether a record passed the checks and is loaded with the deserializer."""
        return not record.problems and record.model is not SlugHistory

    def load(self, record):
        """Check and save one record; False while records it links to are missing."""
        try:
            (deserialized,) = serializers.deserialize(
                "python", [record.item], handle_forward_references=True
            )
        except ObjectDoesNotExist:
            return False  # Its natural key is made of links (coverage) not saved yet.
        except base.DeserializationError as error:
            self.explain(record, error)
            return True
        if deserialized.deferred_fields:
            return False
        new = deserialized.object
        first = self.rows.get((type(new), new.pk))
        if first:
            where = f"record {first.position[1]} of {first.source}"
            names = ["slug"] if "slug" in record.fields else []
            record.add(f"{describe(new)} is already defined by {where}.", *names)
            return True
        obj = type(new)._default_manager.get(pk=new.pk) if new.pk else type(new)()
        links = self.merge(record, deserialized, obj)
        validate(record, obj)
        if not record.problems:
            self.save(record, obj, links)
        if obj.pk is not None:
            self.rows[(type(obj), obj.pk)] = record
        return True

    def merge(self, record, deserialized, obj):
        """Copy the fields the record lists onto `obj`; return the links to set."""
        links = {}
        for name in record.fields:
            model_field = obj._meta.get_field(name)
            if model_field.many_to_many:
                wanted = set(deserialized.m2m_data[name])
                held = getattr(obj, name).values_list("pk", flat=True) if obj.pk else []
                if wanted != set(held):
                    links[name] = wanted
                    record.changed.append(name)
            elif model_field.editable:
                value = getattr(deserialized.object, model_field.attname)
                if value != getattr(obj, model_field.attname):
                    setattr(obj, model_field.attname, value)
                    record.changed.append(name)
        return links

    def save(self, record, obj, links):
        if obj.pk is None:
            record.status = CREATED
        else:
            record.status = UPDATED if record.changed else UNCHANGED
        if record.status == UNCHANGED:
            return
        try:
            with transaction.atomic():
                obj.save()
                for name, pks in links.items():
                    getattr(obj, name).set(pks)
            record.label = describe(obj)
        except DatabaseError as error:
            record.add(f"the database refused it: {error}")

    def explain(self, record, error=None):
        """Note the first field Django cannot read (its errors do not name it)."""
        for name, value in record.fields.items():
            model_field = record.model._meta.get_field(name)
            try:
                if model_field.many_to_many:
                    base.deserialize_m2m_values(model_field, value, None, False)
                elif model_field.many_to_one:
                    base.deserialize_fk_value(model_field, value, None, False)
                else:
                    model_field.to_python(value)
                continue
            except base.M2MDeserializationError as failure:
                error, value = failure.original_exc, failure.pk
            except Exception as failure:  # As broad as the deserializer itself.
                error = failure
            named = json.dumps(value, ensure_ascii=False)
            if isinstance(error, ObjectDoesNotExist):
                target = model_field.related_model
                named = f"{target._meta.label_lower} {named}"
                message = f"no {named} in the input or the database."
                if (target, value[0]) == (record.model, record.fields.get("slug")):
                    message = "refers to the record itself."
                elif (target, value[0]) in self.in_input:
                    message = f"{named} cannot be saved first (see its own problem, "
                    message += "or break the circle of references)."
            elif isinstance(error, ValidationError):
                message = " ".join(error.messages)
            else:
                message = f"{error} (got {named})."
            return record.add(message, name)
        record.add(str(error or "cannot be loaded."))
