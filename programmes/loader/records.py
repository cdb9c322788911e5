"""One record of a catalogue file, what loading it did, and the load's report."""

import json
from dataclasses import dataclass, field
from functools import cache

from modeltranslation.settings import DEFAULT_LANGUAGE
from modeltranslation.utils import build_localized_fieldname

from risk_areas.models import CEPComponent, RiskArea, SlugHistory, Threat

from ..models import Partner, Programme, ProgrammeCoverage, Tool, ToolCoverage

# The models catalogue files hold, in load order; the coverage links come last.
CATALOGUE_MODELS = [RiskArea, Threat, CEPComponent, Partner, Programme, Tool]
CATALOGUE_MODELS += [ProgrammeCoverage, ToolCoverage]
STATUSES = CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
MODELS = {model._meta.label_lower: model for model in CATALOGUE_MODELS}
# A renamed record's old slug, named by the record's natural key (see slugs.py).
SLUG_HISTORY = SlugHistory._meta.label_lower
MODELS[SLUG_HISTORY] = SlugHistory


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
        return MODELS[self.item["model"].lower()]

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
        for model in MODELS.values():
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


@cache
def fields_of(model):
    """{name: field} for every field of `model` a record may name."""
    return {field.name: field for field in model._meta.get_fields()}


def is_natural_key(value):
    return isinstance(value, list) and value and all(isinstance(p, str) for p in value)


def _key_text(fields):
    """How messages name a record: its slug, or the links its natural key is made of."""
    if fields.get("slug"):
        return f"slug {_quoted(fields['slug'])}"
    keys = [(name, value) for name, value in fields.items() if is_natural_key(value)]
    return ", ".join(f"{name} {_quoted('/'.join(value))}" for name, value in keys)


def _quoted(value):
    """`value` in double quotes, control characters escaped, cut short if long."""
    if not isinstance(value, str):
        return "(not text)"
    short = value if len(value) <= 80 else f"{value[:77]}..."
    return json.dumps(short, ensure_ascii=False)


def describe(obj):
    return describe_key(type(obj), obj.natural_key())


def describe_key(model, natural_key):
    """'programmes.tool "cen"', 'programmes.toolcoverage "cen" / "drugs"'."""
    key = " / ".join(f'"{part}"' for part in natural_key)
    return f"{model._meta.label_lower} {key}"


def _counts(records):
    statuses = [record.status for record in records]
    return ", ".join(f"{statuses.count(status)} {status}" for status in STATUSES)
