"""CSV and JSON downloads of the lists, the search results and the coverage matrix.

An export is exactly what the page shows (same visible records, same filters,
same order), without the pagination. It streams: records are read with
`iterator(chunk_size=CHUNK_SIZE)`, which prefetches their links chunk by chunk,
and the text goes out as it is written, so a catalogue of any size exports in
constant memory and a fixed number of queries per chunk.

Every file is stamped with the catalogue's last change (among the records the
reader may see): in the `Last-Modified` header, in the file name
(`cep-tools-2026-11-20.csv`) and, for JSON, in the document itself.
"""

import csv
import json

from django.conf import settings
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from risk_areas.languages import translated
from risk_areas.models import CEPComponent, RiskArea, Threat

from .models import (
    Access,
    CoverageLevel,
    Partner,
    Programme,
    ProgrammeCoverage,
    Tool,
    ToolCoverage,
)
from .search import kind_for

EXPORT_FORMATS = ("csv", "json")
# Records read (and prefetched) per database round trip while streaming.
CHUNK_SIZE = 500
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CATALOGUE_MODELS = (RiskArea, Threat, CEPComponent, Partner, Programme, Tool)
# What an export reads of a linked record: its slug and its name, in every
# language (a missing translation falls back to English). Reading whole records
# (every text in five languages, the search documents) made a tool export
# spend most of its time building objects it barely read.
LINK_FIELDS = (
    "slug",
    "name",
    *(build_localized_fieldname("name", code) for code, _name in settings.LANGUAGES),
)
# What an export never reads of the records themselves.
UNREAD_PREFIXES = ("description", "keywords", "editor_notes", "search_")


def _unread(model):
    return [
        field.name
        for field in model._meta.concrete_fields
        if field.name.startswith(UNREAD_PREFIXES)
    ]


def _linked(queryset):
    return queryset.only(*LINK_FIELDS)


def _coverage(model, record):
    """The coverage links of `record`s (the link's field naming them), primary
    first, with their risk areas' names."""
    return (
        model.objects.select_related("risk_area")
        .only("level", record, *(f"risk_area__{name}" for name in LINK_FIELDS))
        .order_by("level", "risk_area__order")
    )


def neutralise(value):
    """The cell text, quoted if a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def catalogue_updated(user=None):
    """When the catalogue `user` may see last changed, or None when it is empty.

    Drafts and restricted records the reader may not see don't count: their
    edits must not show, even as a date. One query over every catalogue table.
    """
    stamps = [
        model.objects.visible_to(user).order_by().values_list("updated", flat=True)
        for model in CATALOGUE_MODELS
    ]
    return stamps[0].union(*stamps[1:], all=True).order_by("-updated").first()


def _names(records):
    return [{"slug": record.slug, "name": str(record)} for record in records]


def _joined(items, level=None):
    return "; ".join(
        item["name"] for item in items if level is None or item["level"] == level
    )


class Echo:
    """A file-like object whose write() hands back what it was given."""

    def write(self, value):
        return value


class Exporter:
    """How one kind of record becomes a JSON object and a CSV row.

    `with_links()` prefetches what `record()` reads; `record()` turns a record
    into a JSON-ready dict; `columns()` names the CSV columns, (key, label), and
    `flatten()` turns a record's lists into their cells.
    """

    name = "records"

    def __init__(self, user, export_format, origin=""):
        self.user = user
        self.format = export_format
        # "https://host": the records' addresses are absolute.
        self.origin = origin
        self._labels = {}

    def url(self, obj):
        return self.origin + obj.get_absolute_url()

    def label(self, choices, value):
        """The reader's label of a choice, translated once per export, not per row."""
        if choices not in self._labels:
            self._labels[choices] = {key: str(text) for key, text in choices.choices}
        return self._labels[choices].get(value, value)

    def with_links(self, queryset):
        return queryset

    def records(self, querysets):
        for queryset in querysets:
            # The page's own prefetches and deferred fields make way for the export's.
            queryset = self.with_links(queryset.prefetch_related(None).defer(None))
            for obj in queryset.iterator(chunk_size=CHUNK_SIZE):
                yield self.record(obj)

    def flatten(self, record):
        return record

    def text(self, querysets, filters, updated):
        """The file, piece by piece: CSV lines, or the JSON document in parts."""
        if self.format == "json":
            return self.json_pieces(querysets, filters, updated)
        return self.csv_lines(querysets)

    def csv_lines(self, querysets):
        columns = self.columns()
        writer = csv.writer(Echo())
        # A byte-order mark tells spreadsheets the file is UTF-8.
        yield "\ufeff" + writer.writerow([str(label) for _key, label in columns])
        for record in self.records(querysets):
            flat = self.flatten(record)
            yield writer.writerow([neutralise(flat.get(key)) for key, _ in columns])

    def json_pieces(self, querysets, filters, updated):
        head = {
            "catalogue_updated": updated.isoformat() if updated else None,
            "filters": filters,
            "count": sum(queryset.count() for queryset in querysets),
        }
        yield json.dumps(head, ensure_ascii=False)[:-1] + ', "results": ['
        separator = ""
        for record in self.records(querysets):
            yield separator + json.dumps(record, ensure_ascii=False)
            separator = ", "
        yield "]}\n"


