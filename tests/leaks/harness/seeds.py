"""The addresses a crawl starts from: every URL pattern filled with every record's
slug, and the pages that take a query with every filter value, search word and
export format."""

import re
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import (
    NoReverseMatch,
    Resolver404,
    URLResolver,
    get_resolver,
    resolve,
    reverse,
)
from django.utils import translation

from programmes.models import Partner, Programme, Tool
from risk_areas.models import CEPComponent, RiskArea, Threat
from tests.leaks.harness.reading import body_of
from tests.leaks.harness.records import (
    EXPORT_FORMATS,
    LANGUAGES,
    NEVER_EXISTED,
    SEARCH_WORDS,
)

# Channels the issue names that live at fixed addresses. A crawl that cannot
# reach one would pass without testing it, so their absence is a failure.
REQUIRED_PAGES = {
    "search": "/search/",
    "coverage matrix": "/coverage/",
    "compare": "/compare/",
    "sitemap": "/sitemap.xml",
    "robots.txt": "/robots.txt",
    "feed": "/feeds/updates/",
}
# URL names the crawl leaves out, and why.
NOT_CRAWLED = {
    "set_language": "POST only",
    "logout": "POST only, and it would end the crawl's session",
    "password_reset_confirm": "takes a one-time token, never a record",
}
FORM_FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"')


def is_registered(path):
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def require(channel):
    """The channel's path; fails, naming it, while nothing answers there."""
    path = REQUIRED_PAGES[channel]
    if not is_registered(path):
        pytest.fail(
            f"The {channel} ({path}) is not registered yet, so the leak tests "
            "can't reach it."
        )
    return path


# The site's URLs --------------------------------------------------------------


def url_patterns():
    """(name, pattern) of every named URL of the site, namespaces included."""

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}{pattern.namespace}:"
                yield from walk(pattern.url_patterns, inner)
            elif pattern.name:
                yield f"{namespace}{pattern.name}", pattern

    return [
        (name, pattern)
        for name, pattern in walk(get_resolver().url_patterns, "")
        if not name.startswith("admin:") and name not in NOT_CRAWLED
    ]


def view_class(pattern):
    return getattr(pattern.callback, "view_class", None)


def records_for(pattern):
    """The model a slug pattern shows, from its view."""
    model = getattr(view_class(pattern), "model", None)
    if model is None:
        pytest.fail(
            f"The crawl can't tell which records {pattern.name!r} shows: "
            "give its view a `model`, or teach records_for() about it."
        )
    return model


@dataclass
class Seed:
    url: str
    expect: str = ""  # "found", "missing" or "" (anything but a server error)
    # A hidden record's slug in the URL: the page must answer word for word as
    # it does with `stand_in`, a slug that never existed, in its place.
    secret: str = ""
    stand_in: str = ""

    @property
    def compare_with(self):
        return self.url.replace(self.secret, self.stand_in) if self.secret else ""


def hiding(url, record, expect=""):
    return Seed(url, expect, record.slug, NEVER_EXISTED[record.kind])


def pattern_seeds(hidden, languages=LANGUAGES):
    """Every URL pattern, filled with every record's slug, in `languages`."""
    hidden = {record.slug: record for record in hidden}
    seeds = []
    for name, pattern in url_patterns():
        parameters = set(pattern.pattern.regex.groupindex)
        for language in languages:
            with translation.override(language):
                if not parameters:
                    seeds.append(Seed(reverse(name)))
                    continue
                if parameters != {"slug"}:
                    pytest.fail(
                        f"The crawl doesn't know how to fill {name!r} "
                        f"({sorted(parameters)}): teach pattern_seeds() about it."
                    )
                model = records_for(pattern)
                preview = getattr(view_class(pattern), "preview", False)
                for slug in model.objects.values_list("slug", flat=True):
                    url = reverse(name, kwargs={"slug": slug})
                    if slug in hidden:
                        seeds.append(hiding(url, hidden[slug], "missing"))
                    elif preview:
                        seeds.append(Seed(url, "missing"))
                    else:
                        seeds.append(Seed(url, "found"))
    return seeds


