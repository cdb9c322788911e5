"""The pages of the taxonomy: the risk areas and the CEP components.

Every count and list of programmes or tools is limited to what the reader may
see, so a draft or restricted record never shows up, not even as a number.
"""

from django.db.models import Count, Prefetch, Q
from django.views.generic import DetailView, ListView

from risk_areas.languages import translated
from risk_areas.models import CEPComponent, RiskArea, Threat
from risk_areas.slugs import OldSlugRedirectMixin

from .. import cached
from ..coverage import cross_table
from ..models import (
    CoverageLevel,
    Programme,
    ProgrammeCoverage,
    Tool,
    ToolCoverage,
    count_visible,
    visible,
    with_record_counts,
)
from ..related import FIRST_FEW, FirstFew, first_few, first_few_by, list_url


class RiskAreaListView(ListView):
    model = RiskArea
    context_object_name = "risk_areas"

    def get_queryset(self):
        user = self.request.user
        return with_record_counts(RiskArea.objects.all(), user).prefetch_related(
            "threats"
        )


class RiskAreaDetailView(OldSlugRedirectMixin, DetailView):
    """A risk area: its threats, the programmes and the tools covering it.

    Every list is bounded: each threat, coverage level and CEP component shows
    its count and its first few records (primary coverage first), with a link
    to the list of all of them.
    """

    model = RiskArea
    context_object_name = "risk_area"

    def get_queryset(self):
        user = self.request.user
        tools = Tool.objects.visible_to(user).only("name", "slug", "acronym")
        threats = Threat.objects.annotate(
            tool_count=count_visible("tools", user)
        ).prefetch_related(
            Prefetch("tools", queryset=tools[:FIRST_FEW], to_attr="first_tools")
        )
        return RiskArea.objects.prefetch_related(Prefetch("threats", queryset=threats))

    def get_context_data(self, **kwargs):
        user = self.request.user
        area = self.object
        # Only what a row shows: the rows are ranked before the few are kept,
        # and carrying every tool's texts through that costs ten times more.
        tool_coverage = (
            ToolCoverage.objects.filter(
                risk_area=area, tool__in=Tool.objects.visible_to(user)
            )
            .select_related("tool")
            .only("level", "risk_area", *(f"tool__{f}" for f in Tool.row_fields()))
        )
        tool_groups = first_few_by(
            tool_coverage, "tool__components", ["level", "tool__name"]
        )
        programme_groups = first_few_by(
            ProgrammeCoverage.objects.filter(
                risk_area=area, programme__in=Programme.objects.visible_to(user)
            ).select_related("programme"),
            "level",
            ["programme__order", "programme__name"],
        )
        programme_url = list_url("programmes:programme-list", risk_area=area.slug)
        components = cached.components()
        for component in components:
            group = tool_groups.get(component.pk, FirstFew())
            group.url = list_url(
                "programmes:tool-list", risk_area=area.slug, component=component.slug
            )
            component.first_tools = group
        unassigned = tool_groups.get(None)
        if unassigned:
            unassigned.url = list_url("programmes:tool-list", risk_area=area.slug)
        return super().get_context_data(
            primary_coverage=programme_groups.get(
                CoverageLevel.PRIMARY, FirstFew(url=programme_url)
            ),
            supporting_coverage=programme_groups.get(
                CoverageLevel.SUPPORTING, FirstFew(url=programme_url)
            ),
            programme_total=sum(group.count for group in programme_groups.values()),
            programme_url=programme_url,
            tool_total=tool_coverage.count(),
            tool_url=list_url("programmes:tool-list", risk_area=area.slug),
            component_groups=components,
            unassigned_coverage=unassigned,
            other_risk_areas=[a for a in cached.risk_areas() if a.pk != area.pk],
            **kwargs,
        )


class CEPComponentListView(ListView):
    model = CEPComponent
    context_object_name = "components"

    def get_queryset(self):
        user = self.request.user
        return CEPComponent.objects.annotate(
            tool_count=count_visible("tools", user),
            programme_count=count_visible("tools__programmes", user),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cross_table"] = cross_table(
            Tool.objects.visible_to(self.request.user),
            cached.risk_areas(),
            list(context["components"]),
        )
        return context


class CEPComponentDetailView(OldSlugRedirectMixin, DetailView):
    """A CEP component: its tools counted by risk area, the first few of them,
    and the programmes with most of them."""

    model = CEPComponent
    context_object_name = "component"

    def get_context_data(self, **kwargs):
        user = self.request.user
        component = self.object
        visible_tools = Tool.objects.visible_to(user)
        areas = RiskArea.objects.annotate(
            count=Count(
                "tools",
                filter=Q(tools__components=component) & visible(user, "tools"),
                distinct=True,
            )
        )
        tools_by_area = [{"risk_area": area, "count": area.count} for area in areas]
        tools = first_few(
            visible_tools.filter(components=component)
            .with_coverage()
            .order_by(translated("name"), "pk"),
            few=FIRST_FEW * 2,
        )
        tools.url = list_url("programmes:tool-list", component=component.slug)
        # The programmes with most of these tools first.
        programmes = first_few(
            Programme.objects.visible_to(user)
            .annotate(
                count=Count(
                    "tools",
                    filter=Q(tools__components=component) & visible(user, "tools"),
                    distinct=True,
                )
            )
            .filter(count__gt=0)
            .order_by("-count", "order", translated("name"), "pk"),
            few=FIRST_FEW * 2,
        )
        programmes.url = list_url("programmes:programme-list", component=component.slug)
        return super().get_context_data(
            tools=tools,
            tools_by_area=tools_by_area,
            programmes=programmes,
            other_components=[c for c in cached.components() if c.pk != component.pk],
            **kwargs,
        )
