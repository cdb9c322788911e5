"""Template helpers shared by every page of the portal."""

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from modeltranslation.translator import NotRegistered, translator

register = template.Library()


def _reader_language(language=None):
    return (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]


def _translated_fields(record):
    """The names of `record`'s fields held per language (name, summary, ...)."""
    if record is None:
        return ()
    try:
        options = translator.get_options_for_model(type(record))
    except NotRegistered:
        return ()
    return tuple(options.all_fields)


def shows_english(record, field, language=None):
    """True when `record.<field>` shows English text the reader's language lacks."""
    language = _reader_language(language)
    default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    if language == default or field not in _translated_fields(record):
        return False
    english = getattr(record, f"{field}_{default}", "")
    return bool(english) and not getattr(record, f"{field}_{language}", "")


def missing_translation(record, language=None):
    """True when `record` shows English text the reader's language lacks.

    Every text field held per language counts (name, summary, description,
    keywords, ...): any of them shown in English on the page earns the notice.
    """
    return any(
        shows_english(record, field, language) for field in _translated_fields(record)
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
    language = context.get("LANGUAGE_CODE")
    if any(shows_english(record, field, language) for field in fields):
        default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
        return mark_safe(f' lang="{default}" dir="ltr"')
    return ""
