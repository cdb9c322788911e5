import datetime
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.utils import translation

from programmes import search
from programmes.models import Access, Programme, PublicationStatus, Tool
from programmes.search import (
    MAX_QUERY_LENGTH,
    MAX_QUERY_WORDS,
    highlight,
    highlight_pattern,
    parse_query,
    refresh_search_vectors,
    search_all,
    search_queryset,
)
from tests.factories import (
    make_partner,
    make_programme,
    make_risk_area,
    make_threat,
    make_tool,
)

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL full-text search"
)

SYNTAX_CHARACTERS = ["&", "|", "!", ":", "*", "(", ")", "<", ">", "\\", "'"]
BAD_QUERIES = [
    "",
    "   ",
    "x" * 10_000,
    "ivory " * 2_000,
    *SYNTAX_CHARACTERS,
    "".join(SYNTAX_CHARACTERS),
    "fake & (medicines | !ivory):* <-> 'x' \\",
    "\x00",
    "ivory\x00timber",
    "أدوية مزيفة",
    "контрафактные лекарства",
    "中文",
    "😀",
    "-",
    "--ivory--",
    "%_%",
    "'; DROP TABLE programmes_programme; --",
    '"ivory"',
    "C.E.N.",
    "\u202e\u200bivory",
]


def slugs(queryset):
    return [record.slug for record in queryset]


def anonymous():
    return AnonymousUser()


def found(q, model=Programme, user=None):
    return slugs(search_queryset(model.objects.visible_to(user or anonymous()), q))


# Reading the query ----------------------------------------------------------------


def test_parse_query_drops_question_words():
    parsed = parse_query("Who works on fake medicines?")

    assert parsed.typed_words == ["fake", "medicines"]
    assert {"who", "works", "on"} <= set(parsed.ignored)


def test_parse_query_drops_french_question_words():
    parsed = parse_query("Qui travaille sur la contrefaçon ?")

    assert parsed.typed_words == ["contrefaçon"]


def test_parse_query_keeps_an_acronym_that_looks_like_a_common_word():
    assert parse_query("WHO").typed_words == ["who"]
    assert parse_query("who").is_empty


def test_parse_query_reads_dotted_acronyms():
    assert parse_query("C.E.N.").typed_words == ["cen"]


@pytest.mark.parametrize("character", SYNTAX_CHARACTERS)
def test_parse_query_takes_query_syntax_characters_literally(character):
    assert parse_query(f"fake{character}medicines").typed_words == ["fake", "medicines"]
    assert parse_query(character).is_empty


def test_parse_query_caps_long_queries():
    long = parse_query("x" * 10_000)
    wordy = parse_query(" ".join(f"word{number}" for number in range(40)))

    assert len(long.text) == MAX_QUERY_LENGTH
    assert long.truncated
    assert len(wordy.groups) == MAX_QUERY_WORDS
    assert wordy.truncated


def test_parse_query_expands_staff_synonyms():
    parsed = parse_query("tax evasion")

    assert "undervaluation" in parsed.expansions


def test_parse_query_treats_a_hyphen_as_optional_in_synonyms():
    assert parse_query("dual use").expansions == parse_query("dual-use").expansions


# Ranking --------------------------------------------------------------------------


def test_search_ranks_name_above_keywords_above_summary_above_description():
    make_programme("Alpha Programme", description="Seizures of wildlife at borders.")
    make_programme("Beta Programme", summary="Work against wildlife crime.")
    make_programme("Gamma Programme", keywords="wildlife, forests")
    make_programme("Wildlife Programme")

    assert found("wildlife") == [
        "wildlife-programme",
        "gamma-programme",
        "beta-programme",
        "alpha-programme",
    ]


def test_search_requires_every_word():
    make_programme("Ivory and Timber Programme")
    make_programme("Ivory Programme")

    assert found("ivory timber") == ["ivory-and-timber-programme"]


