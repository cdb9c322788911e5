"""Public pages of the catalogue: filtered programme and tool lists, details, partners.

Every list, count and related link starts from `visible_to(user)`: a draft or a
restricted record the reader may not see is absent everywhere, and its address
answers 404 (not 403), so its existence is never revealed.
"""

from urllib.parse import urlencode, urlsplit

from django.db.models import Prefetch
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView

from risk_areas.models import RiskArea, Threat
from risk_areas.slugs import OldSlugRedirectMixin

from .coverage import CoverageFilters, compare, compare_choices, coverage
from .exports import (
    CoverageExporter,
    ExportMixin,
    ProgrammeExporter,
    ToolExporter,
    export_response,
    requested_format,
    search_export_response,
)
from .filters import ProgrammeFilter, ToolFilter, translated
from .models import (
    Partner,
    Programme,
    ProgrammeCoverage,
    Tool,
    ToolCoverage,
    count_visible,
)
from .search import MAX_QUERY_LENGTH, MAX_QUERY_WORDS, search_all


def programme_coverage():
    return ProgrammeCoverage.objects.select_related("risk_area").order_by(
        "level", "risk_area__order"
    )


def tool_coverage():
    return ToolCoverage.objects.select_related("risk_area").order_by(
        "level", "risk_area__order"
    )


def visible_successor(programme, user):
    """The programme this one merged into, if the reader may see it."""
    successor = programme.successor
    if successor is not None and successor.is_visible_to(user):
        return successor
    return None


def describe_source(url):
    """A source URL with a short label: the host name and the path."""
    parts = urlsplit(url)
    host = parts.netloc.removeprefix("www.")
    return {"url": url, "host": host or url, "path": parts.path.rstrip("/")}


def split_keywords(text):
    return list(dict.fromkeys(word.strip() for word in text.split(",") if word.strip()))


def query_without(query, name, value=None):
    """`query` (a QueryDict) without one value of `name` (or all), page reset."""
    query = query.copy()
    query.pop("page", None)
    if value is None:
        query.pop(name, None)
    else:
        query.setlist(name, [item for item in query.getlist(name) if item != value])
    return query.urlencode()


class CatalogueListView(FilterView):
    """A filtered list with facet counts, removable filter chips and bounded queries."""

    paginate_by = 25

    def get(self, request, *args, **kwargs):
        self.filterset = self.get_filterset(self.get_filterset_class())
        if self.filterset.redirect_query is not None:
            # A renamed record's old slug: the same list, under the current slug.
            return HttpResponsePermanentRedirect(
                f"{request.path}?{self.filterset.redirect_query}"
            )
        self.object_list = self.annotate(self.filterset.qs)
        context = self.get_context_data(
            filter=self.filterset, object_list=self.object_list
        )
        return self.render_to_response(context)

    def annotate(self, queryset):
        return queryset

    def paginate_queryset(self, queryset, page_size):
        """Out-of-range numbers show the nearest page; anything not a number is 404."""
        paginator = self.get_paginator(queryset, page_size)
        raw = self.request.GET.get(self.page_kwarg) or "1"
        if raw == "last":
            number = paginator.num_pages
        else:
            try:
                number = int(raw)
            except ValueError as error:
                raise Http404(_("Page not found.")) from error
        page = paginator.page(min(max(number, 1), paginator.num_pages))
        page.object_list = list(page.object_list)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filterset
        query = filterset.clean_query
        path = self.request.path
        chips = []
        for name, value, filter_label, value_label in filterset.active_filters():
            remaining = query_without(query, name, value)
            chips.append(
                {
                    "name": name,
                    "filter_label": filter_label,
                    "label": value_label,
                    "url": f"{path}?{remaining}" if remaining else path,
                }
            )
        sort = query.get("sort")
        context.update(
            facets=filterset.facets(),
            chips=chips,
            clear_url=f"{path}?sort={sort}" if sort else path,
            ignored=filterset.ignored,
            result_count=context["paginator"].count,
            current_sort=filterset.current_sort,
            sort_choices=filterset.sort_choices,
            search=query.get("q", ""),
        )
        return context


