"""Filters of the programme and tool lists, with the option counts beside each choice.

Query strings carry slugs (`?risk_area=drugs&risk_area=security&partner=unodc`).
Before the form sees them, every value is sorted into three piles: known
(filtered on), renamed (an old slug: `SlugRenamed` answers 301 with the new one)
and unknown (ignored, and named in a message). So a bad link never errors and
never silently empties the list. Options the reader may not see are unknown.

Links are followed through `pk__in` subqueries, so a record matching several
values is listed once; each filter is OR within its values, AND across filters.
The search runs once, on the base queryset: the count, the page and every facet
start from its result.
"""

from django.db.models import FloatField, Q, Value
from django.http import QueryDict
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django_filters import (
    CharFilter,
    ChoiceFilter,
    FilterSet,
    ModelMultipleChoiceFilter,
)

from risk_areas.languages import translated
from risk_areas.models import CEPComponent, RiskArea, Threat
from risk_areas.slugs import SlugRenamed, resolve_old_slugs

from .. import cached
from ..editorial import visible
from ..models import Partner, Programme, Tool
from ..search import clean_query, parse_query, search_queryset, understood
from .options import Facet, facet_counts, slug_filter

# Filters whose options are a small table's records, read from the cache.
CACHED_OPTIONS = {
    "risk_area": cached.risk_areas,
    "component": cached.components,
    "partner": cached.partners,
}
# Look-ups of old slugs per request: no real link carries more, a crafted one may.
MAX_OLD_SLUGS = 50
SORT_CHOICES = [
    ("relevance", _("Best match")),
    ("name", _("Name (A–Z)")),
    ("-name", _("Name (Z–A)")),
    ("recent", _("Recently updated")),
]
# Shorter than the model's labels, which are written for editors.
STATUS_CHOICES = [
    (Programme.Status.ACTIVE, _("Active")),
    (Programme.Status.MERGED, _("Merged")),
]


def search_filter(queryset, q):
    """Records matching `q`, ranked as on the search page (see `programmes.search`).

    Text with nothing searchable in it (only symbols or common words) matches
    nothing: the reader typed something, so the list must not pretend otherwise.
    """
    parsed = parse_query(q)
    if parsed.is_empty:
        return queryset.none().annotate(rank=Value(0.0, output_field=FloatField()))
    return search_queryset(queryset, parsed)