def test_search_finds_other_forms_of_a_word():
    make_programme("Health Programme", keywords="medicine, vaccine")

    assert found("medicines") == ["health-programme"]
    assert found("vaccines") == ["health-programme"]


def test_search_matches_the_last_word_as_a_prefix():
    make_programme("Brand Protection Programme", keywords="counterfeit goods")

    assert found("counterf") == ["brand-protection-programme"]


def test_search_finds_records_in_staff_words_not_in_their_text():
    make_programme("IPR Programme", keywords="counterfeit goods")
    make_programme("Revenue Programme", keywords="undervaluation, valuation")
    make_programme("Electronic Crime", summary="Computer crime and digital evidence.")

    assert found("fake") == ["ipr-programme"]
    assert found("tax evasion") == ["revenue-programme"]
    assert found("cybercrime") == ["electronic-crime"]


def test_search_ranks_words_as_typed_above_synonyms():
    make_programme("Counterfeit Goods Programme")
    make_programme("Fake Goods Programme")

    assert found("fake") == ["fake-goods-programme", "counterfeit-goods-programme"]


def test_search_finds_records_through_the_threats_they_cover():
    environment = make_risk_area("Environment", slug="environment")
    wildlife = make_threat(
        "Wildlife trafficking", risk_area=environment, keywords="ivory, pangolin scales"
    )
    make_programme("Green Programme", threats=[wildlife])
    make_tool("Operation Thunder", threats=[wildlife])
    make_programme("Unrelated Programme")

    assert found("pangolin") == ["green-programme"]
    assert found("ivory", Tool) == ["operation-thunder"]


def test_search_leads_from_a_merged_programme_to_its_successor():
    successor = make_programme("Passenger and Cargo Control Programme", acronym="PCCP")
    make_programme(
        "Harbour Scanning Project",
        acronym="HSP",
        status="merged",
        successor=successor,
        merged_on=datetime.date(2024, 4, 1),
    )

    assert "passenger-and-cargo-control-programme" in found("Harbour Scanning Project")
    assert found("HSP") == ["harbour-scanning-project", successor.slug]


def test_search_does_not_lead_through_a_predecessor_the_reader_may_not_see(member):
    successor = make_programme("Revenue Programme")
    make_programme(
        "Secret Harbour Project",
        access=Access.RESTRICTED,
        status="merged",
        successor=successor,
        merged_on=datetime.date(2024, 4, 1),
    )

    assert found("harbour") == []
    assert found("harbour", user=member) == ["secret-harbour-project"]


def test_search_matches_the_last_acronym_as_a_prefix():
    make_tool("CEN communication platform", acronym="CENcomm")

    assert found("CENcomm", Tool) == ["cen-communication-platform"]
    assert found("CEN", Tool) == ["cen-communication-platform"]
    assert found("CEN network", Tool) == []


def test_search_finds_a_record_by_its_slug():
    make_tool("Operation Pangea", slug="op-pangea")

    assert found("op-pangea", Tool) == ["op-pangea"]


def test_search_puts_an_exact_acronym_first():
    make_tool(
        "Data exchange guide",
        description="How to send data to CEN, read CEN alerts and reuse CEN reports.",
        kind="guidance",
    )
    make_tool("CEN communication platform", acronym="CENcomm")
    make_tool("Customs Enforcement Network", acronym="CEN")

    assert found("CEN", Tool)[0] == "customs-enforcement-network"


def test_search_ranks_a_record_whose_main_risk_area_matches_higher():
    environment = make_risk_area("Environment", keywords="wildlife, ivory")
    drugs = make_risk_area("Drugs", keywords="cocaine")
    make_programme("Cargo Programme", keywords="ivory", risk_areas=[drugs])
    make_programme("Nature Programme", keywords="ivory", risk_areas=[environment])

    assert found("ivory") == ["nature-programme", "cargo-programme"]


def test_search_without_words_keeps_the_queryset():
    make_programme("Ivory Programme")
    make_programme("Timber Programme")

    results = search_queryset(Programme.objects.all(), "&&")

    assert results.count() == 2
    assert {record.rank for record in results} == {0.0}