class ProgrammeListView(ExportMixin, CatalogueListView):
    model = Programme
    exporter_class = ProgrammeExporter
    filterset_class = ProgrammeFilter
    template_name = "programmes/programme_filter.html"

    def get_queryset(self):
        return Programme.objects.visible_to(self.request.user).select_related(
            "successor"
        )

    def annotate(self, queryset):
        user = self.request.user
        return queryset.annotate(
            tool_count=count_visible("tools", user)
        ).prefetch_related(Prefetch("coverage", queryset=programme_coverage()))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for programme in context["object_list"]:
            programme.visible_successor = visible_successor(
                programme, self.request.user
            )
        return context


class ToolListView(ExportMixin, CatalogueListView):
    model = Tool
    exporter_class = ToolExporter
    filterset_class = ToolFilter
    template_name = "programmes/tool_filter.html"

    def get_queryset(self):
        return Tool.objects.visible_to(self.request.user)

    def annotate(self, queryset):
        user = self.request.user
        return queryset.prefetch_related(
            Prefetch("coverage", queryset=tool_coverage()),
            Prefetch(
                "programmes",
                queryset=Programme.objects.visible_to(user).order_by("order"),
                to_attr="visible_programmes",
            ),
        )


class CatalogueDetailView(OldSlugRedirectMixin, DetailView):
    """A record's page; `preview = True` shows any record to editors, with a banner."""

    preview = False
    permission = ""
    detail_url_name = ""
    preview_url_name = ""

    def get(self, request, *args, **kwargs):
        if self.preview and not request.user.has_perm(self.permission):
            raise Http404(_("No such record."))
        return super().get(request, *args, **kwargs)

    def renamed_url(self, record):
        url_name = self.preview_url_name if self.preview else self.detail_url_name
        return reverse(url_name, kwargs={"slug": record.slug})

    def base_queryset(self):
        if self.preview:
            return self.model.objects.all()
        return self.model.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.object
        coverage = list(record.coverage.all())
        context.update(
            preview=self.preview,
            primary_area=coverage[0].risk_area if coverage else None,
            keywords=split_keywords(record.keywords),
            sources=[describe_source(url) for url in record.sources],
        )
        return context


