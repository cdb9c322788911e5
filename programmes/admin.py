from django.conf import settings
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from risk_areas.admin import (
    DATES,
    IDENTITY,
    LINKS,
    SOURCES,
    TEXT,
    CatalogueRecordAdmin,
    EditorNotesAdminMixin,
)
from risk_areas.history_admin import HistoryAdminMixin
from risk_areas.models import RiskArea

from .models import (
    Partner,
    Programme,
    ProgrammeCoverage,
    PublicationStatus,
    Tool,
    ToolCoverage,
)


class ProgrammeCoverageInline(admin.TabularInline):
    model = ProgrammeCoverage
    extra = 0
    autocomplete_fields = ["risk_area"]


class ToolCoverageInline(admin.TabularInline):
    model = ToolCoverage
    extra = 0
    autocomplete_fields = ["risk_area"]


class DueForReviewFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("due", _("Due for review")), ("current", _("Reviewed recently"))]

    def queryset(self, request, queryset):
        due = queryset.due_for_review()
        if self.value() == "due":
            return due
        if self.value() == "current":
            return queryset.exclude(pk__in=due.values("pk"))
        return queryset


SOURCES_FIELDSET = (
    SOURCES,
    {"fields": ["source_url", "additional_sources", "last_reviewed"]},
)
PUBLISHING_FIELDSET = (
    _("Publishing"),
    {
        "fields": [
            "publication_status",
            "access",
            "published_at",
            "published_by",
            "created",
            "updated",
        ]
    },
)


class EditorialAdmin(EditorNotesAdminMixin, CatalogueRecordAdmin):
    """Publishing, review and preview shared by programmes and tools."""

    actions = ["publish", "unpublish", "mark_reviewed"]
    readonly_fields = ["published_at", "published_by", "created", "updated"]
    list_per_page = 50

    @admin.display(description=_("risk areas"))
    def risk_area_names(self, record):
        return ", ".join(area.name for area in record.risk_areas.all())

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("risk_areas", queryset=RiskArea.objects.all()))
        )

    def view_on_site(self, record):
        # Drafts and restricted records are not on the public site for everyone:
        # editors look at them through the preview page.
        return reverse(
            f"programmes:{record._meta.model_name}-preview",
            kwargs={"slug": record.slug},
        )

    def save_model(self, request, record, form, change):
        if record.is_published and not record.published_at:
            record.publish(request.user)
        super().save_model(request, record, form, change)

    def save_each(self, queryset, change, action):
        """Apply `change` to each selected record and save it, so that each save is
        recorded in the history, with the action as its reason, and keeps what
        derives from the record up to date. Actions act on one page at most."""
        selected = list(queryset.values_list("pk", flat=True))
        records = queryset.model._default_manager.filter(pk__in=selected)
        count = 0
        # Saved in the default language, as the loader does, so that the
        # untranslated columns keep the default text.
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            reason = f"Admin action: {action.short_description}"
            for record in records.select_for_update():
                change(record)
                record._change_reason = reason
                record.save()
                count += 1
        return count

    @admin.action(description=_("Publish selected records"), permissions=["change"])
    def publish(self, request, queryset):
        count = self.save_each(
            queryset.filter(publication_status=PublicationStatus.DRAFT),
            lambda record: record.publish(request.user),
            self.publish,
        )
        self.message_user(
            request,
            ngettext("%d record published.", "%d records published.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Return selected records to draft"), permissions=["change"]
    )
    def unpublish(self, request, queryset):
        def to_draft(record):
            record.publication_status = PublicationStatus.DRAFT

        count = self.save_each(queryset, to_draft, self.unpublish)
        self.message_user(
            request,
            ngettext(
                "%d record returned to draft.", "%d records returned to draft.", count
            )
            % count,
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Mark selected records as reviewed today"), permissions=["change"]
    )
    def mark_reviewed(self, request, queryset):
        def reviewed(record):
            record.last_reviewed = timezone.localdate()

        count = self.save_each(queryset, reviewed, self.mark_reviewed)
        self.message_user(
            request,
            ngettext(
                "%d record marked as reviewed.", "%d records marked as reviewed.", count
            )
            % count,
            messages.SUCCESS,
        )


@admin.register(Programme)
class ProgrammeAdmin(EditorialAdmin):
    list_display = [
        "name",
        "acronym",
        "risk_area_names",
        "status",
        "publication_status",
        "access",
        "last_reviewed",
    ]
    list_filter = [
        "status",
        "publication_status",
        "access",
        DueForReviewFilter,
        "risk_areas",
        "partners",
    ]
    list_select_related = ["successor"]
    search_fields = ["name", "acronym", "summary", "keywords"]
    autocomplete_fields = ["successor", "partners", "threats"]
    inlines = [ProgrammeCoverageInline]
    fieldsets = [
        (IDENTITY, {"fields": ["name", "acronym", "slug", "order"]}),
        (TEXT, {"fields": ["summary", "description", "keywords"]}),
        (
            _("Years and status"),
            {"fields": ["start_year", "end_year", "status", "successor", "merged_on"]},
        ),
        (LINKS, {"fields": ["threats", "partners"]}),
        SOURCES_FIELDSET,
        PUBLISHING_FIELDSET,
    ]


@admin.register(Tool)
class ToolAdmin(EditorialAdmin):
    list_display = [
        "name",
        "acronym",
        "kind",
        "risk_area_names",
        "publication_status",
        "access",
        "last_reviewed",
    ]
    list_filter = [
        "kind",
        "publication_status",
        "access",
        DueForReviewFilter,
        "risk_areas",
        "components",
        "programmes",
    ]
    search_fields = ["name", "acronym", "summary", "keywords"]
    autocomplete_fields = ["programmes", "partners", "threats"]
    filter_horizontal = ["components"]
    inlines = [ToolCoverageInline]
    fieldsets = [
        (IDENTITY, {"fields": ["name", "acronym", "slug", "kind", "start_year"]}),
        (TEXT, {"fields": ["summary", "description", "keywords"]}),
        (LINKS, {"fields": ["components", "programmes", "threats", "partners"]}),
        SOURCES_FIELDSET,
        PUBLISHING_FIELDSET,
    ]


@admin.register(Partner)
class PartnerAdmin(EditorNotesAdminMixin, CatalogueRecordAdmin):
    list_display = ["name", "acronym", "kind", "updated"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym", "description", "keywords"]
    fieldsets = [
        (IDENTITY, {"fields": ["name", "acronym", "slug", "kind"]}),
        (TEXT, {"fields": ["description", "keywords"]}),
        (LINKS, {"fields": ["website"]}),
        (DATES, {"fields": ["created", "updated"]}),
    ]


@admin.register(ProgrammeCoverage, ToolCoverage)
class CoverageAdmin(HistoryAdminMixin, admin.ModelAdmin):
    """A programme's or a tool's coverage links, one row per risk area."""

    list_filter = ["level", "risk_area"]

    def __init__(self, model, admin_site):
        owner = model.owner
        self.list_display = [owner, "risk_area", "level"]
        self.list_select_related = [owner, "risk_area"]
        self.search_fields = [f"{owner}__name", "risk_area__name"]
        self.autocomplete_fields = [owner, "risk_area"]
        super().__init__(model, admin_site)
