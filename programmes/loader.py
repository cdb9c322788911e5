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
that any problem rolls back.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.core.serializers import base
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import translation
from modeltranslation.settings import DEFAULT_LANGUAGE
from modeltranslation.utils import build_localized_fieldname

from risk_areas.models import CEPComponent, RiskArea, Threat

from .models import Partner, Programme, ProgrammeCoverage, Tool, ToolCoverage

# The models catalogue files hold, in load order; the coverage links come last.
CATALOGUE_MODELS = [RiskArea, Threat, CEPComponent, Partner, Programme, Tool]
CATALOGUE_MODELS += [ProgrammeCoverage, ToolCoverage]
BUNDLED_FIXTURES = [
    "risk_areas.json",
    "cep_components.json",
    "partners.json",
    "programmes.json",
    "tools.json",
]
STATUSES = CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
_MODELS = {model._meta.label_lower: model for model in CATALOGUE_MODELS}


def after_catalogue_load():
    """Refresh what derives from the catalogue, after a load is committed."""
    from .search import refresh_search_vectors

    refresh_search_vectors()


class CatalogueError(Exception):
    """The input cannot be loaded; nothing has been written."""

    def __init__(self, problems):
        self.problems = problems  # one line each, in the order of the input
        super().__init__(problems[0])

    def summary(self):
        """The first problem, on one line, and how many more there are."""
        more = len(self.problems) - 1
        if not more:
            return self.problems[0]
        problems = "problem" if more == 1 else "problems"
        return (
            f"{self.problems[0]} (and {more} more {problems}; "
            "run with --verbosity 2 to list them all)"
        )


@dataclass(eq=False)
class Record:
    """One record of an input file, and what loading it did."""

    source: str
    position: tuple  # (number of the file, index of the record in it)
    item: object
    problems: dict = field(default_factory=dict)
    status: str = ""
    changed: list = field(default_factory=list)
    label: str = ""  # 'programmes.tool "cen"', once created or updated

    @property
    def fields(self):
        return self.item["fields"]

    @property
    def model(self):
        return _MODELS[self.item["model"].lower()]

    def add(self, message, *names):
        """Note a problem, naming the file, the record and the fields."""
        names = tuple(dict.fromkeys(self.name_for(name) for name in names))
        where = f"{self.source}, record {self.position[1]}"
        fields = self.item.get("fields") if isinstance(self.item, dict) else None
        if isinstance(fields, dict) and (key := _key_text(fields)):
            where += f" ({key})"
        if names:
            quoted = ", ".join(f'"{name}"' for name in names)
            where += f", {'field' if len(names) == 1 else 'fields'} {quoted}"
        # Keyed by field, so "name" and its "name_en" column are reported once.
        self.problems.setdefault(names or message, f"{where}: {message}")

    def name_for(self, name):
        """The name the record used for a model field: "name_en" for "name"."""
        localized = build_localized_fieldname(name, DEFAULT_LANGUAGE)
        if name not in self.fields and localized in self.fields:
            return localized
        return name


@dataclass
class LoadReport:
    """What a load did (or, in a dry run, would do), record by record."""

    records: list
    dry_run: bool = False

    def lines(self, *, list_changes=False):
        verbs = {CREATED: "created", UPDATED: "updated"}
        if self.dry_run:
            verbs = {CREATED: "would create", UPDATED: "would update"}
        lines = []
        for record in self.records if list_changes or self.dry_run else []:
            if record.status in verbs:
                line = f"  {verbs[record.status]} {record.label}"
                if record.status == UPDATED:
                    line += ": " + ", ".join(record.changed)
                lines.append(line)
        for model in CATALOGUE_MODELS:
            records = [record for record in self.records if record.model is model]
            if records:
                lines.append(f"{model._meta.label_lower}: {_counts(records)}")
        lines.append(f"Total: {_counts(self.records)}")
        if all(record.status == UNCHANGED for record in self.records):
            lines.append("Catalogue unchanged.")
        elif self.dry_run:
            lines.append("Dry run: nothing was written.")
        else:
            lines.append("Catalogue updated.")
        return lines


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


def load_catalogue(names=(), *, dry_run=False):
    """Load catalogue files (see the module docstring); raise CatalogueError if bad."""
    loader = _Loader()
    # Saved in the default language, so that the untranslated column
    # modeltranslation keeps (e.g. `name`) holds the default text.
    with translation.override(DEFAULT_LANGUAGE), transaction.atomic():
        problems = loader.run(catalogue_files(names))
        if problems:
            raise CatalogueError(problems)
        if dry_run:
            transaction.set_rollback(True)
    if not dry_run:
        after_catalogue_load()
    return LoadReport(loader.records, dry_run=dry_run)


