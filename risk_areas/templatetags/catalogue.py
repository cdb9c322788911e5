"""Template helpers shared by every page of the portal."""

from django import template
from django.conf import settings
from django.utils.translation import get_language
from modeltranslation.translator import NotRegistered, translator

register = template.Library()

# The fields whose absence in the reader's language triggers the fallback notice.
NOTICE_FIELDS = ("name", "summary", "description")


def missing_translation(record, language=None):
    """True when `record` has text shown in English because the reader's language lacks it."""
    language = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if record is None or language == settings.MODELTRANSLATION_DEFAULT_LANGUAGE:
        return False
    try:
        options = translator.get_options_for_model(type(record))
    except NotRegistered:
        return False
    for field in NOTICE_FIELDS:
        if field not in options.all_fields:
            continue
        english = getattr(record, f"{field}_{settings.MODELTRANSLATION_DEFAULT_LANGUAGE}")
        if english and not getattr(record, f"{field}_{language}", None):
            return True
    return False


@register.simple_tag(takes_context=True)
def shown_in_english(context, record):
    """{% shown_in_english object as fallback %}: does this page fall back to English?"""
    return missing_translation(record, context.get("LANGUAGE_CODE"))
