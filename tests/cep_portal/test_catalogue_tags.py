"""The English fallback: a notice where a record has no text in the reader's
language, and lang/dir on the English text shown in its place."""

import pytest
from django.template import Context, Template
from django.utils import translation

from cep_portal.templatetags.catalogue import slug_choices
from tests import factories
from tests.html import parse_html
from tests.multilingual import OTHER_LANGUAGES, build_catalogue, texts

pytestmark = pytest.mark.django_db

NOTICE = "This content is not available in the chosen language and is shown in English."


@pytest.fixture
def catalogue():
    return build_catalogue()


# The fallback notice ------------------------------------------------------------------


def _english_only(kind):
    """A record of `kind` with English text only."""
    if kind == "programme":
        record = factories.make_programme(
            "Cultural Heritage Programme",
            summary="Protects cultural goods.",
            description="Looted art.",
        )
    elif kind == "tool":
        record = factories.make_tool("Archeo", summary="Heritage platform.")
    elif kind == "partner":
        record = factories.make_partner("INTERPOL", description="Police cooperation.")
    elif kind == "risk area":
        record = factories.make_risk_area("Security", summary="Weapons and explosives.")
    else:
        record = factories.make_component(
            "Partnerships", summary="Working with others."
        )
    return record


DETAIL_KINDS = ["programme", "tool", "partner", "risk area", "component"]
TRANSLATED = {
    "programme": "programme",
    "tool": "network",
    "partner": "partner",
    "risk area": "drugs",
    "component": "component",
}


def notices(response):
    return parse_html(response.content.decode()).find_all(cls="fallback-notice")


def record_url(record, language):
    with translation.override(language):
        return record.get_absolute_url()


@pytest.mark.parametrize("language", ["fr", "es"])
@pytest.mark.parametrize("kind", DETAIL_KINDS)
def test_fallback_notice_shows_on_a_record_without_text_in_the_readers_language(
    client, catalogue, kind, language
):
    record = _english_only(kind)

    response = client.get(record_url(record, language))

    assert response.status_code == 200
    (notice,) = notices(response)
    with translation.override(language):
        assert translation.gettext(NOTICE) in notice.text()
    link = notice.find("a")
    assert link.attrs["href"] == record_url(record, "en")
    assert link.attrs["hreflang"] == "en"


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
@pytest.mark.parametrize("kind", DETAIL_KINDS)
def test_fallback_notice_is_absent_when_the_translation_exists(
    client, catalogue, kind, language
):
    response = client.get(record_url(catalogue[TRANSLATED[kind]], language))

    assert response.status_code == 200
    assert notices(response) == []


@pytest.mark.parametrize("kind", DETAIL_KINDS)
def test_fallback_notice_never_shows_in_english(client, catalogue, kind):
    record = _english_only(kind)

    response = client.get(record_url(record, "en"))

    assert response.status_code == 200
    assert notices(response) == []


def test_fallback_notice_shows_when_only_part_of_the_text_is_translated(
    client, catalogue
):
    programme = factories.make_programme(
        "Security Programme",
        summary="Weapons.",
        name_fr="Programme sécurité",
    )

    french = client.get(record_url(programme, "fr"))

    assert len(notices(french)) == 1
    assert "Programme sécurité" in french.content.decode()


def test_record_with_only_english_text_shows_its_english_text_on_spanish_pages(
    client, catalogue
):
    programme = _english_only("programme")

    detail = client.get(record_url(programme, "es")).content.decode()
    listing = client.get("/es/programmes/").content.decode()

    assert "Cultural Heritage Programme" in detail
    assert "Protects cultural goods." in detail
    assert "Looted art." in detail
    assert "Cultural Heritage Programme" in listing


def test_fallback_text_is_marked_as_english_for_screen_readers(client, catalogue):
    programme = _english_only("programme")

    response = client.get(record_url(programme, "fr"))

    heading = parse_html(response.content.decode()).find("h1")
    assert heading.text() == "Cultural Heritage Programme"
    assert (heading.attrs.get("lang"), heading.attrs.get("dir")) == ("en", "ltr"), (
        'the English name shown on a French page needs lang="en" dir="ltr" '
        '(<h1{% fallback_lang programme "name" %}>)'
    )


def test_fallback_notice_counts_keywords_shown_in_english(client, catalogue):
    programme = factories.make_programme(
        "Security Programme",
        keywords="weapons",
        **texts("name", "Security Programme", "Programme sécurité", "", "", ""),
    )

    french = client.get(record_url(programme, "fr"))

    assert len(notices(french)) == 1


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", ""), ("fr", ""), ("es", ' lang="en" dir="ltr"')],
)
def test_fallback_lang_marks_only_text_shown_in_english(catalogue, language, expected):
    programme = factories.make_programme(
        "Security Programme",
        summary="Weapons.",
        **texts("name", "Security Programme", "Programme sécurité", "", "", ""),
    )
    template = Template('{% load catalogue %}<p{% fallback_lang record "name" %}>')

    with translation.override(language):
        html = template.render(
            Context({"record": programme, "LANGUAGE_CODE": language})
        )

    assert html == f"<p{expected}>"


# Count phrases --------------------------------------------------------------------


def render_count(counter, noun, strong=False, language="en"):
    flag = " strong=True" if strong else ""
    template = Template(f'{{% load catalogue %}}{{% count_phrase n "{noun}"{flag} %}}')
    with translation.override(language):
        return template.render(Context({"n": counter}))


@pytest.mark.parametrize(
    ("counter", "noun", "strong", "expected"),
    [
        (1, "tool", False, "1 tool"),
        (3, "tool", False, "3 tools"),
        (0, "programme", False, "0 programmes"),
        (1, "partner", True, "<strong>1</strong> partner"),
        (2, "threat", True, "<strong>2</strong> threats"),
        (2, "programme involved", True, "<strong>2</strong> programmes involved"),
    ],
)
def test_count_phrase_says_the_number_with_its_noun(counter, noun, strong, expected):
    assert render_count(counter, noun, strong) == expected


def test_count_phrase_uses_the_translated_messages():
    assert render_count(3, "tool", strong=True, language="fr") == (
        "<strong>3</strong> outils"
    )
    assert render_count(1, "tool", language="fr") == "1 outil"


# The list a record belongs to -----------------------------------------------------


def test_record_list_names_the_list_page_of_each_kind_of_record():
    template = Template(
        "{% load catalogue %}{% record_list record as list %}"
        "{{ list.url }} {{ list.name }}"
    )
    records = [
        (factories.make_programme("Revenue Programme"), "/programmes/ Programmes"),
        (factories.make_tool("Archeo"), "/tools/ Tools"),
        (factories.make_partner("INTERPOL"), "/partners/ Partners"),
        (factories.make_risk_area("Security"), "/risk-areas/ Risk areas"),
        (factories.make_component("Partnerships"), "/components/ CEP components"),
    ]

    rendered = [template.render(Context({"record": record})) for record, _ in records]

    assert rendered == [expected for _, expected in records]


def test_slug_choices_pairs_each_record_slug_with_its_name():
    drugs = factories.make_risk_area("Drugs")

    assert slug_choices([drugs]) == [("drugs", "Drugs")]