class _Loader:
    def __init__(self):
        self.records = []
        self.rows = {}  # (model, pk) -> the record that loaded that row

    def run(self, files):
        """Load every record; return the problems found, in the order of the input."""
        problems = []
        for number, (name, path) in enumerate(files, start=1):
            items = _read(path)
            if isinstance(items, str):
                problems.append(((number, 0), f"{name}: {items}"))
                continue
            for index, item in enumerate(items, start=1):
                self.records.append(Record(name, (number, index), item))
                _check(self.records[-1])
        waiting = [record for record in self.records if not record.problems]
        self.in_input = {(r.model, r.fields.get("slug")) for r in waiting}
        while waiting:
            still_waiting = [record for record in waiting if not self.load(record)]
            if len(still_waiting) == len(waiting):
                for record in still_waiting:
                    self.explain(record)
                break
            waiting = still_waiting
        for record in self.records:
            problems += [(record.position, line) for line in record.problems.values()]
        return [line for _position, line in sorted(problems)]

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
            record.add(f"{_describe(new)} is already defined by {where}.", *names)
            return True
        obj = type(new)._default_manager.get(pk=new.pk) if new.pk else type(new)()
        links = self.merge(record, deserialized, obj)
        _validate(record, obj)
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
            record.label = _describe(obj)
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


def _read(path):
    """The records of one file, or why it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "file not found."
    except UnicodeDecodeError:
        return "not UTF-8 text."
    except OSError as error:
        return f"cannot be read ({error.strerror})."
    except json.JSONDecodeError as error:
        return (
            f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})."
        )
    if not isinstance(data, list):
        return "expected a list of records."
    return data


def _check(record):
    """Note what a catalogue record may not hold, before any database work."""
    item = record.item
    if not isinstance(item, dict):
        record.add('expected an object with "model" and "fields".')
    elif item.get("pk") is not None:
        record.add('has a "pk": records are matched by natural key (slug); remove it.')
    elif "model" not in item:
        record.add('missing "model".')
    elif str(item["model"]).lower() not in _MODELS:
        models = ", ".join(_MODELS)
        record.add(f'unknown model "{item["model"]}" (catalogue models: {models}).')
    elif not isinstance(item.get("fields"), dict):
        record.add('missing "fields" (an object).')
    else:
        for name, value in record.fields.items():
            _check_field(record, name, value)


def _check_field(record, name, value):
    model_field = {f.name: f for f in record.model._meta.get_fields()}.get(name)
    label = record.model._meta.label_lower
    if model_field is None or (model_field.auto_created and not model_field.concrete):
        record.add(f"unknown field of {label}.", name)
    elif model_field.many_to_many and not _is_plain_link(model_field):
        through = model_field.remote_field.through._meta.label_lower
        record.add(f"cannot be set here: list {through} records instead.", name)
    elif model_field.is_relation and not _names_records(model_field, value):
        found = json.dumps(value, ensure_ascii=False)
        record.add(f'expected a natural key such as ["slug"], found {found}.', name)


def _is_plain_link(model_field):
    """Whether a many-to-many field has no link model of its own (like coverage)."""
    return model_field.remote_field.through._meta.auto_created


def _names_records(model_field, value):
    """Whether `value` names records by natural key, as fixtures do (never by id)."""
    if model_field.many_to_many:
        return isinstance(value, list) and all(map(_is_natural_key, value))
    return _is_natural_key(value) or (value is None and model_field.null)


def _validate(record, obj):
    """Note what `full_clean()` and the model's constraints find wrong with `obj`."""
    try:
        obj.full_clean(validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            names = [] if name == NON_FIELD_ERRORS else [name]
            record.add(" ".join(messages), *names)
    # Constraint by constraint, as validate_constraints() does, to name the fields.
    for model, constraints in obj.get_constraints():
        for constraint in constraints:
            try:
                constraint.validate(model, obj)
            except ValidationError as error:
                names = _constraint_fields(model, constraint)
                given = ", ".join(
                    f"{name} {json.dumps(record.fields[name], ensure_ascii=False)}"
                    for name in map(record.name_for, names)
                    if name in record.fields
                )
                message = " ".join(error.messages)
                if given:
                    message = f"{message.rstrip('.')} ({given})."
                record.add(message, *names)


def _constraint_fields(model, constraint):
    """The names of the fields a constraint reads, in model order."""
    names = set(getattr(constraint, "fields", ()))
    if getattr(constraint, "condition", None) is not None:
        names |= constraint.condition.referenced_base_fields
    for expression in getattr(constraint, "expressions", ()):
        names |= {node.name for node in expression.flatten() if isinstance(node, F)}
    return [f.name for f in model._meta.fields if f.name in names]


def _is_natural_key(value):
    return isinstance(value, list) and value and all(isinstance(p, str) for p in value)


def _key_text(fields):
    """How messages name a record: its slug, or the links its natural key is made of."""
    if fields.get("slug"):
        return f'slug "{fields["slug"]}"'
    keys = [(name, value) for name, value in fields.items() if _is_natural_key(value)]
    return ", ".join(f'{name} "{"/".join(value)}"' for name, value in keys)


def _describe(obj):
    key = " / ".join(f'"{part}"' for part in obj.natural_key())
    return f"{obj._meta.label_lower} {key}"


def _counts(records):
    statuses = [record.status for record in records]
    return ", ".join(f"{statuses.count(status)} {status}" for status in STATUSES)
