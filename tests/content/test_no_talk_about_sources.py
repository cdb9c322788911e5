"""Readers get the facts: what the sources say about each other stays in the
editor notes, never in the text the public site shows."""

import pytest

from .catalogue import LANGUAGES, label, prose, records

PHRASES = {
    "en": [
        "the sources",
        "sources disagree",
        "source does not",
        "sources do not",
        "sources give",
        "older page",
        "third-party",
        "third party",
        "a brief mentions",
        "page says",
        "page dates",
        "partner page",
        "trade article",
        "reposts",
        "not confirmed by",
        "editorial choice",
        "grouping is editorial",
    ],
    "fr": [
        "les sources",
        "page plus ancienne",
        "ancienne page",
        "par un tiers",
        "de tiers",
        "un document évoque",
        "article de presse",
        "magazine professionnel",
        "selon une page",
        "page partenaire",
        "classement est éditorial",
    ],
    "es": [
        "las fuentes",
        "página anterior",
        "página más antigua",
        "de terceros",
        "según una página",
    ],
    "ru": [
        "источники не",
        "согласно источникам",
        "по данным источников",
        "старой странице",
        "третьих лиц",
        " сторонних",
    ],
    "ar": ["المصادر لا", "وفقًا للمصادر", "صفحة أقدم", "طرف ثالث", "اختيار تحريري"],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_text_never_talks_about_its_sources(language):
    found = [
        (label(model, fields), field, phrase)
        for _, model, fields in records()
        for field, text in prose(fields)
        if field.endswith(f"_{language}")
        for phrase in PHRASES[language]
        if phrase in text.lower()
    ]

    assert found == []
