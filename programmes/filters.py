"""Filters of the programme and tool lists, with the option counts beside each choice.

Query strings carry slugs (`?risk_area=drugs&risk_area=security&partner=unodc`).
Before the form sees them, `CatalogueFilter` sorts every value into three piles:
known (filtered on), renamed (an old slug: the view answers 301 with the new one)
and unknown (ignored, and named in a message). So a bad link never errors and
never silently empties the list.

Every filter joins across many-to-many relations through `pk__in` subqueries,
so a record matching several values is listed once.
"""

from django import forms
from django.db.models import Count, FloatField, Value
from django.http import QueryDict
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django_filters import (
    CharFilter,
    ChoiceFilter,
    FilterSet,
    MultipleChoiceFilter,
)

from risk_areas.languages import translated
from risk_areas.models import CEPComponent, RiskArea
from risk_areas.slugs import resolve_old_slugs

from .models import Partner, Programme, ProgrammeCoverage, Tool, ToolCoverage
from .search import MAX_QUERY_LENGTH, parse_query, search_queryset


def clean_text(value):
    """Text safe to search and show: no NUL bytes, trimmed, at most 200 characters."""
    return str(value).replace("\x00", "").strip()[:MAX_QUERY_LENGTH].strip()


def search_filter(queryset, q):
    """Records matching `q`, ranked as on the search page (see `programmes.search`).

    Text with nothing searchable in it (only symbols or common words) matches
    nothing: the reader typed something, so the list must not pretend otherwise.
    """
    if parse_query(q).is_empty:
        return queryset.none().annotate(rank=Value(0.0, output_field=FloatField()))
    return search_queryset(queryset, q)


class Facet:
    """One filter's options, each with the number of results choosing it would give."""

    # Longer lists of single choices show as a drop-down rather than radio buttons.
    MAX_RADIOS = 10

    def __init__(self, name, label, options, selected, multiple=False):
        self.name = name
        self.label = label
        self.options = options  # [{"value", "label", "count", "selected", "record"}]
        self.selected = selected
        self.multiple = multiple

    @property
    def widget(self):
        if self.multiple:
            return "checkbox"
        return "select" if len(self.options) > self.MAX_RADIOS else "radio"

    def __iter__(self):
        return iter(self.options)

    @property
    def is_active(self):
        return bool(self.selected)


