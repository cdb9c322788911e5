"""No English sentence is left in a translated field."""

import re

import pytest

from .catalogue import PROSE, TRANSLATIONS, label, records

# Words that are common in any English sentence and are not words of the language
# the field is written in ("on" is French, so French does not count it).
ENGLISH = {"the", "and", "of", "with", "for", "from", "is", "that", "to", "by", "which"}
NOT_ENGLISH_IN = {"fr": set(), "es": set(), "ru": set(), "ar": set()}


def english_words(text, language):
    found = set(re.findall(r"[a-z]+", text.lower())) & ENGLISH
    return found - NOT_ENGLISH_IN[language]


def looks_english(text, language):
    """Two different English function words in one field: an English phrase."""
    return len(english_words(text, language)) >= 2


def test_the_check_flags_an_english_sentence_and_passes_a_name():
    assert looks_english("Le programme is run with the INTERPOL", "fr")
    assert not looks_english("Gemological Institute of America (Institut)", "fr")


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_translated_prose_has_no_english_left(language):
    flagged = [
        (label(model, fields), field)
        for _, model, fields in records()
        for base in PROSE
        for field in [f"{base}_{language}"]
        if looks_english(fields.get(field) or "", language)
    ]

    assert flagged == []
