"""English text shown for want of a translation is marked lang="en" dir="ltr"
wherever it appears (cards, chips, tables, filters, compare, coverage, search),
and acronyms and source addresses keep their left-to-right order on Arabic pages.

Without the marks a screen reader reads the English with French or Arabic rules,
and on an Arabic page the full stop of an English sentence lands at its start,
brackets turn round and addresses reorder.
"""

import re

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import mark_safe

from programmes.search.results import Snippet
from tests import factories
from tests.html import parse_html
from tests.multilingual import PAGES, build_catalogue, page_url, url_in

pytestmark = pytest.mark.django_db

# Every text of the English-only records holds this word, and no other text does.
MARKER = "Zephyr"
ACRONYMS = ["ZPO", "ZAP", "CEN", "UNODC"]
# Text a page cannot mark: the <title> element takes no lang (its text is the
# window's), scripts and styles are not read.
UNMARKABLE = {"title", "script", "style", "template"}


def english_only_records(catalogue):
    """Records with English text only, linked to the translated ones both ways,
    so each page shows some of them among translated text."""
    area = factories.make_risk_area(
        "Zephyr Cultural Heritage",
        slug="heritage",
        official_label="Zephyr heritage and cultural goods",
        summary="Zephyr: looted art, antiquities and (often) fakes.",
        description="Zephyr customs protect cultural goods.",
    )
    threat = factories.make_threat(
        "Zephyr antiquities trafficking",
        slug="antiquities",
        risk_area=area,
        description="Zephyr objects dug up and sold abroad.",
    )
    drugs_threat = factories.make_threat(
        "Zephyr synthetic opioids",
        slug="opioids",
        risk_area=catalogue["drugs"],
    )
    component = factories.make_component(
        "Zephyr Partnerships",
        slug="partnerships",
        summary="Zephyr: working with others (police, ports).",
    )
    partner = factories.make_partner(
        "Zephyr Police Organization",
        slug="zpo",
        acronym="ZPO",
        description="Zephyr police cooperation, since 1923.",
        keywords="Zephyr police, Zephyr notices",
    )
    programme = factories.make_programme(
        "Zephyr Heritage Programme",
        slug="heritage-programme",
        risk_areas=[area],
        supporting=[catalogue["drugs"]],
        partners=[partner, catalogue["partner"]],
        threats=[threat, drugs_threat],
        summary="Zephyr: stops cocaine money buying looted art.",
        description="Zephyr training (2016-2020) for customs.",
        keywords="Zephyr heritage, Zephyr art",
        start_year=2016,
    )
    factories.make_merged_programme(
        "Zephyr Old Heritage Project",
        slug="old-heritage-project",
        successor=programme,
        risk_areas=[area],
        summary="Zephyr: the project before the programme.",
    )
    tool = factories.make_tool(
        "Zephyr Archeo Platform",
        slug="archeo",
        acronym="ZAP",
        kind="it-system",
        risk_areas=[area],
        supporting=[catalogue["drugs"]],
        components=[component, catalogue["component"]],
        programmes=[programme, catalogue["programme"]],
        partners=[partner, catalogue["partner"]],
        threats=[threat, drugs_threat],
        summary="Zephyr: experts identify cocaine-funded objects.",
        description="Zephyr platform, online since 2016.",
        keywords="Zephyr provenance",
        source_url="https://www.wcoomd.org/en/topics/enforcement/archeo.aspx",
        additional_sources="https://www.wcoomd.org/fr/media/newsroom/2017/archeo.aspx",
    )
    # The translated records show the English-only ones among their links.
    catalogue["programme"].partners.add(partner)
    catalogue["programme"].threats.add(drugs_threat)
    catalogue["network"].partners.add(partner)
    catalogue["network"].threats.add(drugs_threat)
    catalogue["network"].components.add(component)
    return {
        "heritage": area,
        "partnerships": component,
        "zpo": partner,
        "heritage-programme": programme,
        "archeo": tool,
    }


@pytest.fixture
def catalogue():
    catalogue = build_catalogue()
    catalogue.update(english_only_records(catalogue))
    return catalogue


