"""The language switcher, the hreflang alternates and the language prefixes.

English is unprefixed, the others live under /fr/, /es/, /ru/, /ar/. Every page
carries a language switcher and hreflang alternates that keep the page and its
filters; Arabic is laid out right to left.
"""

from urllib.parse import urlsplit

import pytest
from django.utils import translation

from tests.html import parse_html
from tests.multilingual import (
    LANGUAGES,
    OTHER_LANGUAGES,
    PAGE_IDS,
    PAGES,
    build_catalogue,
    page_url,
)

pytestmark = pytest.mark.django_db


def get_page(client, catalogue, page, language):
    url = page_url(catalogue, page, language)
    if url is None:
        pytest.skip(f"URL name {page[1]!r} does not exist yet")
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return url, response


def switcher_links(document):
    nav = document.find("nav", cls="lang-switcher")
    assert nav is not None, "the page has no language switcher"
    return {link.attrs["hreflang"]: link for link in nav.find_all("a")}


def alternates(document):
    return {
        link.attrs["hreflang"]: link.attrs["href"]
        for link in document.find_all("link", rel="alternate")
        if "hreflang" in link.attrs
    }


@pytest.fixture
def catalogue():
    return build_catalogue()


# Every page in every language ---------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_every_page_renders_in_every_language_with_its_lang_and_direction(
    client, catalogue, page, language
):
    url, response = get_page(client, catalogue, page, language)

    document = parse_html(response.content.decode())
    html = document.find("html")
    assert html.attrs["lang"] == language
    assert html.attrs["dir"] == ("rtl" if language == "ar" else "ltr")
    prefix = "" if language == "en" else f"/{language}"
    assert urlsplit(url).path.startswith(f"{prefix}/")
    links = switcher_links(document)
    assert list(links) == LANGUAGES
    assert [code for code, a in links.items() if a.attrs.get("aria-current")] == [
        language
    ]
    assert set(alternates(document)) == {*LANGUAGES, "x-default"}


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/risk-areas/",
        "/risk-areas/drugs/",
        "/components/",
        "/components/tools/",
        "/programmes/",
        "/programmes/drugs-and-precursors-programme/",
        "/tools/",
        "/tools/?risk_area=drugs&kind=operation",
        "/tools/customs-enforcement-network/",
        "/partners/",
        "/partners/unodc/",
        "/accounts/login/",
    ],
)
def test_english_urls_stay_unprefixed(client, catalogue, path):
    response = client.get(path)

    assert response.status_code == 200
    assert parse_html(response.content.decode()).find("html").attrs["lang"] == "en"


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_language_prefix_serves_the_page_in_that_language(client, catalogue, language):
    response = client.get(f"/{language}/tools/customs-enforcement-network/")

    assert response.status_code == 200
    html = response.content.decode()
    assert parse_html(html).find("html").attrs["lang"] == language
    assert getattr(catalogue["network"], f"name_{language}") in html


def test_unknown_language_prefix_is_not_found(client, catalogue):
    assert client.get("/de/tools/").status_code == 404


def test_arabic_pages_are_laid_out_right_to_left(client, catalogue):
    response = client.get("/ar/programmes/")

    html = parse_html(response.content.decode()).find("html")
    assert (html.attrs["lang"], html.attrs["dir"]) == ("ar", "rtl")


# The language switcher ----------------------------------------------------------------


def test_switcher_links_keep_the_page_and_its_query_string(client, catalogue):
    response = client.get("/tools/", {"risk_area": "drugs", "kind": "operation"})

    links = switcher_links(parse_html(response.content.decode()))
    assert {code: a.attrs["href"] for code, a in links.items()} == {
        "en": "/tools/?risk_area=drugs&kind=operation",
        "fr": "/fr/tools/?risk_area=drugs&kind=operation",
        "es": "/es/tools/?risk_area=drugs&kind=operation",
        "ru": "/ru/tools/?risk_area=drugs&kind=operation",
        "ar": "/ar/tools/?risk_area=drugs&kind=operation",
    }


