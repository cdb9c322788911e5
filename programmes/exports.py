"""CSV and JSON downloads of the lists, the search results and the coverage matrix.

An export is exactly what the page shows (same visible records, same filters,
same order), without the pagination. It streams: records are read in chunks of
CHUNK_SIZE with their links prefetched chunk by chunk, and the text goes out as
it is written, so a catalogue of any size exports in constant memory.

Every file is stamped with the catalogue's last change (among the records the
reader may see): in the `Last-Modified` header, in the file name
(`cep-tools-2026-11-20.csv`) and, for JSON, in the document itself.
"""

import csv
import json
from collections import defaultdict
from datetime import date

from django.db.models import ManyToManyField, QuerySet
from django.http import StreamingHttpResponse
from django.utils import translation
from django.utils.http import http_date
from django.utils.translation import gettext as _

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

EXPORT_FORMATS = ("csv", "json")
# Records read (and prefetched) per database round trip while streaming.
CHUNK_SIZE = 500
# Text gathered before it is handed to the server, so a response is not a
# thousand tiny writes.
FLUSH_SIZE = 32 * 1024
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Query-string parameters that shape the page, not the records.
NOT_FILTERS = ("format", "page")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
CATALOGUE_MODELS = (RiskArea, Threat, CEPComponent, Partner, Programme, Tool)


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
        (
            model.objects.visible_to(user)
            if hasattr(model.objects, "visible_to")
            else model.objects.all()
        )
        .order_by()
        .values_list("updated", flat=True)
        for model in CATALOGUE_MODELS
    ]
    return stamps[0].union(*stamps[1:], all=True).order_by("-updated").first()


def filters_of(query):
    """{parameter: [values]} of a query string, without format and page."""
    return {
        name: [value for value in query.getlist(name) if value]
        for name in query
        if name not in NOT_FILTERS and any(query.getlist(name))
    }


def _names(records):
    return [{"slug": record.slug, "name": str(record)} for record in records]


def _joined(items, **match):
    return "; ".join(
        item["name"]
        for item in items
        if all(item.get(key) == value for key, value in match.items())
    )


class Echo:
    """A file-like object whose write() hands back what it was given."""

    def write(self, value):
        return value


class Exporter:
    """How one kind of record becomes a JSON object and a CSV row.

    `records()` reads a queryset in chunks, ready for `record()`, which turns one
    record into a JSON-ready dict; `columns()` names the CSV columns and
    `csv_row()` flattens a record into them.
    """

    name = "records"

    def __init__(self, request):
        self.request = request
        self.user = request.user
        self._keys = None
        self._labels = {}

    def url(self, record):
        return self.request.build_absolute_uri(record.get_absolute_url())

    def label(self, choices, value):
        """The reader's label of a choice, translated once per export, not per row."""
        labels = self._labels.setdefault(
            choices, {key: str(text) for key, text in choices.choices}
        )
        return labels.get(value, value)

    def prepare(self, queryset):
        # The page's own prefetches and deferred fields make way for the export's.
        return queryset.prefetch_related(None).defer(None)

    def records(self, queryset):
        yield from self.prepare(queryset).iterator(chunk_size=CHUNK_SIZE)

    def header(self):
        return [str(label) for _key, label in self.columns()]

    def columns(self):
        raise NotImplementedError

    def record(self, obj):
        raise NotImplementedError

    def csv_row(self, record):
        if self._keys is None:
            self._keys = [key for key, _label in self.columns()]
        return [record.get(key) for key in self._keys]


def _batches(iterable, size):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _link_table(model, name):
    """(link table, column of `model`, column of the other side) of a many-to-many."""
    field = model._meta.get_field(name)
    if isinstance(field, ManyToManyField):
        return (
            field.remote_field.through,
            field.m2m_field_name(),
            (field.m2m_reverse_field_name()),
        )
    # The reverse side, e.g. a programme's tools.
    return (
        field.through,
        field.field.m2m_reverse_field_name(),
        (field.field.m2m_field_name()),
    )


