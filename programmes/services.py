"""Loading the catalogue from fixture files.

`manage.py load_catalogue` is a thin wrapper around `load_catalogue()`.

The loader reads Django fixture JSON with natural keys and no primary keys, the
format `dumpdata --natural-foreign --natural-primary` writes. It works in two
passes:

1. Every record of every file is checked without writing anything: the model is a
   catalogue model, each field exists, each value is valid for its field, each
   reference names a record in the input or in the database, no natural key is
   used twice.
2. In one transaction the records are validated in full (`full_clean()`, unique
   fields and `Meta.constraints`) and created or updated by natural key, targets of
   references first. Any problem rolls the whole transaction back, so the
   database is exactly as it was.

A record is the full truth for the fields it lists (many-to-many fields are set to
exactly the listed records). Fields it does not list keep their current value, or
the model default on a new record. Fields the code keeps (the created/updated
timestamps) are skipped. Records that are not in the input are never deleted.
"""

import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    MultipleObjectsReturned,
    ObjectDoesNotExist,
    ValidationError,
)
from django.db import DatabaseError, transaction
from django.db.models import F, Q, UniqueConstraint
from django.db.models.constants import LOOKUP_SEP
from django.utils import translation
from modeltranslation import settings as modeltranslation_settings
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname

# The catalogue models in load order, each with the fields its natural key is made of.
CATALOGUE_MODELS = {
    "risk_areas.riskarea": ("slug",),
    "risk_areas.threat": ("slug",),
    "risk_areas.cepcomponent": ("slug",),
    "programmes.partner": ("slug",),
    "programmes.programme": ("slug",),
    "programmes.tool": ("slug",),
    "programmes.programmecoverage": ("programme", "risk_area"),
    "programmes.toolcoverage": ("tool", "risk_area"),
}
BUNDLED_FIXTURES = [
    "risk_areas.json",
    "cep_components.json",
    "partners.json",
    "programmes.json",
    "tools.json",
]
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"

# Field kinds, as the loader treats them.
_VALUE, _FOREIGN, _MANY, _THROUGH, _MANAGED, _ORIGINAL = range(6)
_JSON_SCALARS = (str, int, float, bool, type(None))


def after_catalogue_load():
    """Runs after every successful (not dry) catalogue load, once the data is committed.

    Search indexes and other data derived from the catalogue refresh here.
    """
    from .search import refresh_search_vectors

    refresh_search_vectors()


class Problem:
    """One thing wrong with the input, said so the operator can find and fix it."""

    def __init__(self, source, message, *, index=None, key="", fields=()):
        self.source = source
        self.message = message
        self.index = index
        self.key = key
        self.fields = tuple(fields)

    def __str__(self):
        where = self.source
        if self.index is not None:
            where += f", record {self.index}"
            if self.key:
                where += f" ({self.key})"
        if self.fields:
            names = ", ".join(f'"{name}"' for name in self.fields)
            where += f", {'field' if len(self.fields) == 1 else 'fields'} {names}"
        return f"{where}: {self.message}"