# Pages that take a query ------------------------------------------------------


def page_path(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def query_pages():
    """The pages that take filters, search words or compare picks."""
    pages = [
        "programmes:programme-list",
        "programmes:tool-list",
        "programmes:partner-list",
        "risk_areas:riskarea-list",
        "risk_areas:cepcomponent-list",
        "home",
    ]
    paths = [page_path(name) for name in pages]
    paths += [REQUIRED_PAGES[name] for name in ("search", "coverage matrix", "compare")]
    return list(dict.fromkeys(path for path in paths if path))


def filter_values():
    """(parameter, value) for every filter value a list understands, and more."""
    values = [("q", word) for word in SEARCH_WORDS]
    for parameter, model in (
        ("risk_area", RiskArea),
        ("threat", Threat),
        ("component", CEPComponent),
        ("partner", Partner),
    ):
        values += [
            (parameter, slug) for slug in model.objects.values_list("slug", flat=True)
        ]
    values += [("kind", kind) for kind in Tool.Kind.values]
    values += [("status", status) for status in Programme.Status.values]
    values += [("sort", sort) for sort in ("name", "-name", "recent", "wco")]
    values += [("page", page) for page in ("2", "last")]
    return values


def exporting(client, path):
    """Does the page answer `?format=csv` with a download?"""
    response = client.get(f"{path}?format=csv")
    return not response.get("Content-Type", "").startswith("text/html")


def fields_of(client, path):
    """Names of the form fields the page offers, which its query strings use."""
    return set(FORM_FIELD.findall(body_of(client.get(path)))) | {"page"}


def queries_for(client, path, thorough):
    """The query strings to try on `path`, as lists of (parameter, value)."""
    programme_slugs = list(Programme.objects.values_list("slug", flat=True))
    tool_slugs = list(Tool.objects.values_list("slug", flat=True))
    queries = [[("q", word)] for word in SEARCH_WORDS]
    if thorough:
        offered = fields_of(client, path)
        queries += [
            [(name, value)] for name, value in filter_values() if name in offered
        ]
    queries += [[("programme", slug)] for slug in programme_slugs]
    queries += [[("tool", slug)] for slug in tool_slugs]
    if path == REQUIRED_PAGES["compare"]:
        # A visible record beside each of the others.
        public_programme = Programme.objects.visible_to(AnonymousUser()).first().slug
        public_tool = Tool.objects.visible_to(AnonymousUser()).first().slug
        queries += [
            [("programme", public_programme), ("programme", slug)]
            for slug in programme_slugs
        ]
        queries += [[("tool", public_tool), ("tool", slug)] for slug in tool_slugs]
    return queries


def query_seeds(client, hidden, languages=LANGUAGES, thorough=True):
    """Pages that take a query, with every value, secret slugs and words included.

    `thorough` tries every filter value; otherwise only the secret values and the
    search words. A secret value must give the very page a value that never
    existed gives. Pages that export are asked for every format too. The search
    words are tried in each of `languages` as well.
    """
    seeds = []
    for path in query_pages():
        formats = ["", *EXPORT_FORMATS] if exporting(client, path) else [""]
        for query in queries_for(client, path, thorough):
            secret = next(
                (s for s in hidden for _n, value in query if value == s.slug), None
            )
            for export in formats:
                full = query + ([("format", export)] if export else [])
                url = f"{path}?{urlencode(full)}"
                seeds.append(hiding(url, secret) if secret else Seed(url))
    return seeds + search_seeds(languages)


def search_seeds(languages=LANGUAGES):
    """Every search word on every page that takes a query, in each language: the
    search reads the translated fields."""
    seeds = []
    for language in languages:
        with translation.override(language):
            prefix = reverse("home").rstrip("/")
        for word in SEARCH_WORDS:
            for path in query_pages():
                seeds.append(Seed(f"{prefix}{path}?{urlencode({'q': word})}"))
    return seeds
