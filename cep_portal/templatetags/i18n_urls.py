"""The same page in another language: the switcher's links and the hreflang alternates.

English is unprefixed and the other languages sit under /fr/, /es/, /ru/, /ar/
(i18n_patterns), so a page's address in another language is its own address with
the prefix changed and the query string kept: the reader stays on the same page
with the same filters.
"""

from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.text import capfirst
from django.utils.translation import (
    get_language_from_path,
    get_language_info,
    override,
)

from risk_areas.languages import current_language

register = template.Library()


def endonym(code):
    """A language in its own name ("Français"): a reader who cannot read the
    current language still finds theirs, so these names are never translated."""
    return capfirst(get_language_info(code)["name_local"])


def _swap_prefix(path, language):
    """`path` under `language`'s prefix, for an address no URL pattern matches."""
    current = get_language_from_path(path)
    if current and (path == f"/{current}" or path.startswith(f"/{current}/")):
        path = path[len(current) + 1 :] or "/"
    if language != settings.LANGUAGE_CODE:
        path = f"/{language}{path}"
    return path


def url_in_language(full_path, language):
    """`full_path` (path and query string) as the same page in `language`.

    A `next` parameter holding a local address (the sign-in page's) follows the
    language too, so signing in lands on the page in the chosen language.
    """
    parts = urlsplit(full_path)
    translated = translate_url(parts.path, language)
    if translated == parts.path and language != current_language():
        translated = _swap_prefix(parts.path, language)
    query = parts.query
    if "next=" in query:
        # parse_qsl, not QueryDict: any query string the reader typed is kept as
        # it came, however many fields it has, and never makes the page fail.
        params = parse_qsl(query, keep_blank_values=True)
        nexts = [value for key, value in params if key == "next"]
        local = [url for url in nexts if url.startswith("/") and "//" not in url]
        if local and len(local) == len(nexts):
            params = [
                (key, url_in_language(value, language) if key == "next" else value)
                for key, value in params
            ]
            query = urlencode(params, safe="/", quote_via=quote)
    return urlunsplit(("", "", translated, query, ""))


def _home_in(language):
    try:
        with override(language):
            return reverse("home")
    except NoReverseMatch:
        return "/"


def language_versions_for(request):
    """[{code, name, url, absolute_url, current}] for every language of the portal."""
    current = current_language()
    versions = []
    for code, _name in settings.LANGUAGES:
        if request is None:
            # A page rendered without a request (a server error): each home page.
            url = _home_in(code)
            absolute_url = url
        else:
            url = url_in_language(request.get_full_path(), code)
            absolute_url = request.build_absolute_uri(url)
        versions.append(
            {
                "code": code,
                "name": endonym(code),
                "url": url,
                "absolute_url": absolute_url,
                "current": code == current,
            }
        )
    return versions


@register.simple_tag(takes_context=True)
def language_versions(context):
    """`{% language_versions as versions %}`: this page in each language."""
    return language_versions_for(context.get("request"))


@register.simple_tag(takes_context=True)
def page_in_language(context, language):
    """`{% page_in_language "en" as url %}`: this page, with its filters, in English."""
    request = context.get("request")
    if request is None:
        return _home_in(language)
    return url_in_language(request.get_full_path(), language)
