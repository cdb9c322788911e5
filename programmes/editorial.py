"""Drafts, restricted records and review dates: what a reader may see.

Programmes and tools are draft or published, and public or restricted. Drafts
are for editors only; restricted records are for members (users holding
`programmes.view_restricted`). For everyone else they do not exist.
"""

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from risk_areas.links import validate_http_url, validate_http_url_lines
from risk_areas.records import CatalogueRecord, editor_notes_field
from risk_areas.slugs import CatalogueQuerySet

VIEW_RESTRICTED_PERMISSION = "programmes.view_restricted"


def can_view_restricted(user):
    return bool(
        user and user.is_authenticated and user.has_perm(VIEW_RESTRICTED_PERMISSION)
    )


def visible(user, through=""):
    """The condition for records `user` may see, reached `through` a relation.

    The one place visibility is decided: `visible_to()` filters with it, and
    `count_visible()` counts with it, so every number agrees with the lists.
    """
    prefix = f"{through}__" if through else ""
    condition = Q(**{f"{prefix}publication_status": PublicationStatus.PUBLISHED})
    if not can_view_restricted(user):
        condition &= Q(**{f"{prefix}access": Access.PUBLIC})
    return condition


def count_visible(relation, user):
    """Count the records at the end of `relation` (e.g. a risk area's "tools", or
    a component's "tools__programmes") that `user` may see, each hop visible."""
    hops = relation.split("__")
    condition = Q()
    for end in range(1, len(hops) + 1):
        condition &= visible(user, "__".join(hops[:end]))
    return Count(relation, filter=condition, distinct=True)


def count_visible_apart(model, relation, user):
    """The records at the end of `relation` of `model` (a risk area's "tools")
    that `user` may see, counted in a subquery of their own.

    Two counts joined in one query multiply each other's rows (every programme
    of a risk area times every tool); apart, each reads only its own links.
    """
    rel = model._meta.get_field(relation)
    lookup = rel.field.name  # from the counted records back to `model`
    counted = (
        rel.related_model.objects.filter(visible(user), **{lookup: OuterRef("pk")})
        .order_by()
        .values(lookup)
        .annotate(count=Count("pk", distinct=True))
        .values("count")
    )
    return Coalesce(Subquery(counted), 0)


def with_record_counts(queryset, user):
    """`queryset` (risk areas, partners) with the programmes and tools `user` may
    see counted, as `programme_count` and `tool_count`."""
    return queryset.annotate(
        programme_count=count_visible_apart(queryset.model, "programmes", user),
        tool_count=count_visible_apart(queryset.model, "tools", user),
    )


class EditorialQuerySet(CatalogueQuerySet):
    def published(self):
        return self.filter(publication_status=PublicationStatus.PUBLISHED)

    def public(self):
        return self.filter(access=Access.PUBLIC)

    def visible_to(self, user):
        """What `user` may see on the public site: no drafts, restricted for members."""
        return self.filter(visible(user))

    def with_coverage(self):
        """Each record's coverage links with their risk areas, primary first."""
        links = self.model._meta.get_field("coverage").related_model.objects
        ordered = links.select_related("risk_area").order_by(
            "level", "risk_area__order"
        )
        return self.prefetch_related(Prefetch("coverage", queryset=ordered))

    def due_for_review(self, today=None):
        today = today or timezone.localdate()
        cutoff = today - timezone.timedelta(days=settings.REVIEW_INTERVAL_DAYS)
        return self.filter(Q(last_reviewed__isnull=True) | Q(last_reviewed__lt=cutoff))


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Access(models.TextChoices):
    PUBLIC = "public", _("Public")
    RESTRICTED = "restricted", _("Restricted to member administrations")


class EditorialModel(CatalogueRecord):
    """Publication state, access level, review date and sources of a record."""

    publication_status = models.CharField(
        _("publication status"),
        max_length=20,
        choices=PublicationStatus,
        default=PublicationStatus.DRAFT,
        help_text=_("Drafts are invisible on the public site until published."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("published by"),
    )
    access = models.CharField(
        _("access"),
        max_length=20,
        choices=Access,
        default=Access.PUBLIC,
        help_text=_(
            "Restricted records are shown only to signed-in members; "
            "for everyone else they do not exist."
        ),
    )
    last_reviewed = models.DateField(
        _("last reviewed"),
        null=True,
        blank=True,
        help_text=_("When an editor last checked this record against its sources."),
    )
    source_url = models.URLField(
        _("source"),
        max_length=500,
        validators=[validate_http_url],
        help_text=_("The page the facts come from."),
    )
    additional_sources = models.TextField(
        _("additional sources"),
        blank=True,
        validators=[validate_http_url_lines],
        help_text=_("One http:// or https:// address per line."),
    )
    editor_notes = editor_notes_field()

    class Meta:
        abstract = True

    @property
    def is_published(self):
        return self.publication_status == PublicationStatus.PUBLISHED

    @property
    def is_restricted(self):
        return self.access == Access.RESTRICTED

    @property
    def sources(self):
        extra = [line.strip() for line in self.additional_sources.splitlines()]
        return [url for url in [self.source_url, *extra] if url]

    def is_visible_to(self, user):
        return self.is_published and (
            not self.is_restricted or can_view_restricted(user)
        )

    def publish(self, user=None):
        self.publication_status = PublicationStatus.PUBLISHED
        self.published_at = timezone.now()
        self.published_by = user if user and user.is_authenticated else None