def test_search_on_a_filtered_queryset_lists_each_record_once():
    environment = make_risk_area("Environment")
    security = make_risk_area("Security")
    make_programme("Ivory Programme", risk_areas=[environment, security])
    filtered = Programme.objects.filter(
        risk_areas__in=[environment, security]
    ).distinct()

    assert slugs(search_queryset(filtered, "ivory")) == ["ivory-programme"]


# The results page's data ----------------------------------------------------------


def test_search_all_shows_only_what_the_reader_may_see(member):
    make_programme("Ivory Public Programme")
    make_programme("Ivory Members Programme", access=Access.RESTRICTED)
    make_programme("Ivory Draft Programme", publication_status=PublicationStatus.DRAFT)
    make_tool("Ivory Members Tool", access=Access.RESTRICTED)
    make_tool("Ivory Draft Tool", publication_status=PublicationStatus.DRAFT)

    def shown(user):
        results = search_all("ivory", user)
        return sorted(hit.object.slug for group in results for hit in group.hits)

    assert shown(anonymous()) == ["ivory-public-programme"]
    assert shown(member) == [
        "ivory-members-programme",
        "ivory-members-tool",
        "ivory-public-programme",
    ]
    assert search_all("ivory", anonymous()).total == 1


def test_search_all_groups_results_by_type():
    environment = make_risk_area("Environment", keywords="ivory")
    wildlife = make_threat(
        "Wildlife trafficking", risk_area=environment, keywords="ivory"
    )
    make_partner("CITES Secretariat", keywords="ivory")
    make_programme("Environment Programme", keywords="ivory")
    make_tool("Operation Thunder", keywords="ivory")

    results = search_all("ivory", anonymous())

    assert [group.key for group in results] == [
        "programme",
        "tool",
        "riskarea",
        "threat",
        "partner",
    ]
    assert results.total == 5
    assert [str(hit.type_label) for group in results for hit in group.hits] == [
        "Programme",
        "Tool",
        "Risk area",
        "Threat",
        "Partner",
    ]
    threat_hit = next(group for group in results if group.key == "threat").hits[0]
    assert threat_hit.url == wildlife.get_absolute_url()


def test_search_all_highlights_the_matched_words():
    make_programme("Brand Programme", summary="Seizes counterfeit watches and fakes.")

    hit = search_all("fake", anonymous()).groups[0].hits[0]

    assert "<mark>counterfeit</mark>" in hit.snippet
    assert "<mark>fakes</mark>" in hit.snippet


def test_search_all_explains_a_match_through_a_threat():
    area = make_risk_area("Environment")
    wildlife = make_threat("Wildlife trafficking", risk_area=area, keywords="pangolin")
    make_programme("Green Programme", summary="Protects nature.", threats=[wildlife])

    hit = search_all("pangolin", anonymous()).groups[0].hits[0]

    assert str(hit.snippet_label) == "Covers the threat"
    assert "<mark>pangolin</mark>" in hit.snippet


def test_search_all_escapes_record_text():
    make_programme("Ivory <script>alert(1)</script> Programme", summary="<b>ivory</b>")

    hit = search_all("ivory", anonymous()).groups[0].hits[0]

    assert hit.snippet == "&lt;b&gt;<mark>ivory</mark>&lt;/b&gt;"


def test_search_page_escapes_record_text(client):
    make_programme("Ivory <script>alert(1)</script> Programme", summary="<b>ivory</b>")

    html = client.get("/search/", {"q": "ivory"}).content.decode()

    assert "<script>alert(1)" not in html
    assert "Ivory &lt;script&gt;alert(1)&lt;/script&gt; Programme" in html
    assert "&lt;b&gt;<mark>ivory</mark>&lt;/b&gt;" in html