class CatalogueFilter(FilterSet):
    """Shared by the programme and tool lists: input cleaning, sorting and facets.

    Subclasses declare `slug_filters` ({parameter: (model, label)}) for the filters
    whose values are slugs, `choice_filters` for fixed choices, and implement
    `facet_counts(name, queryset)`.
    """

    q = CharFilter(method="filter_q", label=_("Search"))
    sort = ChoiceFilter(method="keep", label=_("Sort by"), empty_label=None)

    sort_choices = [
        ("relevance", _("Best match")),
        ("name", _("Name (A–Z)")),
        ("-name", _("Name (Z–A)")),
        ("recent", _("Recently updated")),
    ]
    default_sort = "name"
    slug_filters = {}
    unknown_messages = {}

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # Always bound, so the default sort applies to a bare URL too.
        super().__init__(
            data if data is not None else QueryDict(),
            queryset,
            request=request,
            prefix=prefix,
        )
        self.user = getattr(request, "user", None)
        self.ignored = []
        self.redirect_query = None
        self.options = {
            name: list(self.option_queryset(name)) for name in self.slug_filters
        }
        self.filters["sort"].extra["choices"] = self.sort_choices
        for name, records in self.options.items():
            self.filters[name].extra["choices"] = [
                (record.slug, str(record)) for record in records
            ]
        self.data = self.clean_data(self.data)

    # Input cleaning -----------------------------------------------------------

    def option_queryset(self, name):
        model = self.slug_filters[name][0]
        return model.objects.all()

    def visible_record(self, name, record):
        """May an old slug redirect to `record`? Never to one the user can't see."""
        return True

    def _ignore(self, name, value):
        label = self.unknown_messages.get(
            name, _("Unknown value “%(value)s” was ignored.")
        )
        shown = Truncator(value.replace("\x00", "")).chars(60)
        message = str(label) % {"value": shown}
        if message not in self.ignored:
            self.ignored.append(message)

    def clean_data(self, data):
        """The query string without unknown values; sets `ignored`, `redirect_query`."""
        clean = QueryDict(mutable=True)
        renamed = {}
        if "q" in data:
            q = clean_text(data.get("q", ""))
            if q:
                clean["q"] = q
        for name in self.slug_filters:
            values = [value for value in data.getlist(name) if value]
            if name not in self.multiple_filters:
                values = values[-1:]
            known = {record.slug for record in self.options[name]}
            unknown = [value for value in values if value not in known]
            model = self.slug_filters[name][0]
            # At most 50 look-ups: no real link carries more, a crafted one may.
            old = resolve_old_slugs(model.objects.all(), unknown[:50])
            kept = []
            for value in values:
                record = old.get(value)
                if value in known:
                    kept.append(value)
                elif record is not None and self.visible_record(name, record):
                    renamed[(name, value)] = record.slug
                else:
                    self._ignore(name, value)
            clean.setlist(name, list(dict.fromkeys(kept)))
        for name, choices in self.choice_filters().items():
            value = data.get(name, "")
            if not value:
                continue
            if value in dict(choices):
                clean[name] = value
            else:
                self._ignore(name, value)
        if renamed:
            self.redirect_query = self._renamed_query(data, renamed)
        return clean

    def _renamed_query(self, data, renamed):
        query = data.copy()
        for name in self.slug_filters:
            query.setlist(
                name,
                [renamed.get((name, value), value) for value in data.getlist(name)],
            )
        return query.urlencode()

    def choice_filters(self):
        return {"sort": self.sort_choices}

    @property
    def multiple_filters(self):
        return {"risk_area"}

    # Filtering and ordering ------------------------------------------------------

    def keep(self, queryset, name, value):
        return queryset

    def filter_q(self, queryset, name, value):
        return search_filter(queryset, value)

    @property
    def current_sort(self):
        """The sort in force: as asked, else best match for a search, else default."""
        sort = self.form.cleaned_data.get("sort")
        if sort == "relevance" and not self.form.cleaned_data.get("q"):
            sort = None
        if not sort:
            sort = "relevance" if self.form.cleaned_data.get("q") else self.default_sort
        return sort

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return self.order(queryset, self.current_sort)

    def order(self, queryset, sort):
        name = translated("name")
        if sort == "relevance":
            return queryset.order_by("-rank", name, "pk")
        if sort == "-name":
            return queryset.order_by(name.desc(), "pk")
        if sort == "recent":
            return queryset.order_by("-updated", name, "pk")
        return queryset.order_by(name, "pk")

    def queryset_without(self, excluded):
        """The results with every active filter except `excluded` (for facets)."""
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name not in (excluded, "sort"):
                queryset = self.filters[name].filter(queryset, value)
        return queryset.order_by()

    # Facets ------------------------------------------------------------------------

    def selected(self, name):
        value = self.form.cleaned_data.get(name)
        if not value:
            return []
        return list(value) if isinstance(value, list | tuple) else [value]

    def facets(self):
        """Every filter's options with their counts, in the sidebar's order.

        One grouped query per filter, over the records the reader may see, with
        every other active filter applied.
        """
        facets = []
        choice_filters = self.choice_filters()
        for name in self.form.fields:
            if name in self.slug_filters:
                options = [
                    (record.slug, str(record), record) for record in self.options[name]
                ]
            elif name in choice_filters and name != "sort":
                options = [
                    (value, str(label), None) for value, label in choice_filters[name]
                ]
            else:
                continue
            counts = self.facet_counts(name, self.queryset_without(name))
            selected = self.selected(name)
            facets.append(
                Facet(
                    name,
                    self.filters[name].label,
                    [
                        {
                            "value": value,
                            "label": label,
                            "record": record,
                            "count": counts.get(value, 0),
                            "selected": value in selected,
                        }
                        for value, label, record in options
                    ],
                    selected,
                    multiple=name in self.multiple_filters,
                )
            )
        return facets

    def active_filters(self):
        """(parameter, value, filter label, value label) of every filter in use."""
        labels = {}
        for name in self.slug_filters:
            labels[name] = {record.slug: str(record) for record in self.options[name]}
        for name, choices in self.choice_filters().items():
            labels[name] = {value: str(label) for value, label in choices}
        active = []
        for name in self.form.fields:
            if name == "sort":
                continue
            for value in self.selected(name):
                label = labels.get(name, {}).get(value, value)
                active.append((name, value, self.filters[name].label, label))
        return active

    @property
    def clean_query(self):
        return self.data