class CatalogueExporter(Exporter):
    """Programmes and tools with their links, as their pages show them: only the
    linked records the reader may see, in the same order. In CSV a cell joins
    the names of a kind of link."""

    def coverage(self, obj):
        return [
            {
                "slug": link.risk_area.slug,
                "name": str(link.risk_area),
                "level": link.level,
            }
            for link in obj.coverage.all()
        ]

    def base_record(self, obj):
        return {
            "name": obj.name,
            "slug": obj.slug,
            "acronym": obj.acronym,
            "url": self.url(obj),
            "access": obj.access,
            "summary": obj.summary,
        }

    def flatten(self, record):
        flat = dict(record)
        flat["risk_areas_primary"] = _joined(record["risk_areas"], "primary")
        flat["risk_areas_supporting"] = _joined(record["risk_areas"], "supporting")
        for key in ("threats", "partners", "components", "programmes", "tools"):
            if key in record:
                flat[key] = _joined(record[key])
        return flat


class ProgrammeExporter(CatalogueExporter):
    name = "programmes"

    def columns(self):
        return [
            ("name", _("Name")),
            ("acronym", _("Acronym")),
            ("status_label", _("Status")),
            ("successor_name", _("Merged into")),
            ("start_year", _("Start year")),
            ("end_year", _("End year")),
            ("risk_areas_primary", _("Risk areas (primary)")),
            ("risk_areas_supporting", _("Risk areas (supporting)")),
            ("threats", _("Threats")),
            ("partners", _("Partners")),
            ("tools", _("Tools")),
            ("summary", _("Summary")),
            ("access_label", _("Access")),
            ("url", _("Address")),
            ("slug", _("Slug")),
            ("updated", _("Last updated")),
        ]

    def with_links(self, queryset):
        """What `record()` reads, as the programme's page shows it (the
        programme's `with_links()`), only the fields an export reads."""
        tools = Tool.objects.visible_to(self.user).order_by(translated("name"))
        return (
            queryset.defer(*_unread(Programme))
            .with_visible_successor(self.user)
            .prefetch_related(
                Prefetch(
                    "coverage", queryset=_coverage(ProgrammeCoverage, "programme")
                ),
                Prefetch("threats", queryset=_linked(Threat.objects.all())),
                Prefetch("partners", queryset=_linked(Partner.objects.all())),
                Prefetch("tools", queryset=_linked(tools)),
            )
        )

    def record(self, obj):
        # Django leaves the attribute unset when the successor is hidden or none.
        successor = getattr(obj, "visible_successor", None)
        return {
            **self.base_record(obj),
            "status": obj.status,
            "status_label": self.label(Programme.Status, obj.status),
            "successor": successor.slug if successor else None,
            "successor_name": successor.name if successor else "",
            "start_year": obj.start_year,
            "end_year": obj.end_year,
            "risk_areas": self.coverage(obj),
            "threats": _names(obj.threats.all()),
            "partners": _names(obj.partners.all()),
            "tools": _names(obj.tools.all()),
            "access_label": self.label(Access, obj.access),
            "updated": obj.updated.date().isoformat(),
        }