# (label, URL name, slug key or None, query string): every public page type, the
# lists with filters chosen (their sidebar options and removable chips showing).
MARKED_PAGES = [
    ("home", "home", None, ""),
    ("risk area list", "risk_areas:riskarea-list", None, ""),
    ("risk area, English only", "risk_areas:riskarea-detail", "heritage", ""),
    ("risk area, translated", "risk_areas:riskarea-detail", "drugs", ""),
    ("component list", "risk_areas:cepcomponent-list", None, ""),
    ("component, English only", "risk_areas:cepcomponent-detail", "partnerships", ""),
    ("component, translated", "risk_areas:cepcomponent-detail", "component", ""),
    (
        "programme list, filtered",
        "programmes:programme-list",
        None,
        "risk_area=heritage&risk_area=drugs&partner=zpo",
    ),
    ("programme list, merged", "programmes:programme-list", None, "status=merged"),
    (
        "programme, English only",
        "programmes:programme-detail",
        "heritage-programme",
        "",
    ),
    ("programme, translated", "programmes:programme-detail", "programme", ""),
    (
        "tool list, filtered",
        "programmes:tool-list",
        None,
        "risk_area=heritage&component=partnerships&programme=heritage-programme",
    ),
    ("tool, English only", "programmes:tool-detail", "archeo", ""),
    ("tool, translated", "programmes:tool-detail", "network", ""),
    ("partner list", "programmes:partner-list", None, ""),
    ("partner, English only", "programmes:partner-detail", "zpo", ""),
    ("partner, translated", "programmes:partner-detail", "partner", ""),
    ("search", "programmes:search", None, "q=cocaine"),
    ("coverage", "programmes:coverage", None, ""),
    (
        "compare tools",
        "programmes:compare",
        None,
        "tool=archeo&tool=customs-enforcement-network",
    ),
    (
        "compare programmes",
        "programmes:compare",
        None,
        "programme=heritage-programme&programme=drugs-and-precursors-programme",
    ),
]


def text_nodes(html):
    """(text, the elements around it, outermost first) of every text a reader sees."""

    def walk(node, ancestors):
        for child in node.children:
            if isinstance(child, str):
                if child.strip():
                    yield child.strip(), ancestors
            elif child.tag not in UNMARKABLE:
                yield from walk(child, [*ancestors, child])

    yield from walk(parse_html(html), [])


def nearest(attribute, ancestors):
    """The value of `attribute` on the closest element that has it, or None."""
    for node in reversed(ancestors):
        if attribute in node.attrs:
            return node.attrs[attribute]
    return None


def describe(text, ancestors):
    """'text' in its three closest elements: "li > a.chip > span"."""
    path = " > ".join(
        ".".join([node.tag, *node.attrs.get("class", "").split()[:1]])
        for node in ancestors[-3:]
    )
    return f"{text[:60]!r} in {path}"


def get_page(client, catalogue, page, language):
    url = page_url(catalogue, page, language)
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return url, response.content.decode()


@pytest.mark.parametrize("language", ["fr", "ar"])
@pytest.mark.parametrize("page", MARKED_PAGES, ids=[page[0] for page in MARKED_PAGES])
def test_english_fallback_text_is_marked_as_english_everywhere(
    client, catalogue, page, language
):
    url, html = get_page(client, catalogue, page, language)

    shown = [(text, around) for text, around in text_nodes(html) if MARKER in text]
    unmarked = [
        describe(text, around)
        for text, around in shown
        if nearest("lang", around) != "en"
        or (language == "ar" and nearest("dir", around) != "ltr")
    ]

    assert shown, f"{url} shows no English-only text: the test would prove nothing"
    assert not unmarked, f"{url}: English text not marked lang=en dir=ltr:\n" + (
        "\n".join(unmarked)
    )


@pytest.mark.parametrize("page", MARKED_PAGES, ids=[page[0] for page in MARKED_PAGES])
def test_acronyms_and_source_addresses_read_left_to_right_on_arabic_pages(
    client, catalogue, page
):
    url, html = get_page(client, catalogue, page, "ar")
    acronyms = "|".join(ACRONYMS)
    codes = re.compile(rf"\b({acronyms})\b|wcoomd\.org|/(en|fr)/")

    reversed_codes = [
        describe(text, around)
        for text, around in text_nodes(html)
        if codes.search(text) and nearest("dir", around) != "ltr"
    ]

    assert not reversed_codes, f"{url}: codes or addresses not set ltr:\n" + (
        "\n".join(reversed_codes)
    )


def test_source_addresses_are_left_to_right_and_not_translated(client, catalogue):
    tool_page = ("tool", "programmes:tool-detail", "archeo", "")
    _url, html = get_page(client, catalogue, tool_page, "ar")

    links = parse_html(html).find("ul", cls="source-list").find_all("a")

    assert [link.attrs.get("translate") for link in links] == ["no", "no"]
    assert [
        (part.text(), part.attrs.get("dir")) for part in links[1].find_all(dir="ltr")
    ] == [
        ("wcoomd.org", "ltr"),
        ("/fr/media/newsroom/2017/archeo.aspx", "ltr"),
        # The full address, shown on paper only.
        ("https://www.wcoomd.org/fr/media/newsroom/2017/archeo.aspx", "ltr"),
    ]


# The search in Arabic words: an English word would find English text, rightly marked.
ARABIC_PAGES = [
    (label, name, key, "q=%D8%A7%D9%84%D9%83%D9%88%D9%83%D8%A7%D9%8A%D9%8A%D9%86")
    if label == "search"
    else (label, name, key, query)
    for label, name, key, query in PAGES
]


@pytest.mark.parametrize("page", ARABIC_PAGES, ids=[page[0] for page in PAGES])
def test_translated_text_on_arabic_pages_carries_no_english_marks(client, page):
    catalogue = build_catalogue()
    url = page_url(catalogue, page, "ar")

    html = client.get(url).content.decode()

    tree = parse_html(html)
    # The switcher's "English" is written in English, and says so.
    switcher = {id(node) for node in tree.find("nav", cls="lang-switcher").iter()}
    marked = [
        node.text() or node.tag
        for node in tree.find_all(lang="en")
        if id(node) not in switcher
    ]
    assert marked == [], f"{url}: Arabic text marked as English: {marked}"