def _grouped(queryset, key, counted):
    rows = (
        queryset.order_by()
        .values(key)
        .annotate(count=Count(counted, distinct=True))
        .values_list(key, "count")
    )
    return dict(rows)


# Shorter than the model's labels, which are written for editors.
STATUS_CHOICES = [
    (Programme.Status.ACTIVE, _("Active")),
    (Programme.Status.MERGED, _("Merged")),
]


class ProgrammeFilter(CatalogueFilter):
    risk_area = MultipleChoiceFilter(
        method="filter_risk_area",
        label=_("Risk area"),
        widget=forms.CheckboxSelectMultiple,
    )
    component = ChoiceFilter(method="filter_component", label=_("CEP component"))
    partner = ChoiceFilter(method="filter_partner", label=_("Partner"))
    status = ChoiceFilter(
        method="filter_status", label=_("Status"), choices=STATUS_CHOICES
    )

    sort_choices = [("wco", _("WCO list order")), *CatalogueFilter.sort_choices]
    default_sort = "wco"
    slug_filters = {
        "risk_area": (RiskArea, _("Risk area")),
        "component": (CEPComponent, _("CEP component")),
        "partner": (Partner, _("Partner")),
    }
    unknown_messages = {
        "risk_area": _("Unknown risk area “%(value)s” was ignored."),
        "component": _("Unknown CEP component “%(value)s” was ignored."),
        "partner": _("Unknown partner “%(value)s” was ignored."),
        "status": _("Unknown status “%(value)s” was ignored."),
        "sort": _("Unknown sort order “%(value)s” was ignored."),
    }

    class Meta:
        model = Programme
        fields = ["q", "risk_area", "component", "partner", "status", "sort"]

    def choice_filters(self):
        return {"status": STATUS_CHOICES, "sort": self.sort_choices}

    def visible_tools(self):
        return Tool.objects.visible_to(self.user)

    def filter_risk_area(self, queryset, name, value):
        covered = ProgrammeCoverage.objects.filter(risk_area__slug__in=value)
        return queryset.filter(pk__in=covered.values("programme"))

    def filter_component(self, queryset, name, value):
        links = Tool.programmes.through.objects.filter(
            tool__in=self.visible_tools().filter(components__slug=value)
        )
        return queryset.filter(pk__in=links.values("programme"))

    def filter_partner(self, queryset, name, value):
        links = Programme.partners.through.objects.filter(partner__slug=value)
        return queryset.filter(pk__in=links.values("programme"))

    def filter_status(self, queryset, name, value):
        return queryset.filter(status=value)

    def order(self, queryset, sort):
        if sort == "wco":
            return queryset.order_by("order", translated("name"), "pk")
        return super().order(queryset, sort)

    def facet_counts(self, name, queryset):
        if name == "risk_area":
            links = ProgrammeCoverage.objects.filter(programme__in=queryset)
            return _grouped(links, "risk_area__slug", "programme")
        if name == "component":
            links = Tool.programmes.through.objects.filter(
                programme__in=queryset, tool__in=self.visible_tools()
            )
            return _grouped(links, "tool__components__slug", "programme")
        if name == "partner":
            links = Programme.partners.through.objects.filter(programme__in=queryset)
            return _grouped(links, "partner__slug", "programme")
        return _grouped(queryset, "status", "pk")