class CatalogueFilter(FilterSet):
    """Shared by the programme and tool lists: input cleaning, sorting and facets.

    Subclasses declare their filters and, in `links`, for each filter the path
    from the record to the value and the relation whose visibility counts
    (`{"component": ("tools__components", "tools")}`).
    """

    q = CharFilter(method="keep", label=_("Search"))
    sort = ChoiceFilter(
        method="keep", label=_("Sort by"), empty_label=None, choices=SORT_CHOICES
    )

    links = {}
    # Filters reached from a link elsewhere (a risk area's threat), without a
    # facet of their own in the sidebar.
    unfaceted = ()
    default_sort = "name"
    sort_choices = SORT_CHOICES
    unknown_messages = {
        "risk_area": _("Unknown risk area “%(value)s” was ignored."),
        "component": _("Unknown CEP component “%(value)s” was ignored."),
        "partner": _("Unknown partner “%(value)s” was ignored."),
        "sort": _("Unknown sort order “%(value)s” was ignored."),
    }

    def __init__(
        self, data=None, queryset=None, *, request=None, prefix=None, options=None
    ):
        """`options` may give the records a filter offers when the caller has
        read them already ({"component": [...]}); the others are read when first
        needed (a value to check, the facets), each in one query."""
        self.user = getattr(request, "user", None)
        self.ignored = []
        super().__init__(QueryDict(), queryset, request=request, prefix=prefix)
        self.filters["sort"].extra["choices"] = self.sort_choices
        # The small tables' records come from the cache (`programmes.cached`).
        given = {
            name: read()
            for name, read in CACHED_OPTIONS.items()
            if name in self.filters
        }
        given.update(options or {})
        asked = data if data is not None else QueryDict()
        # A filter without a facet offers its records only when it is used.
        self.options = {
            name: given[name]
            if name in given
            else self.filters[name].get_queryset(request).all()
            for name in self.slug_filters
            if name not in self.unfaceted or any(asked.getlist(name))
        }
        for name, records in self.options.items():
            self.filters[name].extra["options"] = records
        # Bound after cleaning, so the default sort applies to a bare URL too.
        self.data = self.clean_data(data if data is not None else QueryDict())
        self.is_bound = True
        self.search = self.data.get("q", "")
        self.query = understood(self.search, self.queryset.db)
        if self.search:
            self.queryset = search_filter(self.queryset, self.query)

    @property
    def slug_filters(self):
        return [name for name, f in self.filters.items() if hasattr(f, "queryset")]

    @property
    def choice_filters(self):
        return {
            name: f.extra["choices"]
            for name, f in self.filters.items()
            if "choices" in f.extra
        }

    # Input cleaning -----------------------------------------------------------

    def _ignore(self, name, value):
        label = self.unknown_messages.get(
            name, _("Unknown value “%(value)s” was ignored.")
        )
        shown = Truncator(value.replace("\x00", "")).chars(60)
        message = str(label) % {"value": shown}
        if message not in self.ignored:
            self.ignored.append(message)

    def clean_data(self, data):
        """The query string without unknown values; `SlugRenamed` for old slugs."""
        clean = QueryDict(mutable=True)
        if q := clean_query(data.get("q", "")):
            clean["q"] = q
        renamed = {}
        for name in self.slug_filters:
            values = [value for value in data.getlist(name) if value]
            if not isinstance(self.filters[name], ModelMultipleChoiceFilter):
                values = values[-1:]
            if not values:
                continue
            known = {record.slug for record in self.options[name]}
            unknown = [value for value in values if value not in known]
            queryset = self.filters[name].get_queryset(self.request)
            old = resolve_old_slugs(queryset, unknown[:MAX_OLD_SLUGS])
            for value in unknown:
                if value in old:
                    renamed[(name, value)] = old[value].slug
                else:
                    self._ignore(name, value)
            clean.setlist(name, list(dict.fromkeys(v for v in values if v in known)))
        for name, choices in self.choice_filters.items():
            value = data.get(name, "")
            if value in dict(choices):
                clean[name] = value
            elif value:
                self._ignore(name, value)
        if renamed:
            query = data.copy()
            for name in self.slug_filters:
                query.setlist(
                    name, [renamed.get((name, v), v) for v in data.getlist(name)]
                )
            raise SlugRenamed(f"?{query.urlencode()}")
        return clean

    # Filtering and ordering ------------------------------------------------------

    def keep(self, queryset, name, value):
        return queryset

    def filter_link(self, queryset, name, value):
        path, through = self.links[name]
        if name in self.choice_filters:
            return queryset.filter(**{path: value})
        # The form has checked the slugs; filter on them, not on its records.
        if not (slugs := self.data.getlist(name)):
            return queryset
        condition = Q(**{f"{path}__slug__in": slugs})
        if through:
            condition &= visible(self.user, through)
        matching = queryset.model.objects.filter(condition).values("pk")
        return queryset.filter(pk__in=matching)

    @property
    def current_sort(self):
        """The sort in force: as asked, else best match for a search, else default."""
        sort = self.data.get("sort")
        if sort == "relevance" and not self.search:
            sort = None
        return sort or ("relevance" if self.search else self.default_sort)

    def filter_queryset(self, queryset):
        return self.order(super().filter_queryset(queryset), self.current_sort)

    def order(self, queryset, sort):
        name = translated("name")
        if sort == "relevance":
            return queryset.order_by("-rank", name, "pk")
        if sort == "-name":
            return queryset.order_by(name.desc(), "pk")
        if sort == "recent":
            return queryset.order_by("-updated", name, "pk")
        return queryset.order_by(name, "pk")

    # Facets ------------------------------------------------------------------------

    def selected(self, name):
        return self.data.getlist(name)

    def queryset_without(self, excluded):
        """The results with every active filter except `excluded` (for facets)."""
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name != excluded and value not in (None, "", []):
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def facets(self):
        """Every filter's options with their counts, in the sidebar's order."""
        names, options, wanted = [], {}, []
        for name in self.links:
            if name in self.unfaceted:
                continue
            path, through = self.links[name]
            if name in self.options:
                options[name] = [(r.slug, str(r)) for r in self.options[name]]
                path = f"{path}__slug"
            else:
                options[name] = [
                    (value, str(label)) for value, label in self.choice_filters[name]
                ]
            condition = visible(self.user, through) if through else None
            wanted.append((name, self.queryset_without(name), path, condition))
            names.append(name)
        # The results themselves, counted in the same query: the list's total.
        wanted.append(("", self.queryset_without(None), None, None))
        counts = facet_counts(wanted)
        self.total = counts[""].get("", 0)
        facets = []
        for name in names:
            selected = self.selected(name)
            facets.append(
                Facet(
                    name,
                    self.filters[name].label,
                    [
                        {
                            "value": value,
                            "label": label,
                            "count": counts[name].get(value, 0),
                            "selected": value in selected,
                        }
                        for value, label in options[name]
                    ],
                    multiple=isinstance(self.filters[name], ModelMultipleChoiceFilter),
                )
            )
        return facets

    def active_filters(self):
        """(parameter, value, filter label, value label) of every filter in use."""
        labels = {
            name: {record.slug: str(record) for record in records}
            for name, records in self.options.items()
            if self.selected(name)
        }
        for name, choices in self.choice_filters.items():
            labels[name] = {value: str(label) for value, label in choices}
        return [
            (
                name,
                value,
                self.filters[name].label,
                labels.get(name, {}).get(value, value),
            )
            for name in self.filters
            if name != "sort"
            for value in self.selected(name)
        ]