def test_search_all_reads_the_readers_language_and_falls_back_to_english():
    make_programme(
        "Environment Programme",
        name_fr="Programme environnement",
        summary="Wildlife and timber.",
        keywords_fr="faune sauvage, bois",
    )

    with translation.override("fr"):
        by_french_word = search_all("bois", anonymous())
        hit = search_all("wildlife", anonymous()).groups[0].hits[0]
        title = hit.title

    assert [hit.object.slug for hit in by_french_word.groups[0].hits] == [
        "environment-programme"
    ]
    assert title == "Programme environnement"
    assert hit.snippet == "<mark>Wildlife</mark> and timber."


def test_search_all_falls_back_to_any_word_and_says_so():
    make_programme("Ivory Programme")
    make_programme("Timber Programme")
    make_programme("Ivory and Pangolin Programme")

    results = search_all("ivory timber pangolin", anonymous())

    assert results.relaxed
    assert [hit.object.slug for hit in results.groups[0].hits][0] == (
        "ivory-and-pangolin-programme"
    )
    assert results.total == 3


def test_search_all_says_nothing_when_every_word_is_found():
    make_programme("Ivory and Timber Programme")

    assert not search_all("ivory timber", anonymous()).relaxed


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_search_all_answers_any_query(query):
    make_programme("Ivory Programme", keywords="CEN")

    results = search_all(query, anonymous())
    listed = list(search_queryset(Programme.objects.all(), query))

    if results.query.is_empty:
        assert (results.total, len(listed)) == (0, 1)
    else:
        assert results.total == len(listed) or results.relaxed
    assert len(results.query.text) <= MAX_QUERY_LENGTH
    assert "\x00" not in results.query.text


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize(
    ("query", "bound"),
    [
        # A list per type, and the threats of the programmes and tools shown.
        ("ivory", 7),
        # No record has both words: the same again with any word.
        ("ivory zebrafish", 12),
    ],
)
def test_search_all_query_count_does_not_grow_with_the_catalogue(
    size, query, bound, django_assert_max_num_queries
):
    area = make_risk_area("Environment", keywords="ivory")
    threat = make_threat("Wildlife trafficking", risk_area=area, keywords="ivory")
    make_partner("CITES Secretariat", keywords="ivory")
    successor = make_programme("Successor Programme", keywords="ivory")
    for number in range(size):
        make_programme(
            f"Ivory Programme {number}",
            threats=[threat],
            status="merged",
            successor=successor,
            merged_on=datetime.date(2024, 4, 1),
        )
        make_tool(f"Ivory Tool {number}", threats=[threat])

    with django_assert_max_num_queries(bound):
        results = search_all(query, anonymous())
        [hit.snippet for group in results for hit in group.hits]

    assert results.groups[0].count == size + 1


def test_highlight_marks_matches_and_escapes_everything_else():
    pattern = highlight_pattern(parse_query("fake"))

    assert highlight("<b>Fake</b> & counterfeit", pattern) == (
        "&lt;b&gt;<mark>Fake</mark>&lt;/b&gt; &amp; <mark>counterfeit</mark>"
    )


def test_excerpt_centres_a_long_text_on_the_first_match():
    text = "Customs work. " * 40 + "Ivory seizures rose." + " Other news." * 40
    pattern = highlight_pattern(parse_query("ivory"))

    snippet = search.excerpt(text, pattern)

    assert snippet.startswith("… ")
    assert snippet.endswith(" …")
    assert "<mark>Ivory</mark> seizures rose." in snippet
    assert len(snippet) < 300


# The stored vector (PostgreSQL) -------------------------------------------------


@postgresql_only
def test_stored_search_vector_is_filled_on_save():
    programme = make_programme("Ivory Programme", summary="Elephant ivory.")

    programme.refresh_from_db()

    assert "'ivori'" in programme.search_vector


