"""The filtered programme and tool lists, and the partners."""

from django.core.paginator import Paginator
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.generic import ListView
from django_filters.views import FilterView

from risk_areas.languages import translated

from ..exports import ProgrammeExporter, ToolExporter
from ..filters import ProgrammeFilter, ToolFilter
from ..models import Partner, Programme, Tool, with_record_counts
from .addresses import WithoutEmptyFieldsMixin
from .downloads import DownloadMixin


def query_without(query, name, value):
    """`query` (a QueryDict) without one value of `name`, back to the first page."""
    query = query.copy()
    query.pop("page", None)
    query.setlist(name, [item for item in query.getlist(name) if item != value])
    return query.urlencode()


def query_with(query, name, value):
    """`query` (a QueryDict) with `name` set to `value`, back to the first page."""
    query = query.copy()
    query.pop("page", None)
    query[name] = value
    return query.urlencode()


class CountedPaginator(Paginator):
    """A paginator told the number of records, which it would otherwise count."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.__dict__["count"] = count  # Paginator.count is a cached property


class CatalogueListView(FilterView):
    """A filtered list with facet counts, removable filter chips and bounded queries."""

    paginate_by = 25

    def get(self, request, *args, **kwargs):
        self.filterset = self.get_filterset(self.get_filterset_class())
        self.object_list = self.with_links(self.filterset.qs)
        context = self.get_context_data(
            filter=self.filterset, object_list=self.object_list
        )
        return self.render_to_response(context)

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def with_links(self, queryset):
        return queryset.with_coverage()

    def get_paginator(self, queryset, per_page, **kwargs):
        # The facets' query counted the results already (see get_context_data).
        return CountedPaginator(queryset, per_page, count=self.total, **kwargs)

    def paginate_queryset(self, queryset, page_size):
        """Out-of-range numbers show the nearest page; anything not a number is 404."""
        paginator = self.get_paginator(queryset, page_size)
        raw = self.request.GET.get(self.page_kwarg) or "1"
        try:
            number = paginator.num_pages if raw == "last" else int(raw)
        except ValueError as error:
            raise Http404(_("Page not found.")) from error
        page = paginator.page(min(max(number, 1), paginator.num_pages))
        page.object_list = list(page.object_list)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        filterset = self.filterset
        facets = filterset.facets()
        self.total = filterset.total
        context = super().get_context_data(**kwargs)
        query, path = filterset.data, self.request.path
        # The record behind each option and chip, so its name is marked as
        # English where it has no text in the reader's language.
        records = {
            name: {record.slug: record for record in options}
            for name, options in filterset.options.items()
        }
        chips = []
        for name, value, filter_label, value_label in filterset.active_filters():
            remaining = query_without(query, name, value)
            chips.append(
                {
                    "name": name,
                    "filter_label": filter_label,
                    "label": value_label,
                    "record": records.get(name, {}).get(value),
                    "url": f"{path}?{remaining}" if remaining else path,
                }
            )
        for facet in facets:
            for option in facet:
                option["record"] = records.get(facet.name, {}).get(option["value"])
        sort = query.get("sort")
        suggestion = filterset.query.suggestion
        context.update(
            facets=facets,
            chips=chips,
            clear_url=f"{path}?sort={sort}" if sort else path,
            ignored=filterset.ignored,
            result_count=context["paginator"].count,
            current_sort=filterset.current_sort,
            sort_choices=filterset.sort_choices,
            search=filterset.search,
            suggestion=suggestion,
            suggestion_url=f"{path}?{query_with(query, 'q', suggestion)}",
        )
        return context


class ProgrammeListView(WithoutEmptyFieldsMixin, DownloadMixin, CatalogueListView):
    model = Programme
    exporter_class = ProgrammeExporter
    filterset_class = ProgrammeFilter
    template_name = "programmes/programme_filter.html"

    def with_links(self, queryset):
        user = self.request.user
        return (
            super()
            .with_links(queryset)
            .with_visible_successor(user)
            .with_tool_count(user)
        )


class ToolListView(WithoutEmptyFieldsMixin, DownloadMixin, CatalogueListView):
    model = Tool
    exporter_class = ToolExporter
    filterset_class = ToolFilter
    template_name = "programmes/tool_filter.html"

    def with_links(self, queryset):
        return super().with_links(queryset).with_visible_programmes(self.request.user)


class PartnerListView(ListView):
    model = Partner
    context_object_name = "partners"
    template_name = "programmes/partner_list.html"

    def get_queryset(self):
        user = self.request.user
        return with_record_counts(Partner.objects.all(), user).order_by(
            translated("name")
        )

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