class ProgrammeFilter(CatalogueFilter):
    risk_area = slug_filter(RiskArea, _("Risk area"), multiple=True)
    component = slug_filter(CEPComponent, _("CEP component"))
    partner = slug_filter(Partner, _("Partner"))
    status = ChoiceFilter(
        method="filter_link", label=_("Status"), choices=STATUS_CHOICES
    )

    links = {
        "risk_area": ("coverage__risk_area", None),
        "component": ("tools__components", "tools"),
        "partner": ("partners", None),
        "status": ("status", None),
    }
    sort_choices = [("wco", _("WCO list order")), *SORT_CHOICES]
    default_sort = "wco"
    unknown_messages = {
        **CatalogueFilter.unknown_messages,
        "status": _("Unknown status “%(value)s” was ignored."),
    }

    class Meta:
        model = Programme
        fields = ["q", "risk_area", "component", "partner", "status", "sort"]

    def order(self, queryset, sort):
        if sort == "wco":
            return queryset.order_by("order", translated("name"), "pk")
        return super().order(queryset, sort)


def _visible_programmes(request):
    # A programme the reader may not see is not an option, not even by slug.
    return Programme.objects.visible_to(request.user).order_by(
        "order", translated("name")
    )


class ToolFilter(CatalogueFilter):
    risk_area = slug_filter(RiskArea, _("Risk area"), multiple=True)
    component = slug_filter(CEPComponent, _("CEP component"))
    kind = ChoiceFilter(
        method="filter_link", label=_("Kind"), choices=Tool.Kind.choices
    )
    programme = slug_filter(Programme, _("Programme"), queryset=_visible_programmes)
    partner = slug_filter(Partner, _("Partner"))
    threat = slug_filter(Threat, _("Threat"))

    links = {
        "risk_area": ("coverage__risk_area", None),
        "component": ("components", None),
        "kind": ("kind", None),
        "programme": ("programmes", "programmes"),
        "partner": ("partners", None),
        "threat": ("threats", None),
    }
    unfaceted = ("threat",)
    unknown_messages = {
        **CatalogueFilter.unknown_messages,
        "threat": _("Unknown threat “%(value)s” was ignored."),
        "programme": _("Unknown programme “%(value)s” was ignored."),
        "kind": _("Unknown kind “%(value)s” was ignored."),
    }

    class Meta:
        model = Tool
        fields = [
            "q",
            "risk_area",
            "component",
            "kind",
            "programme",
            "partner",
            "threat",
            "sort",
        ]