class ProgrammeDetailView(CatalogueDetailView):
    model = Programme
    context_object_name = "programme"
    template_name = "programmes/programme_detail.html"
    permission = "programmes.change_programme"
    detail_url_name = "programmes:programme-detail"
    preview_url_name = "programmes:programme-preview"

    def get_queryset(self):
        user = self.request.user
        tools = (
            Tool.objects.visible_to(user)
            .prefetch_related(
                "components", Prefetch("coverage", queryset=tool_coverage())
            )
            .order_by(translated("name"))
        )
        return (
            self.base_queryset()
            .select_related("successor")
            .prefetch_related(
                Prefetch("coverage", queryset=programme_coverage()),
                Prefetch("threats", queryset=Threat.objects.with_risk_area()),
                "partners",
                Prefetch("tools", queryset=tools, to_attr="visible_tools"),
                Prefetch(
                    "predecessors",
                    queryset=Programme.objects.visible_to(user).order_by(
                        "merged_on", "order"
                    ),
                    to_attr="visible_predecessors",
                ),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = self.object
        context.update(
            successor=visible_successor(programme, self.request.user),
            tool_groups=self.group_by_component(programme.visible_tools),
        )
        return context

    @staticmethod
    def group_by_component(tools):
        """[(component, [tools])] in component order (None last); tools may repeat."""
        groups = {}
        for tool in tools:
            components = tool.components.all() or [None]
            for component in components:
                groups.setdefault(component, []).append(tool)
        return sorted(
            groups.items(),
            key=lambda item: (item[0] is None, item[0].order if item[0] else 0),
        )


class ProgrammePreviewView(ProgrammeDetailView):
    preview = True


class ToolDetailView(CatalogueDetailView):
    model = Tool
    context_object_name = "tool"
    template_name = "programmes/tool_detail.html"
    permission = "programmes.change_tool"
    detail_url_name = "programmes:tool-detail"
    preview_url_name = "programmes:tool-preview"

    def get_queryset(self):
        user = self.request.user
        return self.base_queryset().prefetch_related(
            Prefetch("coverage", queryset=tool_coverage()),
            Prefetch("threats", queryset=Threat.objects.with_risk_area()),
            "components",
            "partners",
            Prefetch(
                "programmes",
                queryset=Programme.objects.visible_to(user)
                .select_related("successor")
                .order_by("order"),
                to_attr="visible_programmes",
            ),
        )


class ToolPreviewView(ToolDetailView):
    preview = True


class PartnerListView(ListView):
    model = Partner
    context_object_name = "partners"
    template_name = "programmes/partner_list.html"

    def get_queryset(self):
        user = self.request.user
        return Partner.objects.annotate(
            programme_count=count_visible("programmes", user),
            tool_count=count_visible("tools", user),
        ).order_by(translated("name"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        partners = list(context["partners"])
        context["groups"] = [
            {"kind": label, "value": value, "partners": members}
            for value, label in Partner.Kind.choices
            if (members := [p for p in partners if p.kind == value])
        ]
        context["partner_total"] = len(partners)
        return context


class PartnerDetailView(OldSlugRedirectMixin, DetailView):
    model = Partner
    context_object_name = "partner"
    template_name = "programmes/partner_detail.html"

    def get_queryset(self):
        user = self.request.user
        programmes = (
            Programme.objects.visible_to(user)
            .annotate(tool_count=count_visible("tools", user))
            .select_related("successor")
            .prefetch_related(Prefetch("coverage", queryset=programme_coverage()))
            .order_by("order", translated("name"))
        )
        tools = (
            Tool.objects.visible_to(user)
            .prefetch_related(Prefetch("coverage", queryset=tool_coverage()))
            .order_by(translated("name"))
        )
        return Partner.objects.prefetch_related(
            Prefetch("programmes", queryset=programmes, to_attr="visible_programmes"),
            Prefetch("tools", queryset=tools, to_attr="visible_tools"),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for programme in self.object.visible_programmes:
            programme.visible_successor = visible_successor(
                programme, self.request.user
            )
        context["keywords"] = split_keywords(self.object.keywords)
        return context


class CoverageView(TemplateView):
    """Programmes and tools × risk areas, the CEP cross-table and the thin spots."""

    template_name = "programmes/coverage.html"

    def get(self, request, *args, **kwargs):
        filters = CoverageFilters.from_params(request.GET, request)
        if filters.redirect_query is not None:
            # A renamed component's old slug: the same matrix, under the current slug.
            return HttpResponsePermanentRedirect(
                f"{request.path}?{filters.redirect_query}"
            )
        export_format = requested_format(request)
        if export_format:
            return export_response(
                CoverageExporter(request, RiskArea.objects.all()),
                [filters.programme_queryset(), filters.tool_queryset()],
                export_format,
                {name: [value] for name, value in filters.active.items()},
            )
        context = self.get_context_data(
            **coverage(request, filters),
            ignored=filters.ignored,
            kind_choices=Tool.Kind.choices,
            status_choices=Programme.Status.choices,
        )
        return self.render_to_response(context)


class CompareView(TemplateView):
    """Two to four programmes or tools side by side; a picker otherwise."""

    template_name = "programmes/compare.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        comparison = compare(self.request.GET, user)
        query = urlencode([(comparison.kind, item.slug) for item in comparison.items])
        share_url = self.request.build_absolute_uri(
            f"{reverse('programmes:compare')}?{query}"
        )
        return super().get_context_data(
            comparison=comparison,
            choices=compare_choices(user),
            share_url=share_url,
            **kwargs,
        )


class SearchView(TemplateView):
    """One search over programmes, tools, risk areas, threats and partners.

    `?format=csv|json` downloads every match, ranked as on the page.
    """

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
        self.results = search_all(self.query, request.user)
        export_format = requested_format(request)
        if export_format:
            return search_export_response(
                request, self.query, export_format, relaxed=self.results.relaxed
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            results=self.results,
            searched=bool(self.query.strip()),
            max_words=MAX_QUERY_WORDS,
            max_length=MAX_QUERY_LENGTH,
            **kwargs,
        )
        if not self.results.total:
            context["examples"] = [str(example) for example in self.examples]
            context["risk_areas"] = RiskArea.objects.all()
        return context
