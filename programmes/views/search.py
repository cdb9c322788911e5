"""One search over programmes, tools, risk areas, threats and partners."""

from urllib.parse import urlencode

from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from .. import cached
from ..exports import SearchExporter
from ..search import MAX_QUERY_LENGTH, MAX_QUERY_WORDS, matching_querysets, search_all
from .addresses import WithoutEmptyFieldsMixin
from .downloads import download, requested_format


class SearchView(WithoutEmptyFieldsMixin, TemplateView):
    """`?format=csv|json` downloads every match, ranked as on the page."""

    template_name = "search/search.html"
    # Offered when a search finds nothing.
    examples = [
        gettext_lazy("fake medicines"),
        gettext_lazy("ivory"),
        gettext_lazy("cash couriers"),
        "CEN",
        gettext_lazy("Container Control Programme"),
    ]

    def get(self, request, *args, **kwargs):
        self.query = request.GET.get("q", "")
        if export_format := requested_format(request):
            return download(
                request,
                SearchExporter,
                export_format,
                matching_querysets(self.query, request.user),
                {"q": [self.query]} if self.query else {},
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        results = search_all(self.query, self.request.user)
        context = super().get_context_data(
            results=results,
            searched=bool(self.query.strip()),
            max_words=MAX_QUERY_WORDS,
            max_length=MAX_QUERY_LENGTH,
            suggestion_url="?" + urlencode({"q": results.query.suggestion}),
            **kwargs,
        )
        if not results.total:
            context["examples"] = [str(example) for example in self.examples]
            context["risk_areas"] = cached.risk_areas()
        return context