@postgresql_only
def test_stored_search_vector_follows_threat_links_and_edits():
    area = make_risk_area("Environment")
    threat = make_threat("Sea products", risk_area=area, keywords="abalone")
    programme = make_programme("Green Programme")
    tool = make_tool("Operation Thunder")

    programme.threats.add(threat)
    threat.tools.add(tool)
    assert found("abalone") == ["green-programme"]
    assert found("abalone", Tool) == ["operation-thunder"]

    threat.keywords = "caviar"
    threat.save()
    assert found("abalone") == []
    assert found("caviar") == ["green-programme"]

    threat.programmes.remove(programme)
    assert found("caviar") == []
    assert found("caviar", Tool) == ["operation-thunder"]


@postgresql_only
def test_stored_search_vector_of_a_successor_follows_its_predecessors():
    successor = make_programme("Passenger and Cargo Control Programme")
    predecessor = make_programme("Harbour Scanning Project")

    predecessor.status = "merged"
    predecessor.successor = successor
    predecessor.merged_on = datetime.date(2024, 4, 1)
    predecessor.save()

    assert successor.slug in found("harbour scanning")


@postgresql_only
def test_stored_search_vector_of_a_successor_forgets_a_former_predecessor():
    first = make_programme("Passenger and Cargo Control Programme")
    second = make_programme("Border Programme")
    predecessor = make_programme(
        "Harbour Scanning Project",
        status="merged",
        successor=first,
        merged_on=datetime.date(2024, 4, 1),
    )

    predecessor.successor = second
    predecessor.save()

    assert found("harbour scanning") == [predecessor.slug, second.slug]
    predecessor.delete()
    assert found("harbour scanning") == []


@postgresql_only
def test_refresh_search_vectors_recomputes_every_record():
    make_programme("Ivory Programme")
    make_tool("Ivory Tool")
    Programme.objects.update(search_vector=None)
    Tool.objects.update(search_vector=None)

    updated = refresh_search_vectors()

    assert updated == 2
    assert found("ivory") == ["ivory-programme"]
    assert found("ivory", Tool) == ["ivory-tool"]


@postgresql_only
def test_migrate_fills_missing_search_vectors():
    make_programme("Ivory Programme")
    Programme.objects.update(search_vector=None)

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert found("ivory") == ["ivory-programme"]


@postgresql_only
def test_stored_search_vectors_have_gin_indexes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)",
            [["programmes_programme_search_gin", "programmes_tool_search_gin"]],
        )
        indexes = dict(cursor.fetchall())

    assert len(indexes) == 2
    assert all(
        "USING gin (search_vector)" in definition for definition in indexes.values()
    )


@postgresql_only
def test_search_uses_each_languages_stemming():
    make_programme(
        "Health Programme",
        summary="Falsified medicines.",
        summary_fr="Médicaments falsifiés.",
    )

    assert found("medicine") == ["health-programme"]
    with translation.override("fr"):
        assert found("médicament") == ["health-programme"]


def test_refresh_search_vectors_does_nothing_without_postgresql():
    make_programme("Ivory Programme")

    if connection.vendor == "postgresql":
        assert refresh_search_vectors() == 1
    else:
        assert refresh_search_vectors() == 0
        assert Programme.objects.get().search_vector is None


# The search page ------------------------------------------------------------------

SEARCH = "/search/"


def page_slugs(response):
    return [
        hit.object.slug for group in response.context["results"] for hit in group.hits
    ]