def test_switcher_on_a_translated_page_leads_back_to_the_unprefixed_english_page(
    client, catalogue
):
    response = client.get("/fr/programmes/drugs-and-precursors-programme/?x=1")

    links = switcher_links(parse_html(response.content.decode()))
    assert (
        links["en"].attrs["href"] == "/programmes/drugs-and-precursors-programme/?x=1"
    )
    assert links["ar"].attrs["href"] == (
        "/ar/programmes/drugs-and-precursors-programme/?x=1"
    )


def test_switcher_names_each_language_in_its_own_language(client, catalogue):
    response = client.get("/ru/")

    links = switcher_links(parse_html(response.content.decode()))
    assert {code: a.text() for code, a in links.items()} == {
        "en": "English",
        "fr": "Français",
        "es": "Español",
        "ru": "Русский",
        "ar": "العربيّة",
    }
    assert {code: a.attrs["lang"] for code, a in links.items()} == {
        code: code for code in LANGUAGES
    }
    assert links["ru"].attrs["aria-current"] == "true"


def test_switcher_is_a_labelled_navigation_landmark(client, catalogue):
    response = client.get("/es/tools/")

    nav = parse_html(response.content.decode()).find("nav", cls="lang-switcher")
    with translation.override("es"):
        assert nav.attrs["aria-label"] == translation.gettext("Language")


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_following_the_switcher_keeps_the_filters(client, catalogue, language):
    english = client.get("/tools/", {"risk_area": "drugs", "kind": "operation"})
    href = switcher_links(parse_html(english.content.decode()))[language].attrs["href"]

    translated = client.get(href)

    assert translated.status_code == 200
    assert [tool.slug for tool in translated.context["object_list"]] == [
        tool.slug for tool in english.context["object_list"]
    ]
    assert [tool.slug for tool in translated.context["object_list"]] == [
        "operation-cocaine"
    ]


def test_switcher_on_the_sign_in_page_keeps_the_next_page_in_the_new_language(
    client, catalogue
):
    response = client.get("/fr/accounts/login/", {"next": "/fr/tools/?kind=operation"})

    links = switcher_links(parse_html(response.content.decode()))
    assert links["es"].attrs["href"] == (
        "/es/accounts/login/?next=/es/tools/%3Fkind%3Doperation"
    )
    assert links["en"].attrs["href"] == (
        "/accounts/login/?next=/tools/%3Fkind%3Doperation"
    )


def test_switcher_on_a_missing_page_swaps_the_language_prefix(client, catalogue):
    response = client.get("/fr/no-such-page/")

    assert response.status_code == 404
    links = switcher_links(parse_html(response.content.decode()))
    assert links["en"].attrs["href"] == "/no-such-page/"
    assert links["ar"].attrs["href"] == "/ar/no-such-page/"


# hreflang alternates ------------------------------------------------------------------


def test_hreflang_alternates_name_every_language_and_english_as_default(
    client, catalogue
):
    response = client.get("/es/tools/", {"risk_area": "drugs", "kind": "operation"})

    query = "?risk_area=drugs&kind=operation"
    assert alternates(parse_html(response.content.decode())) == {
        "en": f"http://testserver/tools/{query}",
        "fr": f"http://testserver/fr/tools/{query}",
        "es": f"http://testserver/es/tools/{query}",
        "ru": f"http://testserver/ru/tools/{query}",
        "ar": f"http://testserver/ar/tools/{query}",
        "x-default": f"http://testserver/tools/{query}",
    }


def test_hreflang_alternates_sit_in_the_head(client, catalogue):
    response = client.get("/risk-areas/drugs/")

    head = parse_html(response.content.decode()).find("head")
    alternates = [
        link
        for link in head.find_all("link", rel="alternate")
        if "hreflang" in link.attrs
    ]
    assert len(alternates) == len(LANGUAGES) + 1  # and x-default
