"""Slugs name every record, and a renamed record answers its old slug with a 301.

One mechanism serves every page: a view or a FilterSet that meets an old slug
raises `SlugRenamed` with the new address (or the new query string), and
`SlugRenamedMiddleware` answers it with a permanent redirect.
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import Http404, HttpResponsePermanentRedirect
from django.utils.translation import gettext_lazy as _


class CatalogueQuerySet(models.QuerySet):
    """Natural keys are slugs, so fixtures name records, never ids."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def visible_to(self, user):
        """What `user` may see; the taxonomy and the partners are public."""
        return self.all()


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


def resolve_old_slugs(queryset, slugs):
    """{old slug: record} for the `slugs` a record of `queryset` used to have.

    Only records in `queryset` count, so a visible list never redirects to a
    record its reader may not see. Two queries however many slugs are asked.
    """
    slugs = [slug for slug in slugs if slug and "\x00" not in slug]
    if not slugs:
        return {}
    entries = dict(
        SlugHistory.objects.filter(
            content_type=ContentType.objects.get_for_model(queryset.model),
            slug__in=slugs,
        ).values_list("slug", "object_id")
    )
    if not entries:
        return {}
    records = queryset.in_bulk(set(entries.values()))
    return {slug: records[pk] for slug, pk in entries.items() if pk in records}


class SlugRenamed(Exception):
    """The request named a record by an old slug: answer 301 with `location`.

    `location` is an address, or a query string ("?risk_area=new") for the same
    path.
    """

    def __init__(self, location):
        super().__init__(location)
        self.location = location


class SlugRenamedMiddleware:
    """Turns `SlugRenamed` into a permanent redirect, keeping the query string."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, SlugRenamed):
            return None
        location = exception.location
        if location.startswith("?"):
            location = request.path + location
        elif request.META.get("QUERY_STRING"):
            location = f"{location}?{request.META['QUERY_STRING']}"
        return HttpResponsePermanentRedirect(location)


class OldSlugRedirectMixin:
    """A detail view that answers a renamed record's old slug with its new address.

    The record must be in the view's own queryset, so a record the reader may
    not see is a 404 under its old slug as under its new one.
    """

    def get_object(self, queryset=None):
        try:
            return super().get_object(queryset)
        except Http404:
            slug = self.kwargs.get(self.slug_url_kwarg, "")
            record = resolve_old_slugs(self.get_queryset(), [slug]).get(slug)
            if record is None:
                raise
            raise SlugRenamed(self.renamed_url(record)) from None

    def renamed_url(self, record):
        return record.get_absolute_url()
