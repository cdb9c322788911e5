"""Template helpers: text shown in English where a translation is missing, the
catalogue's count phrases, a record's keywords and source links."""

import unicodedata
from html import unescape
from urllib.parse import urlsplit

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_info, gettext_lazy, ngettext_lazy
from modeltranslation.utils import build_localized_fieldname

from risk_areas.languages import (
    current_language,
    default_language,
    shows_english,
    translated_fields,
)
from risk_areas.links import is_http_url

register = template.Library()


def missing_translation(record, language=None):
    """True when any text field of `record` is shown in English to this reader."""
    return any(
        shows_english(record, field, language) for field in translated_fields(record)
    )


@register.simple_tag(takes_context=True)
def shown_in_english(context, record):
    """`{% shown_in_english object as fallback %}`: is the text shown in English?"""
    return missing_translation(record, context.get("LANGUAGE_CODE"))


@register.simple_tag(takes_context=True)
def fallback_lang(context, record, *fields):
    """` lang="en" dir="ltr"` on an element showing one of `fields` in English.

    `<h1{% fallback_lang programme "name" %}>{{ programme.name }}</h1>` lets a
    screen reader pronounce the fallback text as English on a French page, and
    keeps its punctuation in place on an Arabic (right-to-left) page.
    """
    return english_marks(record, fields, context.get("LANGUAGE_CODE"))


def english_marks(record, fields, language=None):
    """` lang="en" dir="ltr"` if `record` shows one of `fields` in English.

    On a right-to-left page, text of the reader's own in Latin letters only (a
    name such as "CLiKC!" kept as it is in Arabic) gets ` dir="ltr"`, so its
    punctuation stays where it was written. Else "".
    """
    if record is None:
        return ""
    if any(shows_english(record, field, language) for field in fields):
        return mark_safe(f' lang="{default_language()}" dir="ltr"')
    if get_language_info(current_language(language))["bidi"] and any(
        _left_to_right_only(getattr(record, field, "")) for field in fields
    ):
        return mark_safe(' dir="ltr"')
    return ""


def _left_to_right_only(text):
    """True when `text` has left-to-right letters and no right-to-left ones."""
    kinds = {unicodedata.bidirectional(char) for char in str(text or "")}
    return "L" in kinds and not kinds & {"R", "AL"}


@register.filter
def lang_text(record, field):
    """`{{ programme|lang_text:"name" }}`: the field's text, escaped, and in
    `<span lang="en" dir="ltr">` when it is shown in English (in `<span
    dir="ltr">` when it is in Latin letters only on a right-to-left page).

    For text that shares its element with other text: a chip's name beside its
    risk area, a name inside a translated sentence (`{% blocktranslate with
    name=programme|lang_text:"name" %}`). Where the text has an element of its
    own, `{% fallback_lang %}` marks that element instead.
    """
    if record is None:
        return ""
    text = conditional_escape(getattr(record, field, "") or "")
    if marks := english_marks(record, [field]):
        return format_html("<span{}>{}</span>", marks, text)
    return text


@register.filter
def short_name(record):
    """`{{ programme|short_name }}`: the acronym (left to right, as a code is on a
    right-to-left page), else the name marked as `lang_text` marks it."""
    if record is None:
        return ""
    if acronym := getattr(record, "acronym", ""):
        return format_html('<span dir="ltr">{}</span>', acronym)
    return lang_text(record, "name")


def _words(text):
    """The words of `text` (HTML or plain), without marks, ellipses or spacing."""
    return " ".join(unescape(strip_tags(str(text or ""))).replace("…", " ").split())


@register.simple_tag(takes_context=True)
def snippet_lang(context, snippet):
    """` lang="en" dir="ltr"` on a search result's snippet written in English.

    The snippet quotes one field of `snippet.source`: in English where the record
    has no text in the reader's language, and also where the searched words are in
    its English text only (SQLite quotes the first of the reader's languages where
    the words match), so its words are compared with both texts.
    """
    record, field = snippet.source, snippet.field
    if record is None or field not in translated_fields(record):
        return ""
    language = current_language(context.get("LANGUAGE_CODE"))
    english = default_language()
    words = _words(snippet.text)
    if language != english and words:
        own = _words(getattr(record, build_localized_fieldname(field, language), ""))
        if words not in own and words in _words(
            getattr(record, build_localized_fieldname(field, english), "")
        ):
            return mark_safe(f' lang="{english}" dir="ltr"')
    return english_marks(record, [field], language)


