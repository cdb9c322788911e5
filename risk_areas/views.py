"""Pages of the taxonomy: the home page, the risk areas and the CEP components.

Every count and list of programmes or tools starts from `visible_to(user)`, so a
draft or restricted record never shows up, not even as a number. The catalogue
models are reached through the app registry: `risk_areas` never imports
`programmes`.
"""

from django.apps import apps
from django.db.models import Count, Prefetch, Q
from django.views.generic import DetailView, ListView, TemplateView

from .models import CEPComponent, RiskArea, Threat
from .slugs import OldSlugRedirectMixin


def _model(name):
    return apps.get_model("programmes", name)


def visible_programmes(user):
    return _model("Programme").objects.visible_to(user)


def visible_tools(user):
    return _model("Tool").objects.visible_to(user)


def _visible_count(relation, queryset):
    """Count related catalogue records, only those in `queryset` (the visible ones)."""
    return Count(relation, filter=Q(**{f"{relation}__in": queryset}), distinct=True)


def coverage_matrix(user, risk_areas, components):
    """Rows of visible tool counts: one row per risk area, one cell per component.

    A single grouped query: a tool counts once in every (risk area, component)
    pair it covers, whatever the level of coverage.
    """
    pairs = (
        visible_tools(user)
        .filter(coverage__isnull=False, components__isnull=False)
        .values_list("coverage__risk_area", "components")
        .annotate(count=Count("pk", distinct=True))
        .order_by()
    )
    counts = {(area, component): count for area, component, count in pairs}
    return [
        {
            "risk_area": area,
            "cells": [
                {
                    "component": component,
                    "count": counts.get((area.pk, component.pk), 0),
                }
                for component in components
            ],
        }
        for area in risk_areas
    ]


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        programmes = visible_programmes(user)
        tools = visible_tools(user)
        risk_areas = list(
            RiskArea.objects.annotate(
                programme_count=_visible_count("programmes", programmes),
                tool_count=_visible_count("tools", tools),
            )
        )
        components = list(
            CEPComponent.objects.annotate(tool_count=_visible_count("tools", tools))
        )
        return super().get_context_data(
            risk_areas=risk_areas,
            components=components,
            matrix=coverage_matrix(user, risk_areas, components),
            programme_total=programmes.count(),
            tool_total=tools.count(),
            partner_total=_model("Partner").objects.count(),
            **kwargs,
        )


class RiskAreaListView(ListView):
    model = RiskArea
    context_object_name = "risk_areas"

    def get_queryset(self):
        user = self.request.user
        return RiskArea.objects.annotate(
            programme_count=_visible_count("programmes", visible_programmes(user)),
            tool_count=_visible_count("tools", visible_tools(user)),
        ).prefetch_related("threats")


class RiskAreaDetailView(OldSlugRedirectMixin, DetailView):
    model = RiskArea
    context_object_name = "risk_area"

    def get_queryset(self):
        user = self.request.user
        tools = visible_tools(user)
        coverage = (
            _model("ProgrammeCoverage")
            .objects.filter(programme__in=visible_programmes(user))
            .select_related("programme")
            .order_by("level", "programme__order", "programme__name")
        )
        threats = Threat.objects.prefetch_related(
            Prefetch("tools", queryset=tools.only("name", "slug", "acronym"))
        )
        return RiskArea.objects.prefetch_related(
            Prefetch("threats", queryset=threats),
            Prefetch(
                "programme_coverage", queryset=coverage, to_attr="visible_coverage"
            ),
        )

    def get_context_data(self, **kwargs):
        user = self.request.user
        tool_coverage = list(
            _model("ToolCoverage")
            .objects.filter(risk_area=self.object, tool__in=visible_tools(user))
            .select_related("tool")
            .prefetch_related("tool__components")
            .order_by("level", "tool__name")
        )
        components = list(CEPComponent.objects.all())
        groups = [
            {
                "component": component,
                "coverage": [
                    link
                    for link in tool_coverage
                    if component in link.tool.components.all()
                ],
            }
            for component in components
        ]
        unassigned = [link for link in tool_coverage if not link.tool.components.all()]
        programme_coverage = self.object.visible_coverage
        return super().get_context_data(
            primary_coverage=[c for c in programme_coverage if c.level == "primary"],
            supporting_coverage=[c for c in programme_coverage if c.level != "primary"],
            tool_coverage=tool_coverage,
            tool_total=len(tool_coverage),
            component_groups=groups,
            unassigned_coverage=unassigned,
            other_risk_areas=RiskArea.objects.exclude(pk=self.object.pk),
            **kwargs,
        )


class CEPComponentListView(ListView):
    model = CEPComponent
    context_object_name = "components"

    def get_queryset(self):
        user = self.request.user
        tools = visible_tools(user)
        return CEPComponent.objects.annotate(
            tool_count=_visible_count("tools", tools),
            programme_count=Count(
                "tools__programmes",
                filter=Q(
                    tools__in=tools, tools__programmes__in=visible_programmes(user)
                ),
                distinct=True,
            ),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["matrix"] = coverage_matrix(
            self.request.user, list(RiskArea.objects.all()), list(context["components"])
        )
        return context


class CEPComponentDetailView(OldSlugRedirectMixin, DetailView):
    model = CEPComponent
    context_object_name = "component"

    def get_queryset(self):
        user = self.request.user
        coverage = _model("ToolCoverage").objects.select_related("risk_area")
        tools = visible_tools(user).prefetch_related(
            Prefetch("coverage", queryset=coverage),
            Prefetch(
                "programmes",
                queryset=visible_programmes(user).only(
                    "name", "slug", "acronym", "order"
                ),
            ),
        )
        return CEPComponent.objects.prefetch_related(
            Prefetch("tools", queryset=tools, to_attr="visible_tools")
        )

    def get_context_data(self, **kwargs):
        tools = self.object.visible_tools
        risk_areas = list(RiskArea.objects.all())
        by_area = [
            {
                "risk_area": area,
                "count": sum(
                    1
                    for tool in tools
                    if any(c.risk_area_id == area.pk for c in tool.coverage.all())
                ),
            }
            for area in risk_areas
        ]
        programmes = {}
        for tool in tools:
            for programme in tool.programmes.all():
                entry = programmes.setdefault(
                    programme.pk, {"programme": programme, "count": 0}
                )
                entry["count"] += 1
        programme_rows = sorted(
            programmes.values(),
            key=lambda row: (row["programme"].order, row["programme"].name),
        )
        return super().get_context_data(
            tools=tools,
            tools_by_area=by_area,
            programme_rows=programme_rows,
            other_components=CEPComponent.objects.exclude(pk=self.object.pk),
            **kwargs,
        )
