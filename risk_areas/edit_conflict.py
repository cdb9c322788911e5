"""Admin forms that never silently overwrite another editor's save."""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.utils.translation import gettext_lazy as _

from .links import HttpURLFormField

# Sources are typed without a scheme now and then; assume https, as Django 6 will.
# Only http(s) addresses are links (see links.py).
URL_FIELDS = {
    models.URLField: {"assume_scheme": "https", "form_class": HttpURLFormField}
}


class EditConflictForm(forms.ModelForm):
    """Refuses to overwrite a record someone else saved after this form was opened.

    The form carries the record's `updated` time from when it was opened. If the
    record has been saved since, nothing is written: the editor keeps their input,
    is told, and saves again only once they have looked at the other change.
    """

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.updated.isoformat()

    def clean(self):
        cleaned_data = super().clean()
        loaded = cleaned_data.get("loaded_version")
        if not (self.instance.pk and loaded and self.writes()):
            return cleaned_data
        # The admin validates inside its transaction: the lock holds until the
        # save commits, so two editors cannot both pass this check.
        current = (
            type(self.instance)
            ._default_manager.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("updated", flat=True)
            .first()
        )
        if current is not None and current.isoformat() != loaded:
            # A second save, after reading this, keeps the editor's version.
            self.data = self.data.copy()
            self.data[self.add_prefix("loaded_version")] = current.isoformat()
            raise ValidationError(
                _(
                    "Someone else saved this record while you were editing it, so "
                    "your changes have not been saved yet. Open the record in "
                    "another tab to see their version; save again to replace it "
                    "with yours."
                ),
                code="edit_conflict",
            )
        return cleaned_data

    def writes(self):
        """Whether saving this form writes the record: a change form always does."""
        return True


class ChangelistConflictForm(EditConflictForm):
    """One row of a changelist with `list_editable` fields, checked like the form.

    Only a row whose fields the editor changed is checked (and saved): a row
    they left alone does not stop the others, however stale. The record's
    version travels in a hidden input drawn after the row's first editable
    field, since the changelist draws no other hidden fields.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        editable = [name for name in self.fields if name != "loaded_version"]
        if editable:
            field = self.fields[editable[0]]
            field.widget = _with_hidden_field(field.widget, self["loaded_version"])

    def has_changed(self):
        return any(name != "loaded_version" for name in self.changed_data)

    writes = has_changed


def _with_hidden_field(widget, bound_field):
    """A copy of `widget` that also draws `bound_field` (a hidden input)."""

    class WithHiddenField(type(widget)):
        def render(self, *args, **kwargs):
            return super().render(*args, **kwargs) + str(bound_field)

    clone = copy.copy(widget)
    clone.__class__ = WithHiddenField
    return clone


class EditConflictAdminMixin:
    """Admin pages whose saves never silently overwrite another editor's work."""

    form = EditConflictForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if any("loaded_version" in options["fields"] for _name, options in fieldsets):
            return fieldsets
        *first, (name, options) = fieldsets
        return [
            *first,
            (name, {**options, "fields": [*options["fields"], "loaded_version"]}),
        ]

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", ChangelistConflictForm)
        return super().get_changelist_form(request, **kwargs)

    def changelist_view(self, request, extra_context=None):
        if request.method != "POST" or not self.list_editable:
            return super().changelist_view(request, extra_context)
        # The rows' checks lock their records until the saves commit, as the
        # change form's do (the changelist validates outside its own transaction).
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().changelist_view(request, extra_context)