# "3 tools", said once for every page: the number stands alone or in <strong>.
COUNT_PHRASES = {
    "programme": ngettext_lazy(
        "%(counter)s programme", "%(counter)s programmes", "counter"
    ),
    "tool": ngettext_lazy("%(counter)s tool", "%(counter)s tools", "counter"),
}
STRONG_COUNT_PHRASES = {
    "programme": ngettext_lazy(
        "<strong>%(counter)s</strong> programme",
        "<strong>%(counter)s</strong> programmes",
        "counter",
    ),
    "programme involved": ngettext_lazy(
        "<strong>%(counter)s</strong> programme involved",
        "<strong>%(counter)s</strong> programmes involved",
        "counter",
    ),
    "tool": ngettext_lazy(
        "<strong>%(counter)s</strong> tool",
        "<strong>%(counter)s</strong> tools",
        "counter",
    ),
    "partner": ngettext_lazy(
        "<strong>%(counter)s</strong> partner",
        "<strong>%(counter)s</strong> partners",
        "counter",
    ),
    "threat": ngettext_lazy(
        "<strong>%(counter)s</strong> threat",
        "<strong>%(counter)s</strong> threats",
        "counter",
    ),
}


@register.simple_tag
def count_phrase(counter, noun, strong=False):
    """`{% count_phrase tools|length "tool" %}` -> "3 tools", in the reader's language.

    With `strong=True` the number is in <strong> ("<strong>3</strong> tools"), as
    in the stat links of the record pages. Says what `{% blocktranslate count %}`
    would, with the same messages, so the catalogues in locale/ translate it.
    """
    phrases = STRONG_COUNT_PHRASES if strong else COUNT_PHRASES
    return mark_safe(phrases[noun] % {"counter": int(counter)})


# The list page each kind of record belongs to: its URL name and its name.
RECORD_LISTS = {
    "programme": ("programmes:programme-list", gettext_lazy("Programmes")),
    "tool": ("programmes:tool-list", gettext_lazy("Tools")),
    "partner": ("programmes:partner-list", gettext_lazy("Partners")),
    "riskarea": ("risk_areas:riskarea-list", gettext_lazy("Risk areas")),
    "cepcomponent": ("risk_areas:cepcomponent-list", gettext_lazy("CEP components")),
}


@register.simple_tag
def record_list(record):
    """`{% record_list tool as list %}`: the list page the record belongs to.

    `list.url` and `list.name` ("Tools") serve the page title and breadcrumbs.
    """
    url_name, name = RECORD_LISTS[record._meta.model_name]
    return {"url": reverse(url_name), "name": name}


@register.filter
def slug_choices(records):
    """Records as (slug, name) pairs, the choices of a drop-down filtering by slug."""
    return [(record.slug, record.name) for record in records]


@register.filter
def keyword_list(text):
    """ "a, b, a" -> ["a", "b"]: a record's comma-separated keywords, once each."""
    return list(dict.fromkeys(word.strip() for word in text.split(",") if word.strip()))


@register.filter
def http_url(value):
    """`value` if it is an absolute http(s) address, else "": safe in an `href`.

    The fields are validated on the way in; this is the check on the way out, so
    a row saved before the validation existed never becomes a live link.
    """
    return value if is_http_url(value) else ""


@register.filter
def source_links(record):
    """A record's source URLs, each with a short label: the host and the path.

    Only absolute http(s) addresses are given (see `http_url`): anything else in
    the sources is left out rather than linked.
    """
    links = []
    for url in filter(is_http_url, record.sources):
        parts = urlsplit(url)
        host = parts.netloc.removeprefix("www.")
        links.append({"url": url, "host": host or url, "path": parts.path.rstrip("/")})
    return links