class _CatalogueExporter(Exporter):
    """Shared by programmes and tools: names, coverage and the linked records.

    Links are read per chunk of CHUNK_SIZE records straight from the link tables
    (one query each), and named from lookup tables read once per export: the
    taxonomy, the partners and the programmes the reader may see. Tools linked
    to programmes can be many, so those are read per chunk, visible ones only.
    """

    model = None
    coverage_model = None
    # {key in the record: many-to-many field of the model}
    relations = {}

    def __init__(self, request, relations=None):
        super().__init__(request)
        self.relations = self.relations if relations is None else relations
        self._tables = {}

    def lookup(self, field):
        """The linked records of `field` a reader may see, in order, by id; or
        None when they are read per chunk."""
        if field not in self._tables:
            self._tables[field] = self.lookup_queryset(field)
            if self._tables[field] is not None:
                self._tables[field] = {r.pk: r for r in self._tables[field]}
        return self._tables[field]

    def lookup_queryset(self, field):
        if field == "risk_areas":
            return RiskArea.objects.all()
        if field == "threats":
            return Threat.objects.with_risk_area()
        if field == "components":
            return CEPComponent.objects.all()
        if field == "partners":
            return Partner.objects.all()
        if field == "programmes":
            return Programme.objects.visible_to(self.user)
        return None

    def chunk_lookup(self, field, ids):
        if field == "tools":
            return {
                t.pk: t for t in Tool.objects.visible_to(self.user).filter(pk__in=ids)
            }
        raise ValueError(field)

    def records(self, queryset):
        rows = self.prepare(queryset).iterator(chunk_size=CHUNK_SIZE)
        for batch in _batches(rows, CHUNK_SIZE):
            self.attach(batch)
            yield from batch

    def attach(self, batch):
        """Set `export_coverage` and `export_links` on every record of the batch."""
        ids = [obj.pk for obj in batch]
        owner = self.model._meta.model_name
        areas = self.lookup("risk_areas")
        coverage = defaultdict(list)
        links = self.coverage_model.objects.filter(**{f"{owner}_id__in": ids})
        for pk, area_id, level in links.order_by().values_list(
            f"{owner}_id", "risk_area_id", "level"
        ):
            if area_id in areas:
                coverage[pk].append((areas[area_id], level))
        related = {}
        for key, field_name in self.relations.items():
            through, mine, other = _link_table(self.model, field_name)
            pairs = list(
                through.objects.filter(**{f"{mine}_id__in": ids})
                .order_by()
                .values_list(f"{mine}_id", f"{other}_id")
            )
            table = self.lookup(field_name)
            if table is None:
                table = self.chunk_lookup(field_name, {other for _pk, other in pairs})
            rank = {pk: position for position, pk in enumerate(table)}
            grouped = defaultdict(list)
            for pk, other in pairs:
                if other in table:
                    grouped[pk].append(table[other])
            for records in grouped.values():
                records.sort(key=lambda record: rank[record.pk])
            related[key] = grouped
        for obj in batch:
            obj.export_coverage = sorted(
                coverage.get(obj.pk, []),
                key=lambda pair: (pair[1] != CoverageLevel.PRIMARY, pair[0].order),
            )
            obj.export_links = {key: related[key].get(obj.pk, []) for key in related}

    def coverage(self, obj):
        return [
            {"slug": area.slug, "name": str(area), "level": level}
            for area, level in obj.export_coverage
        ]

    def linked(self, obj, key):
        return _names(obj.export_links[key])

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
        flat["risk_areas_primary"] = _joined(record["risk_areas"], level="primary")
        flat["risk_areas_supporting"] = _joined(
            record["risk_areas"], level="supporting"
        )
        for key in ("threats", "partners", "components", "programmes", "tools"):
            if key in record:
                flat[key] = _joined(record[key])
        return flat

    def csv_row(self, record):
        return super().csv_row(self.flatten(record))


class ProgrammeExporter(_CatalogueExporter):
    name = "programmes"
    model = Programme
    coverage_model = ProgrammeCoverage
    relations = {"threats": "threats", "partners": "partners", "tools": "tools"}

    def prepare(self, queryset):
        return super().prepare(queryset).select_related("successor")

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

    def record(self, obj):
        successor = obj.successor
        if successor is not None and not successor.is_visible_to(self.user):
            successor = None
        return {
            **self.base_record(obj),
            "status": obj.status,
            "status_label": self.label(Programme.Status, obj.status),
            "successor": successor.slug if successor else None,
            "successor_name": successor.name if successor else "",
            "start_year": obj.start_year,
            "end_year": obj.end_year,
            "risk_areas": self.coverage(obj),
            "threats": self.linked(obj, "threats"),
            "partners": self.linked(obj, "partners"),
            "tools": self.linked(obj, "tools"),
            "access_label": self.label(Access, obj.access),
            "updated": obj.updated.date().isoformat(),
        }


class ToolExporter(_CatalogueExporter):
    name = "tools"
    model = Tool
    coverage_model = ToolCoverage
    relations = {
        "components": "components",
        "threats": "threats",
        "programmes": "programmes",
        "partners": "partners",
    }

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

    def record(self, obj):
        return {
            **self.base_record(obj),
            "kind": obj.kind,
            "kind_label": self.label(Tool.Kind, obj.kind),
            "start_year": obj.start_year,
            "components": self.linked(obj, "components"),
            "risk_areas": self.coverage(obj),
            "threats": self.linked(obj, "threats"),
            "programmes": self.linked(obj, "programmes"),
            "partners": self.linked(obj, "partners"),
            "access_label": self.label(Access, obj.access),
            "updated": obj.updated.date().isoformat(),
        }


