"""The reader's languages: the page's own, then English behind it.

Catalogue text is held per language (django-modeltranslation adds `name_en`,
`name_fr`, ...). Where a record has no text in the reader's language, the page
shows the English text, so everything that reads text (ordering, search, the
fallback notices) reads these two languages, in this order, and no third.
"""

from django.conf import settings
from django.db.models import CharField, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils.translation import get_language
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname


def default_language():
    return settings.MODELTRANSLATION_DEFAULT_LANGUAGE


def current_language(language=None):
    """The reader's language code ("fr"), or the default outside a request."""
    code = (language or get_language() or default_language()).split("-")[0]
    return code if code in dict(settings.LANGUAGES) else default_language()


def reader_languages(language=None):
    """[the reader's language, English], or [English] for an English reader."""
    current = current_language(language)
    default = default_language()
    return [default] if current == default else [current, default]


def translated(field):
    """`field` in the reader's language (else English), lower-cased, for ordering."""
    text = CharField()
    columns = [
        NullIf(build_localized_fieldname(field, language), Value(""), output_field=text)
        for language in reader_languages()
    ]
    return Lower(Coalesce(*columns, Value(""), output_field=text))


def translated_fields(record):
    """The names of `record`'s fields held per language (name, summary, ...)."""
    if record is None:
        return ()
    try:
        return tuple(translator.get_options_for_model(type(record)).all_fields)
    except NotRegistered:
        return ()


def shows_english(record, field, language=None):
    """True when `record.<field>` shows English text the reader's language lacks."""
    language = current_language(language)
    default = default_language()
    if language == default or field not in translated_fields(record):
        return False
    english = getattr(record, build_localized_fieldname(field, default), "")
    return bool(english) and not getattr(
        record, build_localized_fieldname(field, language), ""
    )
