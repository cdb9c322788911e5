"""The taxonomy every catalogue record hangs from: risk areas, threats, CEP components.

This app also holds the few pieces both apps share (timestamps, slug history),
because `programmes` depends on `risk_areas` and never the reverse.
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SlugQuerySet(models.QuerySet):
    """Natural keys are slugs, so fixtures name records, never ids."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class TimeStampedModel(models.Model):
    # Defaults rather than auto_now/auto_now_add: `loaddata` saves in raw mode,
    # which skips auto_now, and the bundled fixtures carry no timestamps.
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.updated = timezone.now()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "updated"}
        super().save(*args, **kwargs)


class SlugHistory(models.Model):
    """A slug a record used to have, so that old links answer 301 to the new one."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    slug = models.SlugField(max_length=200)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("previous slug")
        verbose_name_plural = _("previous slugs")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "slug"],
                name="risk_areas_slughistory_unique_slug",
            )
        ]

    def __str__(self):
        return self.slug


class SlugHistoryMixin(models.Model):
    """Remembers the previous slug whenever an editor changes it."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        old_slug = None
        if self.pk:
            old_slug = (
                type(self)
                ._default_manager.filter(pk=self.pk)
                .values_list("slug", flat=True)
                .first()
            )
        super().save(*args, **kwargs)
        if old_slug and old_slug != self.slug:
            content_type = ContentType.objects.get_for_model(type(self))
            # The new slug is live again: an old entry for it would shadow the record.
            SlugHistory.objects.filter(
                content_type=content_type, slug=self.slug
            ).delete()
            SlugHistory.objects.update_or_create(
                content_type=content_type,
                slug=old_slug,
                defaults={"object_id": self.pk},
            )

    @classmethod
    def resolve_old_slug(cls, slug):
        """The record that used to be called `slug`, or None."""
        entry = SlugHistory.objects.filter(
            content_type=ContentType.objects.get_for_model(cls), slug=slug
        ).first()
        if entry is None:
            return None
        return cls._default_manager.filter(pk=entry.object_id).first()


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

    objects = SlugQuerySet.as_manager()

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


class ThreatQuerySet(SlugQuerySet):
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

    objects = SlugQuerySet.as_manager()

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
