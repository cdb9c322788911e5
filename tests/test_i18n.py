"""The portal in the WCO's five languages.

English is unprefixed, the others live under /fr/, /es/, /ru/, /ar/. Every page
carries a language switcher and hreflang alternates that keep the page and its
filters; Arabic is laid out right to left; a record without text in the reader's
language shows its English text under a notice saying so.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from tests.factories import (
    make_component,
    make_partner,
    make_programme,
    make_risk_area,
    make_threat,
    make_tool,
)

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
OTHER_LANGUAGES = [code for code in LANGUAGES if code != "en"]
NOTICE = "This content is not available in the chosen language and is shown in English."


# Reading the HTML ---------------------------------------------------------------------

VOID_TAGS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
# Attributes a reader meets as text: read aloud or shown on hover or in a field.
TEXT_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")


@dataclass
class Node:
    tag: str
    attrs: dict
    children: list = field(default_factory=list)

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag=None, cls=None, **attrs):
        return [
            node
            for node in self.iter()
            if (tag is None or node.tag == tag)
            and (cls is None or cls in node.attrs.get("class", "").split())
            and all(
                node.attrs.get(name.replace("_", "-")) == v for name, v in attrs.items()
            )
        ]

    def find(self, tag=None, cls=None, **attrs):
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None

    def text(self):
        parts = [
            child if isinstance(child, str) else child.text() for child in self.children
        ]
        return " ".join(" ".join(parts).split())


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID_TAGS:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(
            Node(tag, {name: value or "" for name, value in attrs})
        )

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(html):
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def visible_text(html, language):
    """The page's text in `language`: text nodes and text attributes.

    Scripts and styles are left out, and so is anything marked as written in
    another language (lang="en" on the switcher's "English", on fallback text).
    """
    chunks = []

    def walk(node, hidden):
        lang = node.attrs.get("lang", "").split("-")[0]
        hidden = (
            hidden
            or node.tag in ("script", "style", "template")
            or bool(lang and lang != language)
        )
        if hidden:
            return
        chunks.extend(
            node.attrs[name] for name in TEXT_ATTRIBUTES if node.attrs.get(name)
        )
        if node.tag == "meta" and node.attrs.get("name") == "description":
            chunks.append(node.attrs.get("content", ""))
        for child in node.children:
            if isinstance(child, str):
                chunks.append(child)
            else:
                walk(child, hidden)

    walk(parse_html(html), False)
    return " ".join(" ".join(chunks).split())


# A small catalogue written in all five languages --------------------------------------


def texts(field_name, en, fr, es, ru, ar):
    """{field_en: ..., field_fr: ..., ...}: one text per language."""
    values = dict(zip(LANGUAGES, (en, fr, es, ru, ar), strict=True))
    return {f"{field_name}_{code}": text for code, text in values.items()}


def build_catalogue():
    """Two risk areas, one component, one partner, one programme and three tools,
    each with its text in English, French, Spanish, Russian and Arabic.

    The Customs Enforcement Network covers drugs and revenue, Operation Cocaine drugs
    only, the Valuation Guide revenue only.
    """
    drugs = make_risk_area(
        "Drugs",
        slug="drugs",
        **texts("name", "Drugs", "Drogues", "Drogas", "Наркотики", "المخدرات"),
        **texts(
            "summary",
            "Drug trafficking and precursors.",
            "Trafic de drogues et précurseurs.",
            "Tráfico de drogas y precursores.",
            "Незаконный оборот наркотиков и прекурсоров.",
            "الاتجار بالمخدرات والسلائف.",
        ),
        **texts(
            "description",
            "Customs fights drug trafficking.",
            "La douane lutte contre le trafic de drogues.",
            "La aduana lucha contra el tráfico de drogas.",
            "Таможня борется с наркоторговлей.",
            "تكافح الجمارك الاتجار بالمخدرات.",
        ),
    )
    revenue = make_risk_area(
        "Revenue",
        slug="revenue",
        **texts("name", "Revenue", "Recettes", "Ingresos", "Доходы", "الإيرادات"),
    )
    cocaine = make_threat(
        "Cocaine trafficking",
        slug="cocaine-trafficking",
        risk_area=drugs,
        **texts(
            "name",
            "Cocaine trafficking",
            "Trafic de cocaïne",
            "Tráfico de cocaína",
            "Оборот кокаина",
            "تهريب الكوكايين",
        ),
    )
    component = make_component(
        "Tools",
        slug="tools",
        **texts("name", "Tools", "Outils", "Herramientas", "Инструменты", "الأدوات"),
        **texts(
            "summary",
            "Instruments and guidance.",
            "Instruments et orientations.",
            "Instrumentos y orientaciones.",
            "Инструменты и руководства.",
            "الصكوك والإرشادات.",
        ),
    )
    partner = make_partner(
        "United Nations Office on Drugs and Crime",
        slug="unodc",
        acronym="UNODC",
        **texts(
            "name",
            "United Nations Office on Drugs and Crime",
            "Office des Nations Unies contre la drogue et le crime",
            "Oficina de las Naciones Unidas contra la Droga y el Delito",
            "Управление ООН по наркотикам и преступности",
            "مكتب الأمم المتحدة المعني بالمخدرات والجريمة",
        ),
        **texts(
            "description",
            "The UN agency for drugs and crime.",
            "L'agence de l'ONU pour la drogue et le crime.",
            "El organismo de la ONU para la droga y el delito.",
            "Агентство ООН по наркотикам и преступности.",
            "وكالة الأمم المتحدة المعنية بالمخدرات والجريمة.",
        ),
    )
    programme = make_programme(
        "Drugs and Precursors Programme",
        slug="drugs-and-precursors-programme",
        risk_areas=[drugs],
        supporting=[revenue],
        partners=[partner],
        threats=[cocaine],
        **texts(
            "name",
            "Drugs and Precursors Programme",
            "Programme drogues et précurseurs",
            "Programa de drogas y precursores",
            "Программа по наркотикам и прекурсорам",
            "برنامج المخدرات والسلائف",
        ),
        **texts(
            "summary",
            "Helps customs stop drugs.",
            "Aide la douane à arrêter les drogues.",
            "Ayuda a la aduana a detener las drogas.",
            "Помогает таможне пресекать наркотики.",
            "يساعد الجمارك على وقف المخدرات.",
        ),
        **texts(
            "description",
            "Training and operations against drug trafficking.",
            "Formations et opérations contre le trafic de drogues.",
            "Formación y operaciones contra el tráfico de drogas.",
            "Обучение и операции против наркоторговли.",
            "التدريب والعمليات ضد الاتجار بالمخدرات.",
        ),
        **texts("keywords", "cocaine", "cocaïne", "cocaína", "кокаин", "الكوكايين"),
    )
    network = make_tool(
        "Customs Enforcement Network",
        slug="customs-enforcement-network",
        acronym="CEN",
        kind="it-system",
        risk_areas=[drugs, revenue],
        components=[component],
        programmes=[programme],
        partners=[partner],
        threats=[cocaine],
        **texts(
            "name",
            "Customs Enforcement Network",
            "Réseau douanier de lutte contre la fraude",
            "Red Aduanera de Lucha contra el Fraude",
            "Таможенная сеть по борьбе с правонарушениями",
            "الشبكة الجمركية لمكافحة الغش",
        ),
        **texts(
            "summary",
            "Seizure database shared by customs.",
            "Base de données des saisies partagée par les douanes.",
            "Base de datos de incautaciones compartida por las aduanas.",
            "База данных об изъятиях, общая для таможен.",
            "قاعدة بيانات المضبوطات المشتركة بين الجمارك.",
        ),
    )
    operation = make_tool(
        "Operation Cocaine",
        slug="operation-cocaine",
        kind="operation",
        risk_areas=[drugs],
        components=[component],
        programmes=[programme],
        **texts(
            "name",
            "Operation Cocaine",
            "Opération Cocaïne",
            "Operación Cocaína",
            "Операция Кокаин",
            "عملية الكوكايين",
        ),
    )
    guide = make_tool(
        "Valuation Guide",
        slug="valuation-guide",
        kind="guidance",
        risk_areas=[revenue],
        components=[component],
        **texts(
            "name",
            "Valuation Guide",
            "Guide de l'évaluation",
            "Guía de valoración",
            "Руководство по оценке",
            "دليل التقييم",
        ),
    )
    return {
        "drugs": drugs,
        "revenue": revenue,
        "component": component,
        "partner": partner,
        "programme": programme,
        "network": network,
        "operation": operation,
        "guide": guide,
    }


# (label, URL name, slug key in the catalogue or None, query string)
PAGES = [
    ("home", "home", None, ""),
    ("risk area list", "risk_areas:riskarea-list", None, ""),
    ("risk area detail", "risk_areas:riskarea-detail", "drugs", ""),
    ("component list", "risk_areas:cepcomponent-list", None, ""),
    ("component detail", "risk_areas:cepcomponent-detail", "component", ""),
    ("programme list", "programmes:programme-list", None, ""),
    ("programme list, filtered", "programmes:programme-list", None, "risk_area=drugs"),
    ("programme detail", "programmes:programme-detail", "programme", ""),
    ("tool list", "programmes:tool-list", None, ""),
    (
        "tool list, filtered",
        "programmes:tool-list",
        None,
        "risk_area=drugs&kind=operation",
    ),
    ("tool detail", "programmes:tool-detail", "network", ""),
    ("partner list", "programmes:partner-list", None, ""),
    ("partner detail", "programmes:partner-detail", "partner", ""),
    ("search", "programmes:search", None, "q=cocaine"),
    ("coverage", "programmes:coverage", None, ""),
    (
        "compare",
        "programmes:compare",
        None,
        "tool=customs-enforcement-network&tool=operation-cocaine",
    ),
    ("sign-in", "login", None, ""),
]
PAGE_IDS = [page[0] for page in PAGES]


def url_in(language, url_name, kwargs=None, query=""):
    """The URL of `url_name` in `language`, or None when no such URL exists yet."""
    try:
        with translation.override(language):
            url = reverse(url_name, kwargs=kwargs)
    except NoReverseMatch:
        return None
    return f"{url}?{query}" if query else url


def page_url(catalogue, page, language):
    _label, url_name, key, query = page
    kwargs = {"slug": catalogue[key].slug} if key else None
    return url_in(language, url_name, kwargs, query)


def page_urls(catalogue, language):
    """[(label, URL)] of every page type that exists, in `language`."""
    return [
        (page[0], url)
        for page in PAGES
        if (url := page_url(catalogue, page, language)) is not None
    ]


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


# The fallback notice ------------------------------------------------------------------


def _english_only(kind):
    """A record of `kind` with English text only."""
    if kind == "programme":
        record = make_programme(
            "Cultural Heritage Programme",
            summary="Protects cultural goods.",
            description="Looted art.",
        )
    elif kind == "tool":
        record = make_tool("Archeo", summary="Heritage platform.")
    elif kind == "partner":
        record = make_partner("INTERPOL", description="Police cooperation.")
    elif kind == "risk area":
        record = make_risk_area("Security", summary="Weapons and explosives.")
    else:
        record = make_component("Partnerships", summary="Working with others.")
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
    programme = make_programme(
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
    programme = make_programme(
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
    programme = make_programme(
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


# Filters, search and exports in every language ----------------------------------------


def _slugs(response):
    return sorted(record.slug for record in response.context["object_list"])


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_tool_filters_give_the_same_tools_in_every_language(
    client, catalogue, language
):
    query = {"risk_area": "drugs"}

    english = client.get("/tools/", query)
    translated = client.get(f"/{language}/tools/", query)

    assert _slugs(translated) == _slugs(english)
    assert _slugs(translated) == ["customs-enforcement-network", "operation-cocaine"]


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_programme_filters_give_the_same_programmes_in_every_language(
    client, catalogue, language
):
    query = {"risk_area": "drugs", "partner": "unodc"}

    english = client.get("/programmes/", query)
    translated = client.get(f"/{language}/programmes/", query)

    assert _slugs(translated) == _slugs(english) == ["drugs-and-precursors-programme"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_filter_options_and_chips_show_risk_area_names_in_the_readers_language(
    client, catalogue, language
):
    response = client.get(
        url_in(language, "programmes:tool-list"), {"risk_area": "drugs"}
    )

    drugs = getattr(catalogue["drugs"], f"name_{language}")
    revenue = getattr(catalogue["revenue"], f"name_{language}")
    facets = {facet.name: facet for facet in response.context["facets"]}
    labels = {option["value"]: option["label"] for option in facets["risk_area"]}
    assert labels == {"drugs": drugs, "revenue": revenue}
    assert [chip["label"] for chip in response.context["chips"]] == [drugs]
    text = visible_text(response.content.decode(), language)
    assert drugs in text
    assert revenue in text


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
@pytest.mark.parametrize("sort", ["", "wco", "name", "-name", "recent"])
def test_programme_list_sorts_in_every_language(client, catalogue, language, sort):
    make_programme("Zeta Programme", name_fr="Alpha programme")

    response = client.get(f"/{language}/programmes/", {"sort": sort} if sort else {})

    assert response.status_code == 200
    assert len(response.context["object_list"]) == 2


def test_tool_list_sorts_by_the_name_in_the_readers_language(client, catalogue):
    response = client.get("/fr/tools/", {"sort": "name"})

    assert [tool.name for tool in response.context["object_list"]] == [
        "Guide de l'évaluation",
        "Opération Cocaïne",
        "Réseau douanier de lutte contre la fraude",
    ]


@pytest.mark.parametrize(
    ("language", "word"),
    [
        ("fr", "douanier"),
        ("es", "Aduanera"),
        ("ru", "Таможенная"),
        ("ar", "الجمركية"),
        ("fr", "Enforcement"),
        ("ar", "Enforcement"),
    ],
)
def test_tool_search_matches_the_readers_language_and_english(
    client, catalogue, language, word
):
    response = client.get(f"/{language}/tools/", {"q": word})

    assert _slugs(response) == ["customs-enforcement-network"]


def test_tool_search_ignores_text_of_a_third_language(client, catalogue):
    response = client.get("/fr/tools/", {"q": "Aduanera"})

    assert _slugs(response) == []


def test_tool_search_finds_an_english_only_record_on_french_pages(client, catalogue):
    make_tool("Archeo", summary="Heritage platform.")

    response = client.get("/fr/tools/", {"q": "heritage"})

    assert _slugs(response) == ["archeo"]


@pytest.mark.parametrize(("language", "word"), [("fr", "cocaïne"), ("ru", "кокаин")])
def test_search_page_matches_the_readers_language(client, catalogue, language, word):
    url = url_in(language, "programmes:search")
    if url is None:
        pytest.skip("URL name 'programmes:search' does not exist yet")

    response = client.get(url, {"q": word})

    assert response.status_code == 200
    assert getattr(catalogue["programme"], f"name_{language}") in (
        response.content.decode()
    )


@pytest.mark.parametrize("language", ["fr", "es"])
def test_export_filters_match_the_readers_language(client, catalogue, language):
    word = {"fr": "douanier", "es": "Aduanera"}[language]

    response = client.get(f"/{language}/tools/", {"q": word, "format": "csv"})

    if not response.get("Content-Disposition", "").startswith("attachment"):
        pytest.skip("the tool list does not offer ?format=csv downloads yet")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert "customs-enforcement-network" in body
    assert "operation-cocaine" not in body


# Style sheets that mirror -------------------------------------------------------------


def test_style_sheets_use_logical_directions_only():
    """Physical left/right would not mirror on Arabic pages; start/end do."""
    physical = re.compile(
        r"(?:margin|padding|border|inset)-(?:left|right)\b"
        r"|(?<![-\w])(?:left|right)\s*:"
        r"|(?:text-align|float|clear)\s*:\s*(?:left|right)\b"
    )
    problems = []
    for path in sorted((settings.BASE_DIR / "static" / "css").glob("*.css")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if physical.search(line.split("/*")[0]):
                problems.append(f"{path.name}:{number}: {line.strip()}")

    assert not problems, "\n".join(problems)
