"""Reading the catalogue's pages in tests: their addresses and what they list."""

from django.urls import reverse

from programmes.models import Programme

PROGRAMMES = reverse("programmes:programme-list")
TOOLS = reverse("programmes:tool-list")
PARTNERS = reverse("programmes:partner-list")


def get_page(client, name, **params):
    """The response to URL `name` with `params` as its query; it must answer 200."""
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response


def by_slug(records):
    return {record.slug: record for record in records}


def names(response):
    return [record.name for record in response.context["object_list"]]


def facet(response, name):
    """{option value: count} of the list's facet called `name`."""
    return {
        option["value"]: option["count"]
        for facet in response.context["facets"]
        if facet.name == name
        for option in facet
    }


def preview_url(record):
    name = "programme" if isinstance(record, Programme) else "tool"
    return reverse(f"programmes:{name}-preview", kwargs={"slug": record.slug})