class CatalogueError(Exception):
    """The input cannot be loaded; nothing has been written."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(str(self.problems[0]))

    def summary(self):
        """The first problem, on one line, and how many more there are."""
        more = len(self.problems) - 1
        if not more:
            return str(self.problems[0])
        return (
            f"{self.problems[0]} (and {more} more "
            f"{'problem' if more == 1 else 'problems'}; "
            "run with --verbosity 2 to list them all)"
        )


@dataclass(eq=False)
class _Record:
    source: str
    index: int
    label: str
    model: type
    raw: dict
    key: tuple = ()
    key_text: str = ""
    # Field -> (value, the name the record used for it).
    values: dict = field(default_factory=dict)
    foreign: dict = field(default_factory=dict)
    many: dict = field(default_factory=dict)
    obj: object = None
    status: str = ""
    changed: list = field(default_factory=list)

    def problem(self, message, *fields):
        return Problem(
            self.source, message, index=self.index, key=self.key_text, fields=fields
        )

    @property
    def ref(self):
        return (self.label, self.key)

    def describe(self):
        return self.label + " " + " / ".join(f'"{part}"' for part in self.key)


@dataclass
class LoadReport:
    """What a load did (or, in a dry run, would do), record by record."""

    records: list
    dry_run: bool = False

    @property
    def counts(self):
        counts = {}
        present = {record.label for record in self.records}
        for label in CATALOGUE_MODELS:
            if label in present:
                counts[label] = {CREATED: 0, UPDATED: 0, UNCHANGED: 0}
        for record in self.records:
            counts[record.label][record.status] += 1
        return counts

    @property
    def changed(self):
        return any(record.status != UNCHANGED for record in self.records)

    def lines(self, *, list_changes=False):
        lines = []
        if list_changes or self.dry_run:
            verb = {CREATED: "would create", UPDATED: "would update"}
            if not self.dry_run:
                verb = {CREATED: "created", UPDATED: "updated"}
            for record in self.records:
                if record.status == CREATED:
                    lines.append(f"  {verb[CREATED]} {record.describe()}")
                elif record.status == UPDATED:
                    fields = ", ".join(record.changed)
                    lines.append(f"  {verb[UPDATED]} {record.describe()}: {fields}")
        totals = {CREATED: 0, UPDATED: 0, UNCHANGED: 0}
        for label, count in self.counts.items():
            lines.append(f"{label}: {_count_text(count)}")
            for status, number in count.items():
                totals[status] += number
        lines.append(f"Total: {_count_text(totals)}")
        if not self.changed:
            lines.append("Catalogue unchanged.")
        elif self.dry_run:
            lines.append("Dry run: nothing was written.")
        else:
            lines.append("Catalogue updated.")
        return lines


def _count_text(count):
    return (
        f"{count[CREATED]} created, {count[UPDATED]} updated, "
        f"{count[UNCHANGED]} unchanged"
    )


def catalogue_files(names=()):
    """(label, path) of each file to load: the bundled fixtures when `names` is empty.

    A name that is not an existing path is looked up in settings.FIXTURE_DIRS, with or
    without its ".json", as `loaddata` does.
    """
    if not names:
        directory = Path(settings.FIXTURE_DIRS[0])
        return [(name, directory / name) for name in BUNDLED_FIXTURES]
    files = []
    for name in names:
        path = Path(name)
        if not path.is_file():
            candidates = [
                Path(directory) / candidate
                for directory in settings.FIXTURE_DIRS
                for candidate in (name, f"{name}.json")
            ]
            path = next((c for c in candidates if c.is_file()), path)
        files.append((str(name), path))
    return files


def load_catalogue(names=(), *, dry_run=False):
    """Load catalogue files (see the module docstring); raise CatalogueError if bad."""
    loader = _CatalogueLoader(catalogue_files(names))
    report = loader.run(dry_run=dry_run)
    if not dry_run:
        after_catalogue_load()
    return report


class _CatalogueLoader:
    def __init__(self, files):
        self.files = files
        self.problems = []
        self.records = []
        self.by_ref = {}
        self.saved_pks = {}
        self._db_pks = {}
        self._field_tables = {}

    def run(self, *, dry_run):
        # Records are saved in the default language, so that the untranslated
        # column modeltranslation keeps (e.g. `name`) holds the default text.
        with translation.override(modeltranslation_settings.DEFAULT_LANGUAGE):
            for label, path in self.files:
                self._read(label, path)
            for record in self.records:
                self._check_fields(record)
            ordered = self._in_dependency_order()
            self._raise_problems()
            with transaction.atomic():
                self._write(ordered)
                self._raise_problems()
                if dry_run:
                    transaction.set_rollback(True)
        return LoadReport(self.records, dry_run=dry_run)

    def _raise_problems(self):
        if self.problems:
            # In the order of the input, so the first problem is the first to fix.
            position = {
                label: number for number, (label, _path) in enumerate(self.files)
            }
            self.problems.sort(
                key=lambda problem: (
                    position.get(problem.source, 0),
                    problem.index or 0,
                )
            )
            raise CatalogueError(self.problems)

    # Pass 1: reading and checking, nothing is written.

    def _read(self, label, path):
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.problems.append(Problem(label, "file not found."))
            return
        except UnicodeDecodeError:
            self.problems.append(Problem(label, "not UTF-8 text."))
            return
        except OSError as error:
            self.problems.append(Problem(label, f"cannot be read ({error.strerror})."))
            return
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            self.problems.append(
                Problem(
                    label,
                    f"not valid JSON: {error.msg} "
                    f"(line {error.lineno}, column {error.colno}).",
                )
            )
            return
        if not isinstance(data, list):
            self.problems.append(
                Problem(label, f"expected a list of records, found {_json_type(data)}.")
            )
            return
        for index, item in enumerate(data, start=1):
            record = self._parse(label, index, item)
            if record is not None:
                self.records.append(record)

    def _parse(self, source, index, item):
        def problem(message, *fields, key=""):
            self.problems.append(
                Problem(source, message, index=index, key=key, fields=fields)
            )

        if not isinstance(item, dict):
            problem(
                'expected an object with "model" and "fields", '
                f"found {_json_type(item)}."
            )
            return None
        key_text = _guess_key_text(item.get("fields"))
        for name in item:
            if name not in ("model", "fields", "pk"):
                problem(f'unexpected key "{name}" (a record has "model" and "fields").')
                return None
        if item.get("pk") is not None:
            problem(
                'has a "pk": catalogue records are identified by their natural key '
                '(slug); remove the "pk".',
                key=key_text,
            )
            return None
        if "model" not in item:
            problem('missing "model".', key=key_text)
            return None
        if not isinstance(item["model"], str):
            problem('"model" must be a string such as "programmes.tool".', key=key_text)
            return None
        label = item["model"].lower()
        if label not in CATALOGUE_MODELS:
            hint = _did_you_mean(label, CATALOGUE_MODELS) or (
                f" (the catalogue models are {', '.join(CATALOGUE_MODELS)})"
            )
            problem(f'unknown model "{item["model"]}"{hint}.', key=key_text)
            return None
        if "fields" not in item:
            problem('missing "fields".')
            return None
        if not isinstance(item["fields"], dict):
            problem(f'"fields" must be an object, found {_json_type(item["fields"])}.')
            return None
        record = _Record(
            source,
            index,
            label,
            apps.get_model(label),
            item["fields"],
            key_text=key_text,
        )
        key = self._natural_key(record)
        if key is None:
            return None
        record.key = key
        first = self.by_ref.get(record.ref)
        if first is not None:
            key_field = CATALOGUE_MODELS[label][0]
            problem(
                f"{record.describe()} is already defined by record {first.index} "
                f"of {first.source}.",
                key_field,
                key=key_text,
            )
            return None
        self.by_ref[record.ref] = record
        return record

    def _natural_key(self, record):
        key = ()
        for name in CATALOGUE_MODELS[record.label]:
            value = record.raw.get(name)
            model_field = record.model._meta.get_field(name)
            if model_field.is_relation:
                part = _as_natural_key(value)
                if part is None:
                    self.problems.append(
                        record.problem(
                            f'missing or not a natural key such as ["revenue"] '
                            f"(got {json.dumps(value)}); records are matched by it.",
                            name,
                        )
                    )
                    return None
                key += part
            else:
                if not isinstance(value, str) or not value:
                    self.problems.append(
                        record.problem(
                            f"missing or empty (got {json.dumps(value)}); records are "
                            f"matched by their {name}.",
                            name,
                        )
                    )
                    return None
                key += (value,)
        return key

    def _field_table(self, model):
        table = self._field_tables.get(model)
        if table is not None:
            return table
        try:
            originals = translator.get_options_for_model(model).all_fields
        except NotRegistered:
            originals = {}
        table = {}
        for model_field in model._meta.get_fields():
            if (model_field.auto_created and not model_field.concrete) or getattr(
                model_field, "primary_key", False
            ):
                continue
            if model_field.many_to_many:
                through = model_field.remote_field.through
                kind = _MANY if through._meta.auto_created else _THROUGH
            elif not model_field.editable:
                # Set by the code (timestamps): skipped, though dumpdata writes them.
                kind = _MANAGED
            elif model_field.is_relation:
                kind = _FOREIGN
            elif model_field.name in originals:
                kind = _ORIGINAL
            else:
                kind = _VALUE
            table[model_field.name] = (kind, model_field)
        self._field_tables[model] = table
        return table

    def _check_fields(self, record):
        table = self._field_table(record.model)
        for name, value in record.raw.items():
            kind, model_field = table.get(name, (None, None))
            if kind is None:
                hint = _did_you_mean(name, table)
                self.problems.append(
                    record.problem(f"unknown field of {record.label}{hint}.", name)
                )
            elif kind == _THROUGH:
                through = model_field.remote_field.through._meta.label_lower
                self.problems.append(
                    record.problem(
                        f"cannot be set here: list {through} records instead.", name
                    )
                )
            elif kind == _ORIGINAL:
                # dumpdata writes the untranslated field next to its translations;
                # it stands for the default language unless that is given too.
                localized = build_localized_fieldname(
                    name, modeltranslation_settings.DEFAULT_LANGUAGE
                )
                if localized not in record.raw:
                    self._check_value(record, name, table[localized][1], value)
            elif kind == _VALUE:
                self._check_value(record, name, model_field, value)
            elif kind == _FOREIGN:
                self._check_foreign(record, name, model_field, value)
            elif kind == _MANY:
                self._check_many(record, name, model_field, value)
        if self._db_pk(record.model, record.key) is None:
            for name, (kind, model_field) in table.items():
                if kind == _MANY and not model_field.blank and name not in record.raw:
                    self.problems.append(
                        record.problem(
                            "required for a new record: list at least one.", name
                        )
                    )

    def _check_value(self, record, name, model_field, value):
        if not isinstance(value, _JSON_SCALARS):
            self.problems.append(
                record.problem(
                    f"expected a single value, found {_json_type(value)}.", name
                )
            )
            return
        try:
            cleaned = model_field.clean(value, None)
        except ValidationError as error:
            self.problems.append(record.problem(" ".join(error.messages), name))
            return
        record.values[model_field] = (cleaned, name)

    def _check_foreign(self, record, name, model_field, value):
        if value is None:
            if not model_field.null:
                self.problems.append(record.problem("This field cannot be null.", name))
                return
            record.foreign[model_field] = (None, name)
            return
        key = self._check_reference(record, name, model_field.related_model, value)
        if key is not None:
            record.foreign[model_field] = (key, name)

    def _check_many(self, record, name, model_field, value):
        if not isinstance(value, list):
            self.problems.append(
                record.problem(
                    f'expected a list of natural keys such as [["unodc"]], '
                    f"found {_json_type(value)}.",
                    name,
                )
            )
            return
        if not value and not model_field.blank:
            self.problems.append(record.problem("list at least one.", name))
            return
        keys = []
        for item in value:
            key = self._check_reference(record, name, model_field.related_model, item)
            if key is None:
                return
            keys.append(key)
        record.many[model_field] = (keys, name)

    def _check_reference(self, record, name, model, value):
        key = _as_natural_key(value)
        label = model._meta.label_lower
        if key is None:
            self.problems.append(
                record.problem(
                    f'expected a natural key such as ["some-slug"], found '
                    f"{json.dumps(value)}.",
                    name,
                )
            )
            return None
        if (label, key) not in self.by_ref and self._db_pk(model, key) is None:
            self.problems.append(
                record.problem(
                    f"no {label} {json.dumps(list(key), ensure_ascii=False)} "
                    "in the input or the database.",
                    name,
                )
            )
            return None
        return key

    def _db_pk(self, model, key):
        ref = (model._meta.label_lower, key)
        if ref not in self._db_pks:
            manager = model._default_manager
            try:
                pk = manager.get_by_natural_key(*key).pk
            except (
                AttributeError,
                ObjectDoesNotExist,
                MultipleObjectsReturned,
                TypeError,
                ValueError,
                ValidationError,
            ):
                pk = None
            self._db_pks[ref] = pk
        return self._db_pks[ref]

    def _in_dependency_order(self):
        """The records, each after the input records its foreign keys point to."""
        ordered, done, visiting = [], set(), []

        def visit(record):
            if record.ref in done:
                return
            visiting.append(record)
            for model_field, (key, name) in record.foreign.items():
                target = self.by_ref.get(
                    (model_field.related_model._meta.label_lower, key)
                )
                if target is None:
                    continue
                if target in visiting:
                    cycle = visiting[visiting.index(target) :] + [target]
                    path = " → ".join("/".join(map(str, r.key)) for r in cycle)
                    message = (
                        "refers to the record itself."
                        if target is record
                        else f"circular reference ({path})."
                    )
                    self.problems.append(record.problem(message, name))
                    continue
                visit(target)
            visiting.pop()
            done.add(record.ref)
            ordered.append(record)

        for record in self.records:
            visit(record)
        return ordered

    # Pass 2: full validation and writing, inside the caller's transaction.

    def _write(self, ordered):
        failed = set()
        for record in ordered:
            refs = {
                (model_field.related_model._meta.label_lower, key)
                for model_field, (key, _name) in record.foreign.items()
            }
            if refs & failed:
                # That record's own problem is already reported.
                failed.add(record.ref)
                continue
            try:
                with transaction.atomic():
                    problems = self._save(record)
                    if problems:
                        raise _RecordInvalid(problems)
            except _RecordInvalid as invalid:
                self.problems.extend(invalid.problems)
                failed.add(record.ref)
            except DatabaseError as error:
                self.problems.append(
                    record.problem(f"the database refused it: {error}")
                )
                failed.add(record.ref)
        if failed:
            return
        for record in ordered:
            self._set_many(record)

    def _save(self, record):
        model = record.model
        pk = self._db_pk(model, record.key)
        obj = model._default_manager.get(pk=pk) if pk is not None else model()
        listed = []
        for model_field, (value, name) in record.values.items():
            listed.append(
                (model_field.attname, name, getattr(obj, model_field.attname))
            )
            setattr(obj, model_field.attname, value)
        for model_field, (key, name) in record.foreign.items():
            listed.append(
                (model_field.attname, name, getattr(obj, model_field.attname))
            )
            target = (
                None if key is None else self._pk_of(model_field.related_model, key)
            )
            setattr(obj, model_field.attname, target)

        problems = self._validate(record, obj)
        if problems:
            return problems

        if pk is None:
            record.status = CREATED
            record.changed = [name for _attname, name, _before in listed]
            obj.save()
        else:
            record.changed = [
                name
                for attname, name, before in listed
                if getattr(obj, attname) != before
            ]
            record.status = UPDATED if record.changed else UNCHANGED
            if record.changed:
                obj.save()
        record.obj = obj
        self.saved_pks[record.ref] = obj.pk
        return []

    def _validate(self, record, obj):
        problems = []
        reported = set()
        try:
            obj.full_clean(validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                fields = (
                    () if name == NON_FIELD_ERRORS else (_record_name(record, name),)
                )
                # "name" and "name_en" are one field for the record: say it once.
                if fields in reported:
                    continue
                reported.add(fields)
                problems.append(record.problem(" ".join(messages), *fields))
        for _model, constraints in obj.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(type(obj), obj)
                except ValidationError as error:
                    fields = [
                        _record_name(record, name)
                        for name in _constraint_fields(constraint)
                    ]
                    given = ", ".join(
                        f"{name} {json.dumps(record.raw[name], ensure_ascii=False)}"
                        if name in record.raw
                        else f"{name} not in the record"
                        for name in fields
                    )
                    message = " ".join(error.messages).rstrip(".")
                    problems.append(record.problem(f"{message} ({given}).", *fields))
        return problems

    def _pk_of(self, model, key):
        ref = (model._meta.label_lower, key)
        if ref in self.saved_pks:
            return self.saved_pks[ref]
        return self._db_pk(model, key)

    def _set_many(self, record):
        changed = []
        for model_field, (keys, name) in record.many.items():
            wanted = {self._pk_of(model_field.related_model, key) for key in keys}
            manager = getattr(record.obj, model_field.name)
            current = (
                set()
                if record.status == CREATED
                else set(manager.values_list("pk", flat=True))
            )
            if wanted != current:
                manager.set(wanted)
                changed.append(name)
        if record.status == CREATED:
            return
        record.changed += changed
        if changed and record.status == UNCHANGED:
            record.status = UPDATED
            if any(f.name == "updated" for f in record.model._meta.concrete_fields):
                record.obj.save(update_fields=["updated"])


class _RecordInvalid(Exception):
    def __init__(self, problems):
        self.problems = problems


def _record_name(record, name):
    """The name a record used for a model field (e.g. "name_en" for "name")."""
    if name in record.raw:
        return name
    localized = build_localized_fieldname(
        name, modeltranslation_settings.DEFAULT_LANGUAGE
    )
    if localized in record.raw:
        return localized
    return name


def _constraint_fields(constraint):
    """The field names a constraint reads, in the order it names them."""
    names = []

    def add(name):
        name = name.split(LOOKUP_SEP)[0]
        if name != "pk" and name not in names:
            names.append(name)

    def walk(node):
        if isinstance(node, Q):
            for child in node.children:
                if isinstance(child, tuple):
                    add(child[0])
                    walk(child[1])
                else:
                    walk(child)
        elif isinstance(node, F):
            add(node.name)
        elif hasattr(node, "get_source_expressions"):
            for source in node.get_source_expressions():
                walk(source)

    if isinstance(constraint, UniqueConstraint):
        for name in constraint.fields:
            add(name)
        for expression in constraint.expressions:
            walk(expression)
    condition = getattr(constraint, "condition", None)
    if condition is not None:
        walk(condition)
    return names


def _as_natural_key(value):
    """A natural key as a tuple, from its JSON form ["slug"]; None if it is not one."""
    if (
        isinstance(value, list)
        and value
        and all(isinstance(part, (str, int)) and part != "" for part in value)
    ):
        return tuple(value)
    return None


def _guess_key_text(fields):
    if not isinstance(fields, dict):
        return ""
    slug = fields.get("slug")
    if isinstance(slug, str) and slug:
        return f'slug "{slug}"'
    parts = []
    for name in ("programme", "tool", "risk_area"):
        value = _as_natural_key(fields.get(name))
        if value is not None:
            joined = "/".join(str(part) for part in value)
            parts.append(f'{name} "{joined}"')
    return ", ".join(parts)


def _json_type(value):
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")


def _did_you_mean(name, choices):
    matches = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.75)
    return f' (did you mean "{matches[0]}"?)' if matches else ""
