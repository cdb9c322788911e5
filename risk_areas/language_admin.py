"""What the admin shows of a record's languages.

On the changelist, each record's translation completeness ("4/5, missing: ar")
and a filter for the records missing one language; on the change form, each
translated field's languages as tabs (static/portal_admin/language_tabs.js),
all of them shown one under the other where scripts do not run.

A language counts as present when the record's name and summary (its
description, for records without a summary) are both written in it.
"""

import json

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Q
from django.utils.html import format_html
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

LANGUAGE_NAMES = dict(settings.LANGUAGES)


def languages():
    """The content's languages, the default first."""
    return [code for code, _name in settings.LANGUAGES]


def required_fields(model):
    """The translated fields a record needs in a language for it to count."""
    translated = translator.get_options_for_model(model).all_fields
    return ["name", "summary" if "summary" in translated else "description"]


def missing_languages(record):
    """The languages in which `record` lacks a required field, in settings order."""
    fields = required_fields(type(record))
    return [
        code
        for code in languages()
        if any(
            not getattr(record, build_localized_fieldname(field, code))
            for field in fields
        )
    ]


def missing_in(model, code):
    """The records of `model` lacking a required field in language `code`."""
    condition = Q()
    for field in required_fields(model):
        column = build_localized_fieldname(field, code)
        condition |= Q(**{f"{column}__isnull": True}) | Q(**{column: ""})
    return condition


class MissingLanguageFilter(admin.SimpleListFilter):
    title = _("missing a language")
    parameter_name = "missing_language"

    def lookups(self, request, model_admin):
        return [
            (code, f"{LANGUAGE_NAMES[code]} ({code})")
            for code in languages()
            if code != settings.LANGUAGE_CODE
        ]

    def queryset(self, request, queryset):
        code = self.value()
        if code is None:
            return queryset
        if code not in dict(self.lookup_choices):
            messages.warning(
                request,
                _(
                    "“%(code)s” is not one of the portal's languages; "
                    "all records are listed."
                )
                % {"code": code},
            )
            return queryset
        return queryset.filter(missing_in(queryset.model, code))


class LanguageAdminMixin:
    """Shows each record's translation completeness on the changelist, filters
    by a missing language, and draws translated fields as language tabs."""

    change_form_template = "admin/catalogue_change_form.html"

    class Media:
        css = {"all": ["portal_admin/language_tabs.css"]}
        js = ["portal_admin/language_tabs.js"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        code = getattr(db_field, "language", None)
        if field is not None and code:
            # Each language's text keeps its own direction, whatever the
            # admin's: Arabic right to left on the English admin, and English
            # left to right on the Arabic one; screen readers pronounce each
            # in its language.
            field.widget.attrs["lang"] = code
            field.widget.attrs["dir"] = (
                "rtl" if get_language_info(code)["bidi"] else "ltr"
            )
        return field

    def get_list_display(self, request):
        # Next to the name, where an editor scanning for gaps looks first.
        first, *rest = super().get_list_display(request)
        return [first, "languages", *rest]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), MissingLanguageFilter]

    @admin.display(description=_("languages"))
    def languages(self, record):
        missing = missing_languages(record)
        total = len(languages())
        count = f"{total - len(missing)}/{total}"
        if not missing:
            return format_html('<span class="languages-complete">{}</span>', count)
        return format_html(
            '<span class="languages-missing">{}</span> {}',
            count,
            _("missing: %(languages)s") % {"languages": ", ".join(missing)},
        )

    def render_change_form(self, request, context, *args, **kwargs):
        options = translator.get_options_for_model(self.model)
        context["language_tabs"] = json.dumps(
            {
                "fields": sorted(options.all_fields),
                "languages": [
                    [code, str(LANGUAGE_NAMES[code])] for code in languages()
                ],
                "empty": str(_("empty")),
                "error": str(_("has errors")),
                # Translators: on an inline table's language tab, when some rows
                # lack text in that language.
                "incomplete": str(_("incomplete")),
                # Translators: names one field's row of language tabs, e.g. for Summary.
                "label": str(_("Languages of %(field)s")),
            }
        )
        return super().render_change_form(request, context, *args, **kwargs)
