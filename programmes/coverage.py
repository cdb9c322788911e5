"""Who covers what: the coverage matrices, the CEP cross-table and the thin spots.

Every function takes querysets the caller has already narrowed to what the
reader may see (and filtered), so drafts and restricted records are absent from
rows, cells, totals and thin spots alike. Each runs a fixed number of queries
and shows a bounded number of rows whatever the catalogue's size: counts are
grouped in the database, programmes come a page at a time, and tools are
counted by CEP component and kind rather than listed one by one.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.urls import reverse

from risk_areas.models import Threat

from .models import CoverageLevel, Tool, ToolCoverage

# A risk area served by fewer tools than this is a thin spot.
THIN_RISK_AREA_TOOLS = 3
# A threat served by this many tools or fewer is a thin spot.
THIN_THREAT_TOOLS = 1
# Programmes on a page of the coverage matrix.
PROGRAMMES_PER_PAGE = 25
# Heat levels of a count relative to the largest count shown (0 = none).
HEAT_STEPS = 4


def heat(count, largest):
    """0 for nothing, then 1..HEAT_STEPS as `count` nears `largest`."""
    if not count or not largest:
        return 0
    return max(1, -(-count * HEAT_STEPS // largest))


@dataclass
class Cell:
    risk_area: object
    level: str = ""

    @property
    def is_primary(self):
        return self.level == CoverageLevel.PRIMARY

    @property
    def is_supporting(self):
        return self.level == CoverageLevel.SUPPORTING


@dataclass
class Row:
    record: object
    cells: list

    @property
    def total(self):
        return sum(1 for cell in self.cells if cell.level)


@dataclass
class ColumnTotal:
    risk_area: object
    primary: int = 0
    supporting: int = 0
    heat: int = 0
    thin: bool = False

    @property
    def total(self):
        return self.primary + self.supporting


@dataclass
class Matrix:
    """Records × risk areas: rows (or groups of rows) of cells, with totals."""

    risk_areas: list
    rows: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    totals: list = field(default_factory=list)
    count: int = 0
    page_obj: object = None


def _levels(records):
    """{(record id, risk area id): level} for a queryset of records, in one query."""
    coverage = records.model._meta.get_field("coverage").related_model
    owner = coverage.owner
    rows = coverage.objects.filter(**{f"{owner}__in": records.values("pk")})
    return {
        (pk, area_id): level
        for pk, area_id, level in rows.order_by().values_list(
            f"{owner}_id", "risk_area_id", "level"
        )
    }


def _rows(records, levels, risk_areas):
    return [
        Row(
            record,
            [Cell(area, levels.get((record.pk, area.pk), "")) for area in risk_areas],
        )
        for record in records
    ]


def _column_counts(records, risk_areas):
    """One query: how many of `records` there are, and how many cover each risk
    area at each level, as {"count": n, (area id, level): n}."""
    counts = {
        f"a{area.pk}_{level}": Count(
            "pk",
            filter=Q(coverage__risk_area=area, coverage__level=level),
            distinct=True,
        )
        for area in risk_areas
        for level in CoverageLevel.values
    }
    totals = records.model.objects.filter(pk__in=records.values("pk")).aggregate(
        count=Count("pk", distinct=True), **counts
    )
    return {
        "count": totals["count"],
        **{
            (area.pk, level): totals[f"a{area.pk}_{level}"]
            for area in risk_areas
            for level in CoverageLevel.values
        },
    }


def _totals(counts, risk_areas, thin_below=None):
    totals = [
        ColumnTotal(
            area,
            primary=counts.get((area.pk, CoverageLevel.PRIMARY), 0),
            supporting=counts.get((area.pk, CoverageLevel.SUPPORTING), 0),
        )
        for area in risk_areas
    ]
    largest = max((total.total for total in totals), default=0)
    for total in totals:
        total.heat = heat(total.total, largest)
        total.thin = thin_below is not None and total.total < thin_below
    return totals


def programme_matrix(programmes, risk_areas, page=1):
    """Programmes (rows, PROGRAMMES_PER_PAGE to a page) × risk areas (columns),
    with the totals of all of them. Three queries whatever their number."""
    counts = _column_counts(programmes, risk_areas)
    paginator = Paginator(programmes, PROGRAMMES_PER_PAGE)
    paginator.count = counts["count"]  # known already: spares a query
    page_obj = paginator.get_page(page)
    records = list(page_obj.object_list)
    shown = programmes.model.objects.filter(pk__in=[record.pk for record in records])
    return Matrix(
        risk_areas=risk_areas,
        rows=_rows(records, _levels(shown), risk_areas),
        totals=_totals(counts, risk_areas),
        count=counts["count"],
        page_obj=page_obj,
    )


@dataclass
class CountCell:
    """How many tools of a matrix row cover `risk_area`, at each level."""

    risk_area: object
    primary: int = 0
    supporting: int = 0
    url: str = ""

    @property
    def total(self):
        return self.primary + self.supporting


@dataclass
class KindRow:
    """The tools of one kind in one CEP component, counted per risk area."""

    kind: str
    label: str
    cells: list
    total: int = 0
    url: str = ""


def _tool_list_url(**params):
    query = urlencode({name: value for name, value in params.items() if value})
    return f"{reverse('programmes:tool-list')}?{query}"


def _cross_table(risk_areas, components, cells, area_totals, component_totals, count):
    """The risk area × CEP component table from counts already made:
    cells {(area id, component id): n}, area_totals {area id: n},
    component_totals {component id: n}, count (every tool once)."""
    largest = max(cells.values(), default=0)
    rows = []
    for area in risk_areas:
        row_cells = [
            {
                "component": component,
                "count": cells.get((area.pk, component.pk), 0),
                "heat": heat(cells.get((area.pk, component.pk), 0), largest),
            }
            for component in components
        ]
        rows.append(
            {
                "risk_area": area,
                "cells": row_cells,
                "total": area_totals.get(area.pk, 0),
            }
        )
    return {
        "components": components,
        "rows": rows,
        "totals": [
            {"component": component, "count": component_totals.get(component.pk, 0)}
            for component in components
        ],
        "count": count,
    }


def tool_matrix(tools, risk_areas, components):
    """Tools × risk areas, counted by CEP component and kind: a row per kind in
    each component, the kinds with most tools first; each cell counts the tools
    covering its risk area (primary and supporting) and opens their list.

    A tool in two components counts in each; the totals count it once. Three
    queries whatever the number of tools; returns the matrix and the
    risk area × component cross-table made from the same counts.
    """
    ids = tools.values("pk")
    cells = defaultdict(int)  # (component id, kind, area id, level) -> tools
    for component_id, kind, area_id, level, count in (
        ToolCoverage.objects.filter(tool__in=ids)
        .order_by()
        .values_list("tool__components", "tool__kind", "risk_area", "level")
        .annotate(Count("tool", distinct=True))
    ):
        cells[component_id, kind, area_id, level] = count
    row_totals = {
        (component_id, kind): count
        for component_id, kind, count in Tool.objects.filter(pk__in=ids)
        .order_by()
        .values_list("components", "kind")
        .annotate(Count("pk", distinct=True))
    }
    counts = _column_counts(tools, risk_areas)
    kinds = dict(Tool.Kind.choices)
    groups = []
    for component in [*components, None]:
        key = component.pk if component else None
        slug = component.slug if component else ""
        rows = []
        for (component_id, kind), total in row_totals.items():
            if component_id != key:
                continue
            row_cells = []
            for area in risk_areas:
                cell = CountCell(
                    area,
                    primary=cells[key, kind, area.pk, CoverageLevel.PRIMARY],
                    supporting=cells[key, kind, area.pk, CoverageLevel.SUPPORTING],
                    url=_tool_list_url(risk_area=area.slug, component=slug, kind=kind),
                )
                row_cells.append(cell)
            rows.append(
                KindRow(
                    kind,
                    kinds.get(kind, kind),
                    row_cells,
                    total,
                    _tool_list_url(component=slug, kind=kind),
                )
            )
        if rows:
            rows.sort(key=lambda row: (-row.total, str(row.label)))
            groups.append(
                {
                    "component": component,
                    "rows": rows,
                    "count": sum(row.total for row in rows),
                }
            )
    matrix = Matrix(
        risk_areas=risk_areas,
        groups=groups,
        totals=_totals(counts, risk_areas, THIN_RISK_AREA_TOOLS),
        count=counts["count"],
    )
    per_cell = defaultdict(int)
    for (component_id, _kind, area_id, _level), count in cells.items():
        per_cell[area_id, component_id] += count
    table = _cross_table(
        risk_areas,
        components,
        per_cell,
        {total.risk_area.pk: total.total for total in matrix.totals},
        {
            group["component"].pk: group["count"]
            for group in groups
            if group["component"]
        },
        counts["count"],
    )
    return matrix, table


def cross_table(tools, risk_areas, components):
    """Risk areas (rows) × CEP components (columns): tools counted in each cell.

    A tool counts in every (risk area, component) pair it belongs to, at either
    level of coverage, exactly as `/tools/?risk_area=…&component=…` lists them.
    Two queries, whatever the number of tools: the cells and row totals grouped
    by risk area, then the column totals.
    """
    records = Tool.objects.filter(pk__in=tools.values("pk")).order_by()
    per_component = {
        f"c{component.pk}": Count("pk", filter=Q(components=component), distinct=True)
        for component in components
    }
    by_area = {
        row.pop("coverage__risk_area"): row
        for row in records.values("coverage__risk_area").annotate(
            total=Count("pk", distinct=True), **per_component
        )
    }
    totals = records.aggregate(count=Count("pk", distinct=True), **per_component)
    return _cross_table(
        risk_areas,
        components,
        {
            (area_id, component.pk): row[f"c{component.pk}"]
            for area_id, row in by_area.items()
            for component in components
        },
        {area_id: row["total"] for area_id, row in by_area.items()},
        {component.pk: totals[f"c{component.pk}"] for component in components},
        totals["count"],
    )


def thin_threats(tools):
    """Threats served by at most THIN_THREAT_TOOLS of `tools`: [{threat, count}],
    in one query."""
    threats = Threat.objects.with_risk_area().annotate(
        count=Count("tools", filter=Q(tools__in=tools.values("pk")), distinct=True)
    )
    return [
        {"threat": threat, "count": threat.count}
        for threat in threats
        if threat.count <= THIN_THREAT_TOOLS
    ]


def coverage(programmes, tools, risk_areas, components, page=1):
    """Everything the coverage page shows, from visible, filtered querysets:
    nine queries at most, whatever the catalogue's size."""
    matrix, table = tool_matrix(tools, risk_areas, components)
    return {
        "programme_matrix": programme_matrix(programmes, risk_areas, page),
        "tool_matrix": matrix,
        "cross_table": table,
        "thin_risk_areas": [total for total in matrix.totals if total.thin],
        "thin_threats": thin_threats(tools),
        "thin_risk_area_tools": THIN_RISK_AREA_TOOLS,
        "thin_threat_tools": THIN_THREAT_TOOLS,
    }
