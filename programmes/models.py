"""The catalogue: programmes, tools and partners, and which risks each covers.

What a reader may see is decided in one place, `programmes.editorial`: every
view, count, link, export and feed starts from `visible_to(user)`.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, FilteredRelation, Prefetch, Q
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from risk_areas.fulltext import with_documents
from risk_areas.languages import translated
from risk_areas.links import validate_http_url
from risk_areas.models import Threat
from risk_areas.records import CatalogueRecord, editor_notes_field

from .editorial import (
    VIEW_RESTRICTED_PERMISSION,
    Access,
    EditorialModel,
    EditorialQuerySet,
    PublicationStatus,
    can_view_restricted,
    count_visible,
    count_visible_apart,
    visible,
    with_record_counts,
)

__all__ = [
    "VIEW_RESTRICTED_PERMISSION",
    "Access",
    "CoverageLevel",
    "Partner",
    "Programme",
    "ProgrammeCoverage",
    "PublicationStatus",
    "Tool",
    "ToolCoverage",
    "can_view_restricted",
    "count_visible",
    "with_record_counts",
]

# A year a programme or tool started or ended: the WCO's work, not a typo.
YEAR_VALIDATORS = [MinValueValidator(1900), MaxValueValidator(2100)]


class Partner(CatalogueRecord):
    """An organisation the WCO works with, such as UNODC or INTERPOL."""

    url_name = "programmes:partner-detail"

    class Kind(models.TextChoices):
        INTERNATIONAL_ORGANISATION = (
            "international-organisation",
            _("International organisation"),
        )
        CUSTOMS_ADMINISTRATION = "customs-administration", _("Customs administration")
        GOVERNMENT_AGENCY = "government-agency", _("Government agency")
        PRIVATE_SECTOR = "private-sector", _("Private sector")
        NETWORK = "network", _("Network")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(
        _("kind"), max_length=40, choices=Kind, default=Kind.INTERNATIONAL_ORGANISATION
    )
    description = models.TextField(_("description"), blank=True)
    keywords = models.TextField(_("keywords"), blank=True)
    website = models.URLField(
        _("website"), max_length=500, blank=True, validators=[validate_http_url]
    )
    editor_notes = editor_notes_field()

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")


class ProgrammeQuerySet(EditorialQuerySet):
    def with_visible_successor(self, user):
        """`programme.visible_successor`: the successor, if `user` may see it."""
        successor = FilteredRelation("successor", condition=visible(user, "successor"))
        return self.annotate(visible_successor=successor).select_related(
            "visible_successor"
        )

    def with_tool_count(self, user):
        # A subquery per programme listed: a join would group every programme
        # row with all its tools' links before counting them.
        return self.annotate(tool_count=count_visible_apart(self.model, "tools", user))

    def with_links(self, user, tools=True):
        """Everything a programme's record shows, limited to what `user` may see.

        `tools=False` leaves its tools out (its page reads a bounded share of
        them itself) and counts them instead, as `tool_count`.
        """
        predecessors = Programme.objects.visible_to(user).order_by("merged_on", "order")
        programmes = (
            self.with_coverage()
            .with_visible_successor(user)
            .prefetch_related(
                Prefetch("threats", queryset=Threat.objects.with_risk_area()),
                "partners",
                Prefetch("predecessors", queryset=predecessors),
            )
        )
        if not tools:
            return programmes.with_tool_count(user)
        tools = (
            Tool.objects.visible_to(user)
            .with_coverage()
            .prefetch_related("components")
            .order_by(translated("name"))
        )
        return programmes.prefetch_related(Prefetch("tools", queryset=tools))


@with_documents("programme")
class Programme(EditorialModel):
    """A WCO enforcement programme, such as the Environment Programme."""

    url_name = "programmes:programme-detail"

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        MERGED = "merged", _("Merged into another programme")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Position on the WCO's programme list.")
    )
    summary = models.TextField(_("summary"), blank=True)
    description = models.TextField(_("description"), blank=True)
    keywords = models.TextField(
        _("keywords"),
        blank=True,
        help_text=_("Comma-separated words staff search with: synonyms, old names."),
    )
    start_year = models.PositiveSmallIntegerField(
        _("start year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    end_year = models.PositiveSmallIntegerField(
        _("end year"),
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text=_("Leave empty while it runs."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.ACTIVE
    )
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
        verbose_name=_("successor"),
        help_text=_("The programme this one was merged into."),
    )
    merged_on = models.DateField(_("merged on"), null=True, blank=True)
    risk_areas = models.ManyToManyField(
        "risk_areas.RiskArea",
        through="ProgrammeCoverage",
        related_name="programmes",
        verbose_name=_("risk areas"),
    )
    threats = models.ManyToManyField(
        "risk_areas.Threat",
        related_name="programmes",
        blank=True,
        verbose_name=_("threats"),
    )
    partners = models.ManyToManyField(
        Partner, related_name="programmes", blank=True, verbose_name=_("partners")
    )

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        permissions = [("view_restricted", "Can view restricted content")]
        indexes = [
            models.Index(
                fields=["publication_status", "access"], name="programme_visibility_idx"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=F("start_year")),
                name="programmes_programme_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="merged")
                | (Q(successor__isnull=False) & Q(merged_on__isnull=False)),
                name="programmes_programme_merged_has_successor_and_date",
            ),
            models.CheckConstraint(
                condition=Q(status="merged") | Q(successor__isnull=True),
                name="programmes_programme_only_merged_has_successor",
            ),
            models.CheckConstraint(
                condition=~Q(successor=F("pk")),
                name="programmes_programme_not_own_successor",
            ),
        ]

    @property
    def is_merged(self):
        return self.status == self.Status.MERGED


class ToolQuerySet(EditorialQuerySet):
    def with_visible_programmes(self, user):
        """`tool.programmes.all()` holds only the programmes `user` may see."""
        programmes = Programme.objects.visible_to(user).order_by("order", "name")
        return self.prefetch_related(Prefetch("programmes", queryset=programmes))

    def with_links(self, user):
        """Everything a tool's page shows, limited to what `user` may see."""
        return (
            self.with_coverage()
            .with_visible_programmes(user)
            .prefetch_related(
                Prefetch("threats", queryset=Threat.objects.with_risk_area()),
                "components",
                "partners",
            )
        )