class ToolFilter(CatalogueFilter):
    risk_area = MultipleChoiceFilter(
        method="filter_risk_area",
        label=_("Risk area"),
        widget=forms.CheckboxSelectMultiple,
    )
    component = ChoiceFilter(method="filter_component", label=_("CEP component"))
    kind = ChoiceFilter(
        method="filter_kind", label=_("Kind"), choices=Tool.Kind.choices
    )
    programme = ChoiceFilter(method="filter_programme", label=_("Programme"))
    partner = ChoiceFilter(method="filter_partner", label=_("Partner"))

    slug_filters = {
        "risk_area": (RiskArea, _("Risk area")),
        "component": (CEPComponent, _("CEP component")),
        "programme": (Programme, _("Programme")),
        "partner": (Partner, _("Partner")),
    }
    unknown_messages = {
        "risk_area": _("Unknown risk area “%(value)s” was ignored."),
        "component": _("Unknown CEP component “%(value)s” was ignored."),
        "programme": _("Unknown programme “%(value)s” was ignored."),
        "partner": _("Unknown partner “%(value)s” was ignored."),
        "kind": _("Unknown kind “%(value)s” was ignored."),
        "sort": _("Unknown sort order “%(value)s” was ignored."),
    }

    class Meta:
        model = Tool
        fields = ["q", "risk_area", "component", "kind", "programme", "partner", "sort"]

    def option_queryset(self, name):
        if name == "programme":
            # A programme the reader may not see is not an option, not even by slug.
            return Programme.objects.visible_to(self.user).order_by(
                "order", translated("name")
            )
        return super().option_queryset(name)

    def visible_record(self, name, record):
        if name == "programme":
            return record.is_visible_to(self.user)
        return True

    def choice_filters(self):
        return {"kind": Tool.Kind.choices, "sort": self.sort_choices}

    def filter_risk_area(self, queryset, name, value):
        covered = ToolCoverage.objects.filter(risk_area__slug__in=value)
        return queryset.filter(pk__in=covered.values("tool"))

    def filter_component(self, queryset, name, value):
        links = Tool.components.through.objects.filter(cepcomponent__slug=value)
        return queryset.filter(pk__in=links.values("tool"))

    def filter_programme(self, queryset, name, value):
        links = Tool.programmes.through.objects.filter(programme__slug=value)
        return queryset.filter(pk__in=links.values("tool"))

    def filter_partner(self, queryset, name, value):
        links = Tool.partners.through.objects.filter(partner__slug=value)
        return queryset.filter(pk__in=links.values("tool"))

    def filter_kind(self, queryset, name, value):
        return queryset.filter(kind=value)

    def facet_counts(self, name, queryset):
        if name == "risk_area":
            links = ToolCoverage.objects.filter(tool__in=queryset)
            return _grouped(links, "risk_area__slug", "tool")
        if name == "component":
            links = Tool.components.through.objects.filter(tool__in=queryset)
            return _grouped(links, "cepcomponent__slug", "tool")
        if name == "programme":
            links = Tool.programmes.through.objects.filter(
                tool__in=queryset, programme__in=Programme.objects.visible_to(self.user)
            )
            return _grouped(links, "programme__slug", "tool")
        if name == "partner":
            links = Tool.partners.through.objects.filter(tool__in=queryset)
            return _grouped(links, "partner__slug", "tool")
        return _grouped(queryset, "kind", "pk")
