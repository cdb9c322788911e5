"""The taxonomy every catalogue record hangs from: risk areas, threats, CEP components.

This app is the bottom layer: `programmes` depends on it, never the reverse. The
plumbing every catalogue model shares sits beside it in modules named for what
they are (`records`, `slugs`, `timestamps`, `languages`,
`edit_conflict`).
"""

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .links import validate_http_url
from .records import CatalogueRecord
from .slugs import CatalogueQuerySet, SlugHistory

__all__ = ["CEPComponent", "RiskArea", "SlugHistory", "Threat"]


class RiskArea(CatalogueRecord):
    """One of the five key risk areas for customs enforcement endorsed in 2011."""

    url_name = "risk_areas:riskarea-detail"

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    official_label = models.CharField(
        _("official label"),
        max_length=100,
        blank=True,
        help_text=_("The label the WCO uses, e.g. “Revenue assurance”."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    summary = models.TextField(_("summary"), blank=True)
    description = models.TextField(_("description"), blank=True)
    keywords = models.TextField(
        _("keywords"),
        blank=True,
        help_text=_(
            "Comma-separated words staff search with: synonyms, goods, acronyms."
        ),
    )
    source_url = models.URLField(
        _("source"), max_length=500, blank=True, validators=[validate_http_url]
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("risk area")
        verbose_name_plural = _("risk areas")
        constraints = [
            models.UniqueConstraint(
                Lower("name"), name="risk_areas_riskarea_name_ci_unique"
            )
        ]


class ThreatQuerySet(CatalogueQuerySet):
    def with_risk_area(self):
        return self.select_related("risk_area")


class Threat(CatalogueRecord):
    """A threat a risk area includes, such as undervaluation under revenue."""

    risk_area = models.ForeignKey(
        RiskArea,
        on_delete=models.PROTECT,
        related_name="threats",
        verbose_name=_("risk area"),
    )
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.TextField(_("description"), blank=True)
    keywords = models.TextField(
        _("keywords"),
        blank=True,
        help_text=_(
            "Comma-separated synonyms, e.g. “fake medicines, falsified drugs”."
        ),
    )

    objects = ThreatQuerySet.as_manager()

    class Meta:
        ordering = ["risk_area__order", "order", "name"]
        verbose_name = _("threat")
        verbose_name_plural = _("threats")

    def get_absolute_url(self):
        return f"{self.risk_area.get_absolute_url()}#threat-{self.slug}"


class CEPComponent(CatalogueRecord):
    """One of the four components of the Compliance and Enforcement Package."""

    url_name = "risk_areas:cepcomponent-detail"

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    summary = models.TextField(_("summary"), blank=True)
    description = models.TextField(_("description"), blank=True)
    source_url = models.URLField(
        _("source"), max_length=500, blank=True, validators=[validate_http_url]
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("CEP component")
        verbose_name_plural = _("CEP components")
        constraints = [
            models.UniqueConstraint(
                Lower("name"), name="risk_areas_cepcomponent_name_ci_unique"
            )
        ]
