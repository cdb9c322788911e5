"""Small helpers the page tests share."""

from django.urls import reverse

from programmes.models import Programme


def by_slug(records):
    return {record.slug: record for record in records}


def names(response):
    return [record.name for record in response.context["object_list"]]


def preview_url(record):
    name = "programme" if isinstance(record, Programme) else "tool"
    return reverse(f"programmes:{name}-preview", kwargs={"slug": record.slug})
