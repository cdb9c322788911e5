"""The coverage page: programmes and tools × risk areas, the cross-table, thin spots."""

from django.http import QueryDict
from django.views.generic import TemplateView

from .. import cached
from ..coverage import coverage
from ..exports import CoverageExporter
from ..filters import ProgrammeFilter, ToolFilter
from ..models import Programme, Tool
from .downloads import download, requested_format

# The parameters the coverage page understands, named as on the lists.
PARAMETERS = ("component", "kind", "status")


class CoverageView(TemplateView):
    """The lists' own FilterSets, fed the page's parameters, choose the records, so
    a matrix and a list with the same query string show the same records."""

    template_name = "programmes/coverage.html"

    def get(self, request, *args, **kwargs):
        export_format = requested_format(request)
        params = QueryDict(mutable=True)
        for name in PARAMETERS:
            params.setlist(name, request.GET.getlist(name))
        user = request.user
        components = cached.components()
        # Both read the components this page shows anyway: no query of their own.
        options = {"component": components}
        filtersets = [
            ProgrammeFilter(
                params,
                Programme.objects.visible_to(user),
                request=request,
                options=options,
            ),
            ToolFilter(
                params, Tool.objects.visible_to(user), request=request, options=options
            ),
        ]
        programmes, tools = (filterset.qs for filterset in filtersets)
        values = {
            name: value
            for filterset in filtersets
            for name in PARAMETERS
            if (value := filterset.data.get(name))
        }
        risk_areas = cached.risk_areas()
        if export_format:
            return download(
                request,
                CoverageExporter,
                export_format,
                [programmes, tools],
                {name: [value] for name, value in values.items()},
                risk_areas=risk_areas,
            )
        shown = [c for c in components if c.slug == values.get("component")]
        context = self.get_context_data(
            **coverage(
                programmes,
                tools,
                risk_areas,
                shown or components,
                page=request.GET.get("page", 1),
            ),
            filters={**values, "active": bool(values)},
            ignored=list(dict.fromkeys(m for f in filtersets for m in f.ignored)),
            risk_areas=risk_areas,
            components=components,
            kind_choices=Tool.Kind.choices,
            status_choices=Programme.Status.choices,
        )
        return self.render_to_response(context)
