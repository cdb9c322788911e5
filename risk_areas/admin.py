from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from .edit_conflict import URL_FIELDS, EditConflictAdminMixin
from .history_admin import HistoryAdminMixin
from .language_admin import LanguageAdminMixin
from .models import CEPComponent, RiskArea, SlugHistory, Threat

# Fieldsets follow the order an editor works in: what the record is, its text,
# what it links to, where its facts come from, its publishing, then the notes.
IDENTITY = _("Identity")
TEXT = _("Text")
LINKS = _("Links")
SOURCES = _("Sources")
DATES = _("Dates")

EDITOR_NOTES_FIELDSET = (
    _("Editor notes"),
    {"classes": ["collapse"], "fields": ["editor_notes"]},
)


class EditorNotesAdminMixin:
    """Shows a record's editor notes last, in a collapsed fieldset of their own."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**options, "fields": _without_notes(options["fields"])})
            for name, options in super().get_fieldsets(request, obj)
        ]
        return [*fieldsets, EDITOR_NOTES_FIELDSET]


def _without_notes(fields):
    return [field for field in fields if field != "editor_notes"]


class CatalogueRecordAdmin(
    LanguageAdminMixin, HistoryAdminMixin, EditConflictAdminMixin, TranslationAdmin
):
    """What every catalogue record's admin shares: each field's languages as tabs
    and each record's missing languages listed, a slug filled from the name,
    timestamps shown, no save over another editor's, and a History page whose
    versions can be restored."""

    formfield_overrides = URL_FIELDS
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created", "updated"]


class ThreatInline(TranslationTabularInline):
    model = Threat
    extra = 0
    fields = ["name", "slug", "order", "keywords"]
    prepopulated_fields = {"slug": ["name"]}
    show_change_link = True
    # A row per threat: the keywords box starts short and grows by hand.
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 36})}
    }


@admin.register(RiskArea)
class RiskAreaAdmin(CatalogueRecordAdmin):
    list_display = ["name", "official_label", "order", "updated"]
    list_editable = ["order"]
    search_fields = ["name", "official_label", "summary", "keywords"]
    inlines = [ThreatInline]
    fieldsets = [
        (IDENTITY, {"fields": ["name", "official_label", "slug", "order"]}),
        (TEXT, {"fields": ["summary", "description", "keywords"]}),
        (SOURCES, {"fields": ["source_url"]}),
        (DATES, {"fields": ["created", "updated"]}),
    ]


@admin.register(Threat)
class ThreatAdmin(CatalogueRecordAdmin):
    list_display = ["name", "risk_area", "order"]
    list_filter = ["risk_area"]
    list_select_related = ["risk_area"]
    search_fields = ["name", "description", "keywords"]
    autocomplete_fields = ["risk_area"]
    fieldsets = [
        (IDENTITY, {"fields": ["name", "slug", "order"]}),
        (TEXT, {"fields": ["description", "keywords"]}),
        (LINKS, {"fields": ["risk_area"]}),
        (DATES, {"fields": ["created", "updated"]}),
    ]


@admin.register(CEPComponent)
class CEPComponentAdmin(EditorNotesAdminMixin, CatalogueRecordAdmin):
    list_display = ["name", "order", "updated"]
    list_editable = ["order"]
    search_fields = ["name", "summary", "description"]
    fieldsets = [
        (IDENTITY, {"fields": ["name", "slug", "order"]}),
        (TEXT, {"fields": ["summary", "description"]}),
        (SOURCES, {"fields": ["source_url"]}),
        (DATES, {"fields": ["created", "updated"]}),
    ]


@admin.register(SlugHistory)
class SlugHistoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "content_type", "record", "created"]
    list_filter = ["content_type"]
    search_fields = ["slug"]
    readonly_fields = ["content_type", "object_id", "slug", "created"]

    @admin.display(description=_("record"))
    def record(self, entry):
        return entry.record