class ToolExporter(CatalogueExporter):
    name = "tools"

    def columns(self):
        return [
            ("name", _("Name")),
            ("acronym", _("Acronym")),
            ("kind_label", _("Kind")),
            ("components", _("CEP components")),
            ("risk_areas_primary", _("Risk areas (primary)")),
            ("risk_areas_supporting", _("Risk areas (supporting)")),
            ("threats", _("Threats")),
            ("programmes", _("Programmes")),
            ("partners", _("Partners")),
            ("start_year", _("Start year")),
            ("summary", _("Summary")),
            ("access_label", _("Access")),
            ("url", _("Address")),
            ("slug", _("Slug")),
            ("updated", _("Last updated")),
        ]

    def with_links(self, queryset):
        """What `record()` reads, as the tool's page shows it (the tool's
        `with_links()`), only the fields an export reads."""
        programmes = Programme.objects.visible_to(self.user).order_by("order", "name")
        return queryset.defer(*_unread(Tool)).prefetch_related(
            Prefetch("coverage", queryset=_coverage(ToolCoverage, "tool")),
            Prefetch("programmes", queryset=_linked(programmes)),
            Prefetch("threats", queryset=_linked(Threat.objects.all())),
            Prefetch("components", queryset=_linked(CEPComponent.objects.all())),
            Prefetch("partners", queryset=_linked(Partner.objects.all())),
        )

    def record(self, obj):
        return {
            **self.base_record(obj),
            "kind": obj.kind,
            "kind_label": self.label(Tool.Kind, obj.kind),
            "start_year": obj.start_year,
            "components": _names(obj.components.all()),
            "risk_areas": self.coverage(obj),
            "threats": _names(obj.threats.all()),
            "programmes": _names(obj.programmes.all()),
            "partners": _names(obj.partners.all()),
            "access_label": self.label(Access, obj.access),
            "updated": obj.updated.date().isoformat(),
        }


class CoverageExporter(Exporter):
    """The coverage matrix: programmes, then tools, one column per risk area."""

    name = "coverage"

    def __init__(self, user, export_format, origin="", *, risk_areas):
        super().__init__(user, export_format, origin)
        self.risk_areas = list(risk_areas)

    def with_links(self, queryset):
        queryset = queryset.with_coverage()
        if queryset.model is Tool:
            return queryset.prefetch_related("components")
        return queryset

    def columns(self):
        return [
            ("type_label", _("Type")),
            ("name", _("Name")),
            ("acronym", _("Acronym")),
            ("category", _("Kind or status")),
            ("components", _("CEP components")),
            *((f"area:{area.slug}", str(area)) for area in self.risk_areas),
            ("covered", _("Risk areas covered")),
            ("url", _("Address")),
            ("slug", _("Slug")),
        ]

    def record(self, obj):
        levels = {link.risk_area_id: link.level for link in obj.coverage.all()}
        is_tool = isinstance(obj, Tool)
        return {
            "type": "tool" if is_tool else "programme",
            "type_label": str(_("Tool") if is_tool else _("Programme")),
            "name": obj.name,
            "slug": obj.slug,
            "acronym": obj.acronym,
            "url": self.url(obj),
            "category": (
                self.label(Tool.Kind, obj.kind)
                if is_tool
                else self.label(Programme.Status, obj.status)
            ),
            "components": _names(obj.components.all()) if is_tool else [],
            "coverage": {
                area.slug: levels.get(area.pk, "") for area in self.risk_areas
            },
            "covered": sum(1 for area in self.risk_areas if levels.get(area.pk)),
        }

    def flatten(self, record):
        return {
            **record,
            "components": _joined(record["components"]),
            **{
                f"area:{slug}": self.label(CoverageLevel, level)
                for slug, level in record["coverage"].items()
            },
        }


class SearchExporter(Exporter):
    """Search results: every record that matches, of every type, best first per type."""

    name = "search"

    def columns(self):
        return [
            ("type_label", _("Type")),
            ("name", _("Name")),
            ("acronym", _("Acronym")),
            ("summary", _("Summary")),
            ("url", _("Address")),
            ("slug", _("Slug")),
        ]

    def record(self, obj):
        kind = kind_for(type(obj))
        return {
            "type": kind.key,
            "type_label": str(kind.name),
            "name": obj.name,
            "slug": obj.slug,
            "acronym": getattr(obj, "acronym", ""),
            "summary": getattr(obj, "summary", "") or getattr(obj, "description", ""),
            "url": self.url(obj),
            "rank": round(float(getattr(obj, "rank", 0) or 0), 4),
        }