# The helpers ----------------------------------------------------------------------


def render(source, language, **context):
    template = Template("{% load catalogue %}" + source)
    with translation.override(language):
        return template.render(Context(context))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Security &amp; Safety"),
        ("fr", "Sécurité"),
        ("ar", '<span lang="en" dir="ltr">Security &amp; Safety</span>'),
    ],
)
def test_lang_text_wraps_only_text_shown_in_english(language, expected):
    programme = factories.make_programme(
        "Security & Safety", name_fr="Sécurité", slug="security"
    )

    assert render('{{ p|lang_text:"name" }}', language, p=programme) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ar", '<span dir="ltr">CLiKC!</span>'), ("fr", "CLiKC!"), ("en", "CLiKC!")],
)
def test_lang_text_sets_latin_only_text_left_to_right_on_arabic_pages(
    language, expected
):
    tool = factories.make_tool("CLiKC!", name_fr="CLiKC!", name_ar="CLiKC!")

    assert render('{{ t|lang_text:"name" }}', language, t=tool) == expected


def test_latin_only_name_in_an_arabic_list_reads_left_to_right_without_english_mark(
    client, catalogue
):
    factories.make_tool("CLiKC!", slug="clikc", name_ar="CLiKC!")
    guide = catalogue["guide"]  # "دليل التقييم" in Arabic

    html = client.get(url_in("ar", "programmes:tool-list")).content.decode()

    tree = parse_html(html)
    latin = tree.find(
        "a", href=url_in("ar", "programmes:tool-detail", {"slug": "clikc"})
    )
    arabic = tree.find(
        "a", href=url_in("ar", "programmes:tool-detail", {"slug": guide.slug})
    )
    assert (latin.text(), arabic.text()) == ("CLiKC!", "دليل التقييم")
    assert (latin.attrs.get("dir"), latin.attrs.get("lang")) == ("ltr", None)
    assert (arabic.attrs.get("dir"), arabic.attrs.get("lang")) == (None, None)


def test_lang_text_of_a_missing_record_or_empty_field_is_empty():
    programme = factories.make_programme("Security Programme", summary="")

    assert render('[{{ p|lang_text:"name" }}]', "ar", p=None) == "[]"
    assert render('[{{ p|lang_text:"summary" }}]', "ar", p=programme) == "[]"


def test_short_name_is_the_acronym_left_to_right_else_the_marked_name():
    with_acronym = factories.make_programme("Global Shield", acronym="GS<1>")
    without = factories.make_programme("Security Programme")

    assert (
        render("{{ p|short_name }}", "ar", p=with_acronym)
        == '<span dir="ltr">GS&lt;1&gt;</span>'
    )
    assert (
        render("{{ p|short_name }}", "ar", p=without)
        == '<span lang="en" dir="ltr">Security Programme</span>'
    )
    assert render("{{ p|short_name }}", "en", p=without) == "Security Programme"


def test_marked_name_inside_a_translated_sentence_keeps_the_sentence_arabic(
    client, catalogue
):
    area_page = ("risk area", "risk_areas:riskarea-detail", "heritage", "")

    _url, html = get_page(client, catalogue, area_page, "ar")

    heading = parse_html(html).find("h2", id="about-title")
    assert heading.attrs.get("lang") is None
    assert heading.find("span", lang="en").text() == "Zephyr Cultural Heritage"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        # Words found in the English keywords only: quoted from the English text.
        ("<mark>cocaine</mark> powder, crack …", "ar", ' lang="en" dir="ltr"'),
        ("… <mark>cocaine</mark> powder", "fr", ' lang="en" dir="ltr"'),
        # Quoted from the reader's own text.
        ("<mark>كوكايين</mark>", "ar", ""),
        ("<mark>cocaïne</mark>", "fr", ""),
        # An English reader reads English.
        ("<mark>cocaine</mark> powder", "en", ""),
    ],
)
def test_snippet_lang_marks_a_snippet_quoting_the_english_text(
    text, language, expected
):
    programme = factories.make_programme(
        "Drugs Programme",
        keywords="cocaine powder, crack",
        keywords_fr="cocaïne",
        keywords_ar="كوكايين",
    )
    snippet = Snippet(mark_safe(text), "Keywords", programme, "keywords")

    assert render("{% snippet_lang s %}", language, s=snippet) == expected


def test_snippet_lang_follows_the_fallback_where_the_reader_has_no_text():
    programme = factories.make_programme("Drugs Programme", summary="Stops drugs.")
    shown = Snippet(mark_safe("Stops <mark>drugs</mark>."), "", programme, "summary")
    nothing = Snippet()

    assert render("{% snippet_lang s %}", "ar", s=shown) == ' lang="en" dir="ltr"'
    assert render("[{% snippet_lang s %}]", "ar", s=nothing) == "[]"
