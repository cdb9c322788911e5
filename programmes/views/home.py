"""The home page: the risk areas and components with their counts, at a glance."""

from django.views.generic import TemplateView

from risk_areas.models import CEPComponent, RiskArea

from ..coverage import cross_table
from ..models import Partner, Programme, Tool, count_visible, with_record_counts


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        risk_areas = list(with_record_counts(RiskArea.objects.all(), user))
        components = list(
            CEPComponent.objects.annotate(tool_count=count_visible("tools", user))
        )
        table = cross_table(Tool.objects.visible_to(user), risk_areas, components)
        return super().get_context_data(
            risk_areas=risk_areas,
            components=components,
            cross_table=table,
            programme_total=Programme.objects.visible_to(user).count(),
            tool_total=table["count"],
            partner_total=Partner.objects.count(),
            **kwargs,
        )