def test_search_page_lists_results_by_type_with_links_and_a_count(client):
    area = make_risk_area("Environment", keywords="ivory")
    make_threat("Wildlife trafficking", risk_area=area, keywords="ivory")
    programme = make_programme("Environment Programme", keywords="ivory, timber")
    tool = make_tool("Operation Thunder", keywords="ivory")

    response = client.get(SEARCH, {"q": "What do we have against ivory smuggling?"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "4 results for" in html
    assert f'href="{programme.get_absolute_url()}"' in html
    assert f'href="{tool.get_absolute_url()}"' in html
    assert f'href="{area.get_absolute_url()}"' in html
    assert html.index('id="results-programme"') < html.index('id="results-tool"')
    assert "<mark>ivory</mark>" in html


def test_search_page_keeps_and_escapes_the_query(client):
    make_programme("Ivory Programme")

    response = client.get(SEARCH, {"q": "<script>alert(1)</script> ivory"})

    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt; ivory"' in html


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_search_page_answers_any_query(client, query):
    make_risk_area("Environment")
    make_programme("Ivory Programme")

    response = client.get(SEARCH, {"q": query})

    assert response.status_code == 200
    if response.context["results"].query.is_empty:
        assert "Try one of these searches" in response.content.decode()


def test_search_page_without_a_query_invites_a_search(client):
    area = make_risk_area("Environment")

    response = client.get(SEARCH)

    html = response.content.decode()
    assert response.status_code == 200
    assert "What are you looking for?" in html
    assert f'href="{area.get_absolute_url()}"' in html


def test_search_page_with_only_common_words_says_so(client):
    response = client.get(SEARCH, {"q": "who is on it?"})

    assert "Common words are left out of a search" in response.content.decode()


def test_search_page_suggests_other_searches_when_nothing_matches(client):
    area = make_risk_area("Environment")

    response = client.get(SEARCH, {"q": "zebrafish"})

    html = response.content.decode()
    assert "Nothing found for “zebrafish”" in html
    assert f'href="{area.get_absolute_url()}"' in html


def test_search_page_says_when_it_shows_records_with_some_words(client):
    make_programme("Ivory Programme")

    response = client.get(SEARCH, {"q": "ivory zebrafish"})

    assert "No record contains every word" in response.content.decode()
    assert page_slugs(response) == ["ivory-programme"]


def test_search_page_shows_restricted_records_to_members_only(client, member):
    make_programme("Ivory Members Programme", access=Access.RESTRICTED)
    make_programme("Ivory Draft Programme", publication_status=PublicationStatus.DRAFT)

    anonymous_page = client.get(SEARCH, {"q": "ivory"})
    client.force_login(member)
    member_page = client.get(SEARCH, {"q": "ivory"})

    assert page_slugs(anonymous_page) == []
    assert "Ivory Members" not in anonymous_page.content.decode()
    assert page_slugs(member_page) == ["ivory-members-programme"]
    assert "Draft" not in member_page.content.decode()


def test_search_page_speaks_the_readers_language(client):
    make_programme(
        "Environment Programme",
        name_fr="Programme environnement",
        summary_fr="Douanes vertes et environnement.",
    )

    response = client.get("/fr/search/", {"q": "environnement"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Programme environnement" in html
    assert "<mark>environnement</mark>" in html
    assert "/fr/programmes/environment-programme/" in html


def test_search_page_marks_english_fallback_text(client):
    make_programme("Ivory Programme", summary="Ivory seizures.")

    response = client.get("/fr/search/", {"q": "ivory"})

    assert 'lang="en"' in response.content.decode()


def test_search_page_downloads_its_results(client):
    make_programme("Ivory Programme")
    make_tool("Ivory Tool")

    response = client.get(SEARCH, {"q": "ivory", "format": "json"})

    assert response["Content-Type"].startswith("application/json")
    data = json.loads(b"".join(response.streaming_content))
    assert data["count"] == 2
    assert [record["slug"] for record in data["results"]] == [
        "ivory-programme",
        "ivory-tool",
    ]


@pytest.mark.parametrize("size", [3, 30])
def test_search_page_query_count_does_not_grow_with_the_catalogue(
    client, size, django_assert_max_num_queries
):
    area = make_risk_area("Environment", keywords="ivory")
    threat = make_threat("Wildlife trafficking", risk_area=area, keywords="ivory")
    for number in range(size):
        make_programme(f"Ivory Programme {number}", threats=[threat])
        make_tool(f"Ivory Tool {number}", threats=[threat])
        make_partner(f"Ivory Partner {number}")

    with django_assert_max_num_queries(10):
        response = client.get(SEARCH, {"q": "ivory"})

    assert response.status_code == 200
    assert f"{3 * size + 2} results for" in response.content.decode()
