"""What every catalogue record shares: a name, and a slug that names it.

The slug is the record's natural key (fixtures name records by slug, never by
id) and its address; a renamed record remembers its old slugs (`slugs`), and
every record keeps when it was created and last changed (`timestamps`).
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .slugs import CatalogueQuerySet, SlugHistoryMixin
from .timestamps import TimeStampedModel


class CatalogueRecord(SlugHistoryMixin, TimeStampedModel):
    """A record with a `name`, a unique `slug` and, if `url_name` is set, a page."""

    url_name = ""  # e.g. "risk_areas:riskarea-detail"

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(self.url_name, kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)


def editor_notes_field():
    """Notes for editors about a record's sources: conflicting dates, copies, gaps.

    Plain text in one language, shown only in the admin: the public site, its
    downloads, feeds and search never read it, so readers get the facts and editors
    keep the reasons behind them.
    """
    return models.TextField(
        _("editor notes"),
        blank=True,
        help_text=_(
            "For editors only: what the sources disagree on or leave out, and why "
            "the record says what it says. Never shown on the public site, in "
            "downloads or in feeds."
        ),
    )