class CoverageExporter(Exporter):
    """The coverage matrix: programmes, then tools, one column per risk area."""

    name = "coverage"

    def __init__(self, request, risk_areas):
        super().__init__(request)
        self.risk_areas = list(risk_areas)
        self.exporters = {
            Programme: ProgrammeExporter(request, relations={}),
            Tool: ToolExporter(request, relations={"components": "components"}),
        }

    def records(self, queryset):
        return self.exporters[queryset.model].records(queryset)

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
        levels = {area.pk: level for area, level in obj.export_coverage}
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
            "components": _names(obj.export_links.get("components", [])),
            "coverage": {
                area.slug: levels.get(area.pk, "") for area in self.risk_areas
            },
            "covered": sum(1 for area in self.risk_areas if levels.get(area.pk)),
        }

    def csv_row(self, record):
        labels = {level: str(label) for level, label in CoverageLevel.choices}
        flat = {
            **record,
            "components": _joined(record["components"]),
            **{
                f"area:{slug}": labels.get(level, "")
                for slug, level in record["coverage"].items()
            },
        }
        return super().csv_row(flat)


class SearchExporter(Exporter):
    """Search results: every record that matches, of every type, best first per type."""

    name = "search"

    def records(self, queryset):
        queryset = self.prepare(queryset)
        if queryset.model is Threat:
            # A threat's address is its risk area's page.
            queryset = queryset.select_related("risk_area")
        yield from queryset.iterator(chunk_size=CHUNK_SIZE)

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
        from .search import kind_for

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


def search_sources(q, user, *, relaxed=False):
    """What the search page finds for `q`, as one queryset per type, unpaginated.

    The same ranking as `search.search_all()`, with every match instead of the
    first few of each type; an empty query finds nothing.
    """
    from .search import KINDS, parse_query, search_queryset

    if parse_query(q).is_empty:
        return []
    sources = []
    for kind in KINDS:
        manager = kind.get_model().objects
        base = manager.visible_to(user) if hasattr(manager, "visible_to") else manager
        sources.append(search_queryset(base.all(), q, relaxed=relaxed))
    return sources


def search_export_response(request, q, export_format, *, relaxed=False):
    """The download of a search page: `relaxed` as the page's results say."""
    return export_response(
        SearchExporter(request),
        search_sources(q, request.user, relaxed=relaxed),
        export_format,
        {"q": [q]} if q else {},
    )


# Streaming ------------------------------------------------------------------------


def _records(exporter, sources):
    for source in sources:
        if isinstance(source, QuerySet):
            yield from exporter.records(source)
        else:
            yield from source


def _count(sources):
    return sum(
        source.count() if isinstance(source, QuerySet) else len(source)
        for source in sources
    )


def _buffered(pieces):
    buffer, size = [], 0
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= FLUSH_SIZE:
            yield "".join(buffer)
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer)


def _in_language(language, pieces):
    """Keep the request's language while the server pulls the text after the view."""
    with translation.override(language):
        yield from pieces


def csv_lines(exporter, sources):
    writer = csv.writer(Echo())
    # A byte-order mark tells spreadsheets the file is UTF-8.
    yield "\ufeff" + writer.writerow(exporter.header())
    for obj in _records(exporter, sources):
        row = exporter.csv_row(exporter.record(obj))
        yield writer.writerow([neutralise(cell) for cell in row])


def json_pieces(exporter, sources, filters, updated):
    head = {
        "catalogue_updated": updated.isoformat() if updated else None,
        "filters": filters,
        "count": _count(sources),
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "results": ['
    separator = ""
    for obj in _records(exporter, sources):
        yield separator + json.dumps(exporter.record(obj), ensure_ascii=False)
        separator = ", "
    yield "]}\n"


def export_response(exporter, sources, export_format, filters=None):
    """A streaming download of the records of `sources` (querysets or lists)."""
    updated = catalogue_updated(exporter.user)
    stamp = (updated.date() if updated else date.today()).isoformat()
    filters = filters or {}
    if export_format == "json":
        pieces = json_pieces(exporter, sources, filters, updated)
    else:
        pieces = csv_lines(exporter, sources)
    response = StreamingHttpResponse(
        _buffered(_in_language(translation.get_language(), pieces)),
        content_type=CONTENT_TYPES[export_format],
    )
    response["Content-Disposition"] = (
        f'attachment; filename="cep-{exporter.name}-{stamp}.{export_format}"'
    )
    if updated is not None:
        response["Last-Modified"] = http_date(updated.timestamp())
    return response