@with_documents("tool")
class Tool(EditorialModel):
    """An instrument, standard, IT system, guide, operation or report the WCO offers."""

    url_name = "programmes:tool-detail"
    # What a tool's row in a table shows (tool_name_cells.html), its name
    # aside: a long list reads only these.
    ROW_FIELDS = ("slug", "acronym", "kind", "access", "publication_status")

    @classmethod
    def row_fields(cls):
        """The fields a row reads, its name in every language, for `only()`."""
        names = [
            build_localized_fieldname("name", code)
            for code, _name in settings.LANGUAGES
        ]
        return ["name", *names, *cls.ROW_FIELDS]

    class Kind(models.TextChoices):
        INSTRUMENT = "instrument", _("Legal instrument")
        STANDARD = "standard", _("Standard")
        IT_SYSTEM = "it-system", _("IT system")
        GUIDANCE = "guidance", _("Guidance")
        TRAINING = "training", _("Training")
        OPERATION = "operation", _("Operation")
        REPORT = "report", _("Report")
        PROJECT = "project", _("Project")
        PARTNERSHIP = "partnership", _("Partnership")
        BODY = "body", _("Working group or network")

    name = models.CharField(_("name"), max_length=250, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    summary = models.TextField(_("summary"), blank=True)
    description = models.TextField(_("description"), blank=True)
    keywords = models.TextField(
        _("keywords"),
        blank=True,
        help_text=_(
            "Comma-separated words staff search with: synonyms, goods, acronyms."
        ),
    )
    start_year = models.PositiveSmallIntegerField(
        _("start year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    risk_areas = models.ManyToManyField(
        "risk_areas.RiskArea",
        through="ToolCoverage",
        related_name="tools",
        verbose_name=_("risk areas"),
    )
    threats = models.ManyToManyField(
        "risk_areas.Threat", related_name="tools", blank=True, verbose_name=_("threats")
    )
    components = models.ManyToManyField(
        "risk_areas.CEPComponent",
        related_name="tools",
        verbose_name=_("CEP components"),
    )
    programmes = models.ManyToManyField(
        Programme, related_name="tools", blank=True, verbose_name=_("programmes")
    )
    partners = models.ManyToManyField(
        Partner, related_name="tools", blank=True, verbose_name=_("partners")
    )

    objects = ToolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("tool")
        verbose_name_plural = _("tools")
        indexes = [
            models.Index(
                fields=["publication_status", "access"], name="tool_visibility_idx"
            ),
            models.Index(fields=["kind"], name="tool_kind_idx"),
        ]


class CoverageLevel(models.TextChoices):
    PRIMARY = "primary", _("Primary")
    SUPPORTING = "supporting", _("Supporting")


class CoverageQuerySet(models.QuerySet):
    def get_by_natural_key(self, owner_slug, risk_area_slug):
        owner = f"{self.model.owner}__slug"
        return self.get(**{owner: owner_slug, "risk_area__slug": risk_area_slug})


class Coverage(models.Model):
    """How strongly a record (`owner`: a programme or a tool) covers a risk area."""

    owner = ""

    level = models.CharField(
        _("level"), max_length=20, choices=CoverageLevel, default=CoverageLevel.PRIMARY
    )

    objects = CoverageQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        record = getattr(self, self.owner)
        return f"{record} → {self.risk_area} ({self.get_level_display()})"

    def natural_key(self):
        return getattr(self, self.owner).natural_key() + self.risk_area.natural_key()


class ProgrammeCoverage(Coverage):
    """How strongly a programme covers a risk area."""

    owner = "programme"

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="coverage"
    )
    risk_area = models.ForeignKey(
        "risk_areas.RiskArea",
        on_delete=models.CASCADE,
        related_name="programme_coverage",
    )

    class Meta:
        ordering = ["risk_area__order", "programme__name"]
        verbose_name = _("programme coverage")
        verbose_name_plural = _("programme coverage")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "risk_area"],
                name="programmes_programmecoverage_unique_pair",
            )
        ]


class ToolCoverage(Coverage):
    """How strongly a tool covers a risk area."""

    owner = "tool"

    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="coverage")
    risk_area = models.ForeignKey(
        "risk_areas.RiskArea", on_delete=models.CASCADE, related_name="tool_coverage"
    )

    class Meta:
        ordering = ["risk_area__order", "tool__name"]
        verbose_name = _("tool coverage")
        verbose_name_plural = _("tool coverage")
        constraints = [
            models.UniqueConstraint(
                fields=["tool", "risk_area"], name="programmes_toolcoverage_unique_pair"
            )
        ]
