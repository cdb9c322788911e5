"""The pages of the taxonomy: the risk areas and the CEP components.

Every count and list of programmes or tools is limited to what the reader may
see, so a draft or restricted record never shows up, not even as a number.
"""

from django.db.models import Prefetch
from django.views.generic import DetailView, ListView

from risk_areas.models import CEPComponent, RiskArea, Threat
from risk_areas.slugs import OldSlugRedirectMixin

from ..coverage import cross_table
from ..models import (
    Programme,
    ProgrammeCoverage,
    Tool,
    ToolCoverage,
    count_visible,
    with_record_counts,
)


class RiskAreaListView(ListView):
    model = RiskArea
    context_object_name = "risk_areas"

    def get_queryset(self):
        user = self.request.user
        return with_record_counts(RiskArea.objects.all(), user).prefetch_related(
            "threats"
        )


class RiskAreaDetailView(OldSlugRedirectMixin, DetailView):
    model = RiskArea
    context_object_name = "risk_area"

    def get_queryset(self):
        user = self.request.user
        tools = Tool.objects.visible_to(user).only("name", "slug", "acronym")
        threats = Threat.objects.prefetch_related(Prefetch("tools", queryset=tools))
        coverage = (
            ProgrammeCoverage.objects.filter(
                programme__in=Programme.objects.visible_to(user)
            )
            .select_related("programme")
            .order_by("level", "programme__order", "programme__name")
        )
        return RiskArea.objects.prefetch_related(
            Prefetch("threats", queryset=threats),
            Prefetch("programme_coverage", queryset=coverage),
        )

    def get_context_data(self, **kwargs):
        tool_coverage = list(
            ToolCoverage.objects.filter(
                risk_area=self.object,
                tool__in=Tool.objects.visible_to(self.request.user),
            )
            .select_related("tool")
            .prefetch_related("tool__components")
            .order_by("level", "tool__name")
        )
        groups = [
            {
                "component": component,
                "coverage": [
                    link
                    for link in tool_coverage
                    if component in link.tool.components.all()
                ],
            }
            for component in CEPComponent.objects.all()
        ]
        programme_coverage = self.object.programme_coverage.all()
        return super().get_context_data(
            primary_coverage=[c for c in programme_coverage if c.level == "primary"],
            supporting_coverage=[c for c in programme_coverage if c.level != "primary"],
            tool_coverage=tool_coverage,
            tool_total=len(tool_coverage),
            component_groups=groups,
            unassigned_coverage=[
                link for link in tool_coverage if not link.tool.components.all()
            ],
            other_risk_areas=RiskArea.objects.exclude(pk=self.object.pk),
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
            list(RiskArea.objects.all()),
            list(context["components"]),
        )
        return context


class CEPComponentDetailView(OldSlugRedirectMixin, DetailView):
    model = CEPComponent
    context_object_name = "component"

    def get_queryset(self):
        user = self.request.user
        programmes = Programme.objects.visible_to(user).only(
            "name", "slug", "acronym", "order"
        )
        tools = (
            Tool.objects.visible_to(user)
            .with_coverage()
            .prefetch_related(Prefetch("programmes", queryset=programmes))
        )
        return CEPComponent.objects.prefetch_related(Prefetch("tools", queryset=tools))

    def get_context_data(self, **kwargs):
        tools = self.object.tools.all()
        tools_by_area = [
            {
                "risk_area": area,
                "count": sum(
                    1
                    for tool in tools
                    if any(c.risk_area_id == area.pk for c in tool.coverage.all())
                ),
            }
            for area in RiskArea.objects.all()
        ]
        programmes = {}
        for tool in tools:
            for programme in tool.programmes.all():
                row = programmes.setdefault(
                    programme.pk, {"programme": programme, "count": 0}
                )
                row["count"] += 1
        return super().get_context_data(
            tools=tools,
            tools_by_area=tools_by_area,
            programme_rows=sorted(
                programmes.values(),
                key=lambda row: (row["programme"].order, row["programme"].name),
            ),
            other_components=CEPComponent.objects.exclude(pk=self.object.pk),
            **kwargs,
        )
