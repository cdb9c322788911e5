"""Who covers what: coverage matrices, the CEP cross-table, side-by-side comparison.

Every function starts from `visible_to(user)`, so drafts and restricted records the
reader may not see are absent from rows, cells, totals and thin spots alike.
The filters are the lists' own FilterSets fed the same parameters
(`component`, `kind`, `status`), so a matrix and a list with the same query
string show the same records.

Each builder runs a fixed number of queries whatever the catalogue's size: it
reads the records, then the link tables as plain ids, and assembles the cells
in Python.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch
from django.http import QueryDict
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from risk_areas.models import CEPComponent, RiskArea, Threat

from .filters import ProgrammeFilter, ToolFilter
from .models import (
    CoverageLevel,
    Programme,
    ProgrammeCoverage,
    Tool,
    ToolCoverage,
)

# A risk area served by fewer tools than this is a thin spot.
THIN_RISK_AREA_TOOLS = 3
# A threat served by this many tools or fewer is a thin spot.
THIN_THREAT_TOOLS = 1
# The parameters the coverage page understands, named as on the lists.
PROGRAMME_PARAMETERS = ("component", "status")
TOOL_PARAMETERS = ("component", "kind")
# Compare shows two to four records side by side.
COMPARE_MIN = 2
COMPARE_MAX = 4
# Values beyond this many in a compare link are not even looked up.
COMPARE_MAX_VALUES = 20
# Heat levels of a count relative to the largest count shown (0 = none).
HEAT_STEPS = 4

LEVELS = (CoverageLevel.PRIMARY, CoverageLevel.SUPPORTING)


def heat(count, largest):
    """0 for nothing, then 1..HEAT_STEPS as `count` nears `largest`."""
    if not count or not largest:
        return 0
    return max(1, -(-count * HEAT_STEPS // largest))


# Matrix building blocks --------------------------------------------------------


@dataclass
class Cell:
    risk_area: RiskArea
    level: str = ""

    @property
    def is_primary(self):
        return self.level == CoverageLevel.PRIMARY

    @property
    def is_supporting(self):
        return self.level == CoverageLevel.SUPPORTING

    @property
    def label(self):
        return CoverageLevel(self.level).label if self.level else ""


@dataclass
class Row:
    record: object
    cells: list

    @property
    def primary(self):
        return sum(1 for cell in self.cells if cell.is_primary)

    @property
    def supporting(self):
        return sum(1 for cell in self.cells if cell.is_supporting)

    @property
    def total(self):
        return self.primary + self.supporting


@dataclass
class ColumnTotal:
    risk_area: RiskArea
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

    @property
    def is_empty(self):
        return not self.count


def _rows(records, levels, risk_areas):
    return [
        Row(
            record,
            [Cell(area, levels.get((record.pk, area.pk), "")) for area in risk_areas],
        )
        for record in records
    ]


def _totals(records, levels, risk_areas, thin_below=None):
    ids = {record.pk for record in records}
    counts = Counter(
        (area_id, level) for (pk, area_id), level in levels.items() if pk in ids
    )
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


def _levels(coverage_model, owner, records_queryset):
    """{(record id, risk area id): level} for the records, in one query."""
    rows = (
        coverage_model.objects.filter(**{f"{owner}__in": records_queryset.values("pk")})
        .order_by()
        .values_list(f"{owner}_id", "risk_area_id", "level")
    )
    return {(pk, area_id): level for pk, area_id, level in rows}


# Filters ----------------------------------------------------------------------


def _subset(params, names):
    data = QueryDict(mutable=True)
    for name in names:
        values = [value for value in params.getlist(name) if value]
        if values:
            data.setlist(name, values)
    return data


@dataclass
class CoverageFilters:
    """The lists' FilterSets fed the coverage page's parameters."""

    programmes: ProgrammeFilter
    tools: ToolFilter

    @classmethod
    def from_params(cls, params, request):
        user = request.user
        return cls(
            programmes=ProgrammeFilter(
                _subset(params, PROGRAMME_PARAMETERS),
                Programme.objects.visible_to(user),
                request=request,
            ),
            tools=ToolFilter(
                _subset(params, TOOL_PARAMETERS),
                Tool.objects.visible_to(user),
                request=request,
            ),
        )

    @property
    def ignored(self):
        """Messages naming the values that were not understood, each once."""
        return list(dict.fromkeys(self.programmes.ignored + self.tools.ignored))

    @property
    def redirect_query(self):
        """The query string with renamed slugs replaced, when there were any."""
        query = None
        for filterset in (self.programmes, self.tools):
            if filterset.redirect_query is not None:
                query = query or QueryDict(mutable=True)
                renamed = QueryDict(filterset.redirect_query)
                for name in renamed:
                    query.setlist(name, renamed.getlist(name))
        return query.urlencode() if query is not None else None

    def value(self, name):
        """The value of `name` in use; the FilterSets have dropped unknown values."""
        for filterset in (self.programmes, self.tools):
            value = filterset.data.get(name)
            if value:
                return value
        return ""

    @property
    def component(self):
        return self.value("component")

    @property
    def kind(self):
        return self.value("kind")

    @property
    def status(self):
        return self.value("status")

    @property
    def active(self):
        """{parameter: value} of the filters in use, for links and exports."""
        return {
            name: value
            for name in ("component", "kind", "status")
            if (value := self.value(name))
        }

    def programme_queryset(self):
        return self.programmes.qs

    def tool_queryset(self):
        return self.tools.qs


# The coverage page --------------------------------------------------------------


def programme_matrix(programmes, risk_areas):
    """Programmes (rows) × risk areas (columns), from a filtered visible queryset."""
    records = list(programmes)
    levels = _levels(ProgrammeCoverage, "programme", programmes)
    return Matrix(
        risk_areas=risk_areas,
        rows=_rows(records, levels, risk_areas),
        totals=_totals(records, levels, risk_areas),
        count=len(records),
    )


@dataclass
class ToolData:
    """The visible, filtered tools and their links, read once for the whole page."""

    tools: list
    levels: dict
    components: dict  # tool id -> [component id]

    @classmethod
    def load(cls, tools):
        records = list(tools)
        links = defaultdict(list)
        through = Tool.components.through.objects.filter(
            tool__in=tools.values("pk")
        ).order_by()
        for tool_id, component_id in through.values_list("tool_id", "cepcomponent_id"):
            links[tool_id].append(component_id)
        return cls(records, _levels(ToolCoverage, "tool", tools), dict(links))


def tool_matrix(data, risk_areas, components):
    """Tools × risk areas grouped by CEP component; a tool in two shows twice.

    The totals count each tool once, whatever the number of its components.
    """
    groups = []
    for component in components:
        members = [
            t for t in data.tools if component.pk in data.components.get(t.pk, ())
        ]
        if members:
            groups.append(
                {
                    "component": component,
                    "rows": _rows(members, data.levels, risk_areas),
                }
            )
    shown = {component.pk for component in components}
    loose = [
        tool
        for tool in data.tools
        if not shown.intersection(data.components.get(tool.pk, ()))
    ]
    if loose:
        groups.append(
            {"component": None, "rows": _rows(loose, data.levels, risk_areas)}
        )
    return Matrix(
        risk_areas=risk_areas,
        groups=groups,
        totals=_totals(data.tools, data.levels, risk_areas, THIN_RISK_AREA_TOOLS),
        count=len(data.tools),
    )


def cross_table(data, risk_areas, components):
    """Risk areas (rows) × CEP components (columns): visible tools counted in each cell.

    A tool counts in every (risk area, component) pair it belongs to, at either
    level of coverage, exactly as `/tools/?risk_area=…&component=…` lists them.
    """
    areas_of = defaultdict(set)
    for tool_id, area_id in data.levels:
        areas_of[tool_id].add(area_id)
    cells = Counter()
    by_component = Counter()
    for tool in data.tools:
        tool_components = data.components.get(tool.pk, ())
        for component_id in tool_components:
            by_component[component_id] += 1
            for area_id in areas_of.get(tool.pk, ()):
                cells[(area_id, component_id)] += 1
    largest = max(cells.values(), default=0)
    rows = []
    for area in risk_areas:
        total = sum(1 for tool in data.tools if area.pk in areas_of.get(tool.pk, ()))
        rows.append(
            {
                "risk_area": area,
                "cells": [
                    {
                        "component": component,
                        "count": cells[(area.pk, component.pk)],
                        "heat": heat(cells[(area.pk, component.pk)], largest),
                    }
                    for component in components
                ],
                "total": total,
            }
        )
    return {
        "components": components,
        "rows": rows,
        "totals": [
            {"component": component, "count": by_component[component.pk]}
            for component in components
        ],
        "count": len(data.tools),
    }


def thin_threats(data, tools):
    """Threats served by at most THIN_THREAT_TOOLS of the tools: [(threat, count)]."""
    counts = dict(
        Tool.threats.through.objects.filter(tool__in=tools.values("pk"))
        .order_by()
        .values("threat_id")
        .annotate(count=Count("tool_id", distinct=True))
        .values_list("threat_id", "count")
    )
    threats = Threat.objects.with_risk_area()
    return [
        {"threat": threat, "count": counts.get(threat.pk, 0)}
        for threat in threats
        if counts.get(threat.pk, 0) <= THIN_THREAT_TOOLS
    ]


def coverage(request, filters=None):
    """Everything the coverage page shows, for `request.user` and the query string."""
    filters = filters or CoverageFilters.from_params(request.GET, request)
    risk_areas = list(RiskArea.objects.all())
    all_components = list(CEPComponent.objects.all())
    components = [c for c in all_components if c.slug == filters.component] or (
        all_components
    )
    programmes = filters.programme_queryset()
    tools = filters.tool_queryset()
    data = ToolData.load(tools)
    tool_view = tool_matrix(data, risk_areas, components)
    return {
        "filters": filters,
        "risk_areas": risk_areas,
        "components": all_components,
        "programme_matrix": programme_matrix(programmes, risk_areas),
        "tool_matrix": tool_view,
        "cross_table": cross_table(data, risk_areas, components),
        "thin_risk_areas": [total for total in tool_view.totals if total.thin],
        "thin_threats": thin_threats(data, tools),
        "thin_risk_area_tools": THIN_RISK_AREA_TOOLS,
        "thin_threat_tools": THIN_THREAT_TOOLS,
    }


# Compare ------------------------------------------------------------------------


@dataclass
class Comparison:
    """Two to four programmes or tools side by side, or why they could not be."""

    kind: str = ""  # "programme" or "tool"
    items: list = field(default_factory=list)
    requested: dict = field(default_factory=dict)  # kind -> [slug]
    messages: list = field(default_factory=list)
    risk_areas: list = field(default_factory=list)
    sections: list = field(default_factory=list)

    @property
    def is_ready(self):
        return COMPARE_MIN <= len(self.items) <= COMPARE_MAX

    @property
    def selected(self):
        return {slug for slugs in self.requested.values() for slug in slugs}


def _requested(params, name):
    values = [value.replace("\x00", "").strip() for value in params.getlist(name)]
    return list(dict.fromkeys(value for value in values if value))[:COMPARE_MAX_VALUES]


def _membership_rows(items, related, key=None):
    """Rows of a side-by-side section: one per related record, a cell per item."""
    seen = {}
    for item in items:
        for record in related(item):
            seen.setdefault(record.pk, record)
    records = list(seen.values())
    if key is not None:
        records.sort(key=key)
    rows = []
    for record in records:
        cells = [any(r.pk == record.pk for r in related(item)) for item in items]
        rows.append({"record": record, "cells": cells, "shared": all(cells)})
    return rows


def _section(title, rows, empty, group_by=None):
    """A table of the comparison; `group_by(record)` splits its rows under headings."""
    groups = []
    for row in rows:
        heading = group_by(row["record"]) if group_by else None
        if not groups or groups[-1]["heading"] != heading:
            groups.append({"heading": heading, "rows": []})
        groups[-1]["rows"].append(row)
    return {
        "title": title,
        "rows": rows,
        "groups": groups,
        "empty": empty,
        "shared": sum(1 for row in rows if row["shared"]),
    }


def _by_name(record):
    return str(record).casefold()


def _threat_order(threat):
    return (threat.risk_area.order, threat.order, _by_name(threat))


def _programme_items(slugs, user):
    tools = Tool.objects.visible_to(user).prefetch_related("components")
    queryset = (
        Programme.objects.visible_to(user)
        .filter(slug__in=slugs)
        .select_related("successor")
        .prefetch_related(
            "coverage",
            Prefetch("threats", queryset=Threat.objects.with_risk_area()),
            "partners",
            Prefetch("tools", queryset=tools),
        )
    )
    return queryset


def _tool_items(slugs, user):
    return (
        Tool.objects.visible_to(user)
        .filter(slug__in=slugs)
        .prefetch_related(
            "coverage",
            Prefetch("threats", queryset=Threat.objects.with_risk_area()),
            "partners",
            "components",
            Prefetch("programmes", queryset=Programme.objects.visible_to(user)),
        )
    )


def _risk_area_rows(items, risk_areas):
    rows = []
    for area in risk_areas:
        cells = []
        for item in items:
            level = next(
                (c.level for c in item.coverage.all() if c.risk_area_id == area.pk), ""
            )
            cells.append(Cell(area, level))
        rows.append(
            {"record": area, "cells": cells, "shared": all(c.level for c in cells)}
        )
    return rows


def _component_rows(items, components, kind):
    rows = []
    for component in components:
        if kind == "tool":
            cells = [
                int(any(c.pk == component.pk for c in item.components.all()))
                for item in items
            ]
        else:
            cells = [
                sum(
                    1
                    for tool in item.tools.all()
                    if any(c.pk == component.pk for c in tool.components.all())
                )
                for item in items
            ]
        rows.append({"record": component, "cells": cells, "shared": all(cells)})
    return rows


def compare(params, user):
    """The records named by `?programme=…` or `?tool=…`, ready to show side by side.

    Unknown slugs, and slugs of records the reader may not see, are named in a
    message; fewer than two or more than four records leave `items` for the
    picker to preselect and `is_ready` false. Never raises on input.
    """
    requested = {
        "programme": _requested(params, "programme"),
        "tool": _requested(params, "tool"),
    }
    result = Comparison(requested=requested)
    kinds = [kind for kind, slugs in requested.items() if slugs]
    if not kinds:
        return result
    if len(kinds) == 2:
        result.messages.append(
            _("Compare programmes with programmes, or tools with tools: pick one kind.")
        )
        return result
    kind = result.kind = kinds[0]
    slugs = requested[kind]
    loader = _programme_items if kind == "programme" else _tool_items
    found = {item.slug: item for item in loader(slugs, user)}
    items = [found[slug] for slug in slugs if slug in found]
    for item in items:
        successor = getattr(item, "successor", None)
        # A successor the reader may not see is not shown, not even by name.
        item.visible_successor = (
            successor
            if successor is not None and successor.is_visible_to(user)
            else None
        )
    unknown = [slug for slug in slugs if slug not in found]
    if unknown:
        names = ", ".join(f"“{Truncator(slug).chars(60)}”" for slug in unknown)
        message = (
            ngettext(
                "No programme called %(names)s was found.",
                "No programmes called %(names)s were found.",
                len(unknown),
            )
            if kind == "programme"
            else ngettext(
                "No tool called %(names)s was found.",
                "No tools called %(names)s were found.",
                len(unknown),
            )
        )
        result.messages.append(message % {"names": names})
    result.items = items
    if len(items) < COMPARE_MIN:
        result.messages.append(_("Pick at least two to compare them side by side."))
        return result
    if len(items) > COMPARE_MAX:
        result.messages.append(
            _("You picked %(count)s. Compare at most four at a time.")
            % {"count": len(items)}
        )
        return result
    result.risk_areas = list(RiskArea.objects.all())
    components = list(CEPComponent.objects.all())
    result.sections = [
        _section(
            _("Risk areas"),
            _risk_area_rows(items, result.risk_areas),
            _("No risk areas yet."),
        ),
        _section(
            _("Threats"),
            _membership_rows(items, lambda item: item.threats.all(), _threat_order),
            _("None of these names a threat."),
            group_by=lambda threat: threat.risk_area,
        ),
        _section(
            _("CEP components"),
            _component_rows(items, components, kind),
            _("No CEP components yet."),
        ),
        _section(
            _("Partners"),
            _membership_rows(items, lambda item: item.partners.all(), _by_name),
            _("None of these lists a partner."),
        ),
    ]
    if kind == "programme":
        result.sections.append(
            _section(
                _("Tools"),
                _membership_rows(items, lambda item: item.tools.all(), _by_name),
                _("None of these has a tool in the catalogue."),
            )
        )
    else:
        result.sections.append(
            _section(
                _("Programmes"),
                _membership_rows(items, lambda item: item.programmes.all(), _by_name),
                _("None of these belongs to a programme."),
            )
        )
    for section, key in zip(
        result.sections,
        ("risk-areas", "threats", "components", "partners", "related"),
        strict=True,
    ):
        section["key"] = key
    return result


def compare_choices(user):
    """The visible programmes, and tools grouped by kind, to pick from: two queries."""
    tools = list(Tool.objects.visible_to(user).only("name", "slug", "acronym", "kind"))
    tools.sort(key=_by_name)
    return {
        "programmes": list(
            Programme.objects.visible_to(user).only("name", "slug", "acronym", "order")
        ),
        "tool_groups": [
            {"kind": value, "label": label, "tools": members}
            for value, label in Tool.Kind.choices
            if (members := [tool for tool in tools if tool.kind == value])
        ],
    }
