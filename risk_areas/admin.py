from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from .edit_conflict import URL_FIELDS, EditConflictAdminMixin
from .models import CEPComponent, RiskArea, SlugHistory, Threat


class ThreatInline(TranslationTabularInline):
    model = Threat
    extra = 0
    fields = ["name", "slug", "order", "keywords"]
    prepopulated_fields = {"slug": ["name"]}
    show_change_link = True


@admin.register(RiskArea)
class RiskAreaAdmin(EditConflictAdminMixin, TranslationAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["name", "official_label", "order", "updated"]
    list_editable = ["order"]
    search_fields = ["name", "official_label", "summary", "keywords"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created", "updated"]
    inlines = [ThreatInline]


@admin.register(Threat)
class ThreatAdmin(EditConflictAdminMixin, TranslationAdmin):
    list_display = ["name", "risk_area", "order"]
    list_filter = ["risk_area"]
    list_select_related = ["risk_area"]
    search_fields = ["name", "description", "keywords"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["risk_area"]
    readonly_fields = ["created", "updated"]


@admin.register(CEPComponent)
class CEPComponentAdmin(EditConflictAdminMixin, TranslationAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["name", "order", "updated"]
    list_editable = ["order"]
    search_fields = ["name", "summary", "description"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created", "updated"]


@admin.register(SlugHistory)
class SlugHistoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "content_type", "record", "created"]
    list_filter = ["content_type"]
    search_fields = ["slug"]
    readonly_fields = ["content_type", "object_id", "slug", "created"]

    @admin.display(description=_("record"))
    def record(self, entry):
        return entry.record
