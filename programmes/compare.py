"""Two to four programmes or tools side by side.

`compare()` takes the slugs asked for and the reader; records the reader may not
see are treated exactly like slugs that never existed.
"""

from dataclasses import dataclass, field

from django.db.models import Case, Count, Prefetch, Q, Value, When
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from risk_areas.languages import translated
from risk_areas.models import Threat

from . import cached
from .coverage import Cell
from .models import Programme, Tool
from .related import first_few_by, list_url

# Compare shows two to four records side by side.
COMPARE_MIN = 2
COMPARE_MAX = 4
# A programme's tools shown side by side, before "See all".
COMPARE_TOOLS = 10
# The picker's choices: programmes, and tools of each kind, matching the search.
PICKER_PROGRAMMES = 30
PICKER_TOOLS = 8
# Values beyond this many in a compare link are not even looked up.
COMPARE_MAX_VALUES = 20


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


def requested_slugs(values):
    """Distinct, cleaned slugs from a query string's values, at most a few dozen."""
    cleaned = (value.replace("\x00", "").strip() for value in values)
    return list(dict.fromkeys(value for value in cleaned if value))[:COMPARE_MAX_VALUES]


def _by_name(record):
    return str(record).casefold()


def _rows(items, related, key=_by_name):
    """One row per record related to any item, a cell per item saying if it is."""
    seen = {}
    for item in items:
        for record in related(item):
            seen.setdefault(record.pk, record)
    rows = []
    for record in sorted(seen.values(), key=key):
        cells = [any(r.pk == record.pk for r in related(item)) for item in items]
        rows.append({"record": record, "cells": cells, "shared": all(cells)})
    return rows


def _section(key, title, rows, empty, group_by=None):
    """A table of the comparison; `group_by(record)` splits its rows under headings."""
    groups = []
    for row in rows:
        heading = group_by(row["record"]) if group_by else None
        if not groups or groups[-1]["heading"] != heading:
            groups.append({"heading": heading, "rows": []})
        groups[-1]["rows"].append(row)
    shared = sum(1 for row in rows if row["shared"])
    return {
        "key": key,
        "title": title,
        "rows": rows,
        "groups": groups,
        "empty": empty,
        "shared": shared,
    }


def _items(kind, slugs, user):
    if kind == "tool":
        return Tool.objects.visible_to(user).with_links(user).filter(slug__in=slugs)
    # A programme's tools may be thousands: the first few of each, and counts.
    tools = (
        Tool.objects.visible_to(user)
        .only("name", "slug", "acronym")
        .order_by(translated("name"), "pk")
    )
    return (
        Programme.objects.visible_to(user)
        .with_coverage()
        .with_tool_count(user)
        .prefetch_related(
            Prefetch("threats", queryset=Threat.objects.with_risk_area()),
            "partners",
            Prefetch("tools", queryset=tools[:COMPARE_TOOLS], to_attr="first_tools"),
        )
        .filter(slug__in=slugs)
    )


def _risk_area_rows(items, risk_areas):
    rows = []
    for area in risk_areas:
        cells = [
            Cell(
                area,
                next(
                    (c.level for c in item.coverage.all() if c.risk_area_id == area.pk),
                    "",
                ),
            )
            for item in items
        ]
        rows.append(
            {"record": area, "cells": cells, "shared": all(c.level for c in cells)}
        )
    return rows


def _component_rows(items, components, kind, user):
    if kind == "programme":
        # Each programme's visible tools in each component, in one query.
        counts = {
            (programme, component): number
            for programme, component, number in Tool.objects.visible_to(user)
            .filter(programmes__in=[item.pk for item in items])
            .order_by()
            .values_list("programmes", "components")
            .annotate(Count("pk", distinct=True))
        }

    def count(item, component):
        if kind == "tool":
            return int(component in item.components.all())
        return counts.get((item.pk, component.pk), 0)

    rows = []
    for component in components:
        cells = [count(item, component) for item in items]
        rows.append({"record": component, "cells": cells, "shared": all(cells)})
    return rows


def _not_found(kind, unknown):
    names = ", ".join(f"“{Truncator(slug).chars(60)}”" for slug in unknown)
    if kind == "programme":
        message = ngettext(
            "No programme called %(names)s was found.",
            "No programmes called %(names)s were found.",
            len(unknown),
        )
    else:
        message = ngettext(
            "No tool called %(names)s was found.",
            "No tools called %(names)s were found.",
            len(unknown),
        )
    return message % {"names": names}


