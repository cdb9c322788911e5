"""The taxonomy every catalogue record hangs from: risk areas, threats, CEP components.

This app is the bottom layer: `programmes` depends on it, never the reverse. The
plumbing every catalogue model shares sits beside it in modules named for what
they are (`slugs`, `timestamps`, `languages`, `edit_conflict`).
"""

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .slugs import CatalogueQuerySet, SlugHistory, SlugHistoryMixin
from .timestamps import TimeStampedModel

__all__ = ["CEPComponent", "RiskArea", "SlugHistory", "Threat"]


class RiskArea(SlugHistoryMixin, TimeStampedModel):
    """One of the five key risk areas for customs enforcement endorsed in 2011."""

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
    source_url = models.URLField(_("source"), max_length=500, blank=True)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("risk area")
        verbose_name_plural = _("risk areas")
        constraints = [
            models.UniqueConstraint(
                Lower("name"), name="risk_areas_riskarea_name_ci_unique"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("risk_areas:riskarea-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)


class ThreatQuerySet(CatalogueQuerySet):
    def with_risk_area(self):
        return self.select_related("risk_area")


class Threat(SlugHistoryMixin, TimeStampedModel):
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

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{self.risk_area.get_absolute_url()}#threat-{self.slug}"

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["risk_areas.riskarea"]


class CEPComponent(SlugHistoryMixin, TimeStampedModel):
    """One of the four components of the Compliance and Enforcement Package."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    summary = models.TextField(_("summary"), blank=True)
    description = models.TextField(_("description"), blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("CEP component")
        verbose_name_plural = _("CEP components")
        constraints = [
            models.UniqueConstraint(
                Lower("name"), name="risk_areas_cepcomponent_name_ci_unique"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("risk_areas:cepcomponent-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)
