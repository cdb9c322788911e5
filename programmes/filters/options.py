"""The lists' filter options: slug filters checked against options already read,
and each filter's options with the number of results choosing one would give."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import CharField, Count, Value
from django.utils.functional import cached_property
from django_filters import ModelChoiceFilter, ModelMultipleChoiceFilter, fields


def facet_counts(facets):
    """{name: {value of path: number of records}} for each (name, queryset, path,
    condition) of `facets`: every facet's grouped count, in one query. A facet
    whose path is None counts all its records, under the value ""."""
    parts = []
    for name, queryset, path, condition in facets:
        records = queryset.model.objects.filter(pk__in=queryset.order_by().values("pk"))
        if condition is not None:
            records = records.filter(condition)
        if path is None:
            records = records.annotate(everything=Value("", output_field=CharField()))
            path = "everything"
        parts.append(
            records.order_by()
            .values_list(path)
            .annotate(
                records=Count("pk", distinct=True),
                facet=Value(name, output_field=CharField()),
            )
        )
    counts = {name: {} for name, *_rest in facets}
    if parts:
        for value, count, name in parts[0].union(*parts[1:], all=True):
            if value is not None:
                counts[name][value] = count
    return counts


class Facet:
    """One filter's options, each with the number of results choosing it would give."""

    # Longer lists of single choices show as a drop-down rather than radio buttons.
    MAX_RADIOS = 10

    def __init__(self, name, label, options, multiple):
        self.name = name
        self.label = label
        self.options = options  # [{"value", "label", "count", "selected"}]
        self.multiple = multiple

    def __iter__(self):
        return iter(self.options)

    @property
    def widget(self):
        if self.multiple:
            return "checkbox"
        return "select" if len(self.options) > self.MAX_RADIOS else "radio"

    @property
    def is_active(self):
        return any(option["selected"] for option in self.options)


class OptionsField:
    """A model choice field checked against the options its FilterSet has read
    already (to show them with their counts), so validating costs no query."""

    def __init__(self, *args, options=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._options = options

    @cached_property
    def options(self):
        # Read when a value is first checked: a filter left empty costs nothing.
        return {record.slug: record for record in self._options}

    def record(self, value):
        if value not in self.options:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return self.options[value]


class SlugChoiceField(OptionsField, fields.ModelChoiceField):
    def to_python(self, value):
        return None if value in self.empty_values else self.record(value)


class SlugMultipleChoiceField(OptionsField, fields.ModelMultipleChoiceField):
    def _check_values(self, value):
        return [self.record(item) for item in value]


class SlugFilter(ModelChoiceFilter):
    field_class = SlugChoiceField


class SlugMultipleFilter(ModelMultipleChoiceFilter):
    field_class = SlugMultipleChoiceField


def slug_filter(model, label, *, multiple=False, queryset=None):
    """A filter on records named by slug, offering `queryset` (default: every one)."""
    kind = SlugMultipleFilter if multiple else SlugFilter
    widget = forms.CheckboxSelectMultiple if multiple else forms.Select
    return kind(
        method="filter_link",
        label=label,
        to_field_name="slug",
        queryset=queryset or (lambda request: model.objects.all()),
        widget=widget,
    )