def compare(requested, user):
    """The records named in `requested` ({"programme": [slugs], "tool": [slugs]}).

    Unknown slugs, and slugs of records the reader may not see, are named in a
    message; fewer than two or more than four records leave `items` for the
    picker to preselect and `is_ready` false. Never raises on input.
    """
    result = Comparison(requested=requested)
    kinds = [kind for kind, slugs in requested.items() if slugs]
    if not kinds:
        return result
    if len(kinds) > 1:
        result.messages.append(
            _("Compare programmes with programmes, or tools with tools: pick one kind.")
        )
        return result
    kind = result.kind = kinds[0]
    slugs = requested[kind]
    found = {item.slug: item for item in _items(kind, slugs, user)}
    result.items = [found[slug] for slug in slugs if slug in found]
    if unknown := [slug for slug in slugs if slug not in found]:
        result.messages.append(_not_found(kind, unknown))
    if len(result.items) < COMPARE_MIN:
        result.messages.append(_("Pick at least two to compare them side by side."))
        return result
    if len(result.items) > COMPARE_MAX:
        result.messages.append(
            _("You picked %(count)s. Compare at most four at a time.")
            % {"count": len(result.items)}
        )
        return result
    items = result.items
    result.risk_areas = cached.risk_areas()
    result.sections = [
        _section(
            "risk-areas",
            _("Risk areas"),
            _risk_area_rows(items, result.risk_areas),
            _("No risk areas yet."),
        ),
        _section(
            "threats",
            _("Threats"),
            _rows(
                items,
                lambda item: item.threats.all(),
                key=lambda t: (t.risk_area.order, t.order, _by_name(t)),
            ),
            _("None of these names a threat."),
            group_by=lambda threat: threat.risk_area,
        ),
        _section(
            "components",
            _("CEP components"),
            _component_rows(items, cached.components(), kind, user),
            _("No CEP components yet."),
        ),
        _section(
            "partners",
            _("Partners"),
            _rows(items, lambda item: item.partners.all()),
            _("None of these lists a partner."),
        ),
    ]
    if kind == "programme":
        related = _section(
            "related",
            _("Tools"),
            _rows(items, lambda item: item.first_tools),
            _("None of these has a tool in the catalogue."),
        )
        # Where a programme has more tools than shown: how many, and where.
        related["more"] = [
            {
                "item": item,
                "count": item.tool_count,
                "url": list_url("programmes:tool-list", programme=item.slug),
            }
            for item in items
            if item.tool_count > len(item.first_tools)
        ]
    else:
        related = _section(
            "related",
            _("Programmes"),
            _rows(items, lambda item: item.programmes.all()),
            _("None of these belongs to a programme."),
        )
    result.sections.append(related)
    return result


def _picked_first(slugs):
    return Case(When(slug__in=slugs, then=Value(0)), default=Value(1))


def compare_choices(user, find="", picked=None):
    """The visible programmes, and tools grouped by kind, to pick from: the
    records picked already, then the first few (of each kind of tool) whose name
    holds `find`. Two queries, whatever the catalogue's size."""
    picked = picked or {}
    name = translated("name")

    def found(kind):
        # Every record without `find`; else those it names, and those picked.
        if not find:
            return Q()
        return (
            Q(name__icontains=find)
            | Q(acronym__icontains=find)
            | Q(slug__in=picked.get(kind, []))
        )

    programmes = list(
        Programme.objects.visible_to(user)
        .annotate(sort_name=name)
        .filter(found("programme"))
        .only("name", "slug", "acronym", "order")
        .order_by(
            _picked_first(picked.get("programme", [])), "order", "sort_name", "pk"
        )[:PICKER_PROGRAMMES]
    )
    tools = Tool.objects.visible_to(user).only("name", "slug", "acronym", "kind")
    groups = first_few_by(
        tools.filter(found("tool")),
        "kind",
        [_picked_first(picked.get("tool", [])), name, "pk"],
        few=PICKER_TOOLS,
    )
    return {
        "find": find,
        "programmes": programmes,
        "tool_groups": [
            {
                "kind": value,
                "label": label,
                "tools": groups[value].rows,
                "count": groups[value].count,
            }
            for value, label in Tool.Kind.choices
            if value in groups
        ],
    }
