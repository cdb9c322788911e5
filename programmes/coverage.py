"""Who covers what: the coverage matrices, the CEP cross-table and the thin spots.

Every function takes querysets the caller has already narrowed to what the
reader may see (and filtered), so drafts and restricted records are absent from
rows, cells, totals and thin spots alike. Each runs a fixed number of queries
whatever the catalogue's size: counts are grouped in the database, and the
matrices read the link tables as plain ids.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from risk_areas.models import Threat

from .models import CoverageLevel, Tool

# A risk area served by fewer tools than this is a thin spot.
THIN_RISK_AREA_TOOLS = 3
# A threat served by this many tools or fewer is a thin spot.
THIN_THREAT_TOOLS = 1
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


def _totals(levels, risk_areas, thin_below=None):
    counts = Counter((area_id, level) for (_pk, area_id), level in levels.items())
    totals = [
        ColumnTotal(
            area,
            primary=counts[(area.pk, CoverageLevel.PRIMARY)],
            supporting=counts[(area.pk, CoverageLevel.SUPPORTING)],
        )
        for area in risk_areas
    ]
    largest = max((total.total for total in totals), default=0)
    for total in totals:
        total.heat = heat(total.total, largest)
        total.thin = thin_below is not None and total.total < thin_below
    return totals


def programme_matrix(programmes, risk_areas):
    """Programmes (rows) × risk areas (columns)."""
    records = list(programmes)
    levels = _levels(programmes)
    return Matrix(
        risk_areas=risk_areas,
        rows=_rows(records, levels, risk_areas),
        totals=_totals(levels, risk_areas),
        count=len(records),
    )


def tool_matrix(tools, risk_areas, components):
    """Tools × risk areas grouped by CEP component; a tool in two shows twice.

    The totals count each tool once, whatever the number of its components.
    """
    records = list(tools)
    levels = _levels(tools)
    links = defaultdict(set)
    through = Tool.components.through.objects.filter(tool__in=tools.values("pk"))
    for tool_id, component_id in through.values_list("tool_id", "cepcomponent_id"):
        links[tool_id].add(component_id)
    groups = [
        {"component": component, "rows": _rows(members, levels, risk_areas)}
        for component in components
        if (members := [t for t in records if component.pk in links[t.pk]])
    ]
    shown = {component.pk for component in components}
    if loose := [tool for tool in records if not shown & links[tool.pk]]:
        groups.append({"component": None, "rows": _rows(loose, levels, risk_areas)})
    return Matrix(
        risk_areas=risk_areas,
        groups=groups,
        totals=_totals(levels, risk_areas, THIN_RISK_AREA_TOOLS),
        count=len(records),
    )


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
    largest = max(
        (row[key] for row in by_area.values() for key in per_component), default=0
    )
    rows = []
    for area in risk_areas:
        counts = by_area.get(area.pk, {})
        cells = [
            {
                "component": component,
                "count": counts.get(f"c{component.pk}", 0),
                "heat": heat(counts.get(f"c{component.pk}", 0), largest),
            }
            for component in components
        ]
        rows.append(
            {"risk_area": area, "cells": cells, "total": counts.get("total", 0)}
        )
    return {
        "components": components,
        "rows": rows,
        "totals": [
            {"component": component, "count": totals[f"c{component.pk}"]}
            for component in components
        ],
        "count": totals["count"],
    }


def thin_threats(tools):
    """Threats served by at most THIN_THREAT_TOOLS of `tools`: [{threat, count}]."""
    counts = dict(
        Tool.threats.through.objects.filter(tool__in=tools.values("pk"))
        .order_by()
        .values("threat_id")
        .annotate(count=Count("tool_id", distinct=True))
        .values_list("threat_id", "count")
    )
    return [
        {"threat": threat, "count": counts.get(threat.pk, 0)}
        for threat in Threat.objects.with_risk_area()
        if counts.get(threat.pk, 0) <= THIN_THREAT_TOOLS
    ]


def coverage(programmes, tools, risk_areas, components):
    """Everything the coverage page shows, from visible, filtered querysets."""
    matrix = tool_matrix(tools, risk_areas, components)
    return {
        "programme_matrix": programme_matrix(programmes, risk_areas),
        "tool_matrix": matrix,
        "cross_table": cross_table(tools, risk_areas, components),
        "thin_risk_areas": [total for total in matrix.totals if total.thin],
        "thin_threats": thin_threats(tools),
        "thin_risk_area_tools": THIN_RISK_AREA_TOOLS,
        "thin_threat_tools": THIN_THREAT_TOOLS,
    }
