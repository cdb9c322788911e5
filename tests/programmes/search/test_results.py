import pytest
from django.utils import translation

from programmes.models import Access, Programme, PublicationStatus
from programmes.search import (
    KINDS,
    MAX_QUERY_LENGTH,
    RESULTS_PER_TYPE,
    kind_for,
    search_all,
    search_queryset,
    search_querysets,
)
from programmes.search.results import MARKS, excerpt, marked
from tests import factories

from .queries import BAD_QUERIES, anonymous, slugs

pytestmark = pytest.mark.django_db


def test_search_all_shows_only_what_the_reader_may_see(member):
    factories.make_programme("Ivory Public Programme")
    factories.make_programme("Ivory Members Programme", access=Access.RESTRICTED)
    factories.make_programme(
        "Ivory Draft Programme", publication_status=PublicationStatus.DRAFT
    )
    factories.make_tool("Ivory Members Tool", access=Access.RESTRICTED)
    factories.make_tool("Ivory Draft Tool", publication_status=PublicationStatus.DRAFT)

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
    environment = factories.make_risk_area("Environment", keywords="ivory")
    wildlife = factories.make_threat(
        "Wildlife trafficking", risk_area=environment, keywords="ivory"
    )
    factories.make_partner("CITES Secretariat", keywords="ivory")
    factories.make_programme("Environment Programme", keywords="ivory")
    factories.make_tool("Operation Thunder", keywords="ivory")

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
    factories.make_programme(
        "Brand Programme", summary="Seizes counterfeit watches and fakes."
    )

    hit = search_all("fake", anonymous()).groups[0].hits[0]

    assert "<mark>counterfeit</mark>" in hit.snippet
    assert "<mark>fakes</mark>" in hit.snippet


def test_search_all_explains_a_match_through_a_threat():
    area = factories.make_risk_area("Environment")
    wildlife = factories.make_threat(
        "Wildlife trafficking", risk_area=area, keywords="pangolin"
    )
    factories.make_programme(
        "Green Programme", summary="Protects nature.", threats=[wildlife]
    )

    hit = search_all("pangolin", anonymous()).groups[0].hits[0]

    assert str(hit.snippet_label) == "Covers the threat"
    assert "<mark>pangolin</mark>" in hit.snippet


def test_search_all_escapes_record_text():
    factories.make_programme(
        "Ivory <script>alert(1)</script> Programme", summary="<b>ivory</b>"
    )

    hit = search_all("ivory", anonymous()).groups[0].hits[0]

    # SQLite's snippet keeps the tags (escaped), PostgreSQL's headline drops them.
    assert hit.snippet in (
        "&lt;b&gt;<mark>ivory</mark>&lt;/b&gt;",
        "<mark>ivory</mark>",
    )


def test_search_all_reads_the_readers_language_and_falls_back_to_english():
    factories.make_programme(
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


def test_search_all_ranks_records_with_most_words_first_and_says_so():
    factories.make_programme("Ivory Programme")
    factories.make_programme("Timber Programme")
    factories.make_programme("Ivory and Pangolin Programme")

    results = search_all("ivory timber pangolin", anonymous())

    assert not results.relaxed
    assert results.partial
    found = [hit.object.slug for hit in results.groups[0].hits]
    assert found[0] == "ivory-and-pangolin-programme"
    assert sorted(found[1:]) == ["ivory-programme", "timber-programme"]


def test_search_all_falls_back_to_common_words_when_nothing_else_matches():
    factories.make_programme("Ivory Programme", summary="Ivory seizures.")
    factories.make_programme("Border Programme", summary="Smuggling at borders.")

    results = search_all("zebrafish smuggling", anonymous())

    assert results.relaxed
    assert [hit.object.slug for hit in results.groups[0].hits] == ["border-programme"]


def test_search_all_finds_records_with_one_of_two_words():
    factories.make_programme("Timber Programme", summary="Illegal logging.")

    results = search_all("timber exports", anonymous())

    assert [hit.object.slug for hit in results.groups[0].hits] == ["timber-programme"]
    assert results.partial


def test_search_all_says_nothing_when_every_word_is_found():
    factories.make_programme("Ivory and Timber Programme")

    results = search_all("ivory timber", anonymous())

    assert not results.relaxed
    assert not results.partial


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_search_all_answers_any_query(query):
    factories.make_programme("Ivory Programme", keywords="CEN")

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
        # The ranking (one statement for every type, on SQLite), a list per
        # type, the threats programmes and tools cover, and every snippet in one.
        ("ivory", 9),
        # A word no record has: the index's vocabulary for a close spelling.
        ("ivory zebrafish", 17),
    ],
)
def test_search_all_query_count_does_not_grow_with_the_catalogue(
    size, query, bound, django_assert_max_num_queries
):
    area = factories.make_risk_area("Environment", keywords="ivory")
    threat = factories.make_threat(
        "Wildlife trafficking", risk_area=area, keywords="ivory"
    )
    factories.make_partner("CITES Secretariat", keywords="ivory")
    successor = factories.make_programme("Successor Programme", keywords="ivory")
    for number in range(size):
        factories.make_merged_programme(
            f"Ivory Programme {number}",
            threats=[threat],
            successor=successor,
        )
        factories.make_tool(f"Ivory Tool {number}", threats=[threat])

    with django_assert_max_num_queries(bound):
        results = search_all(query, anonymous())
        [hit.snippet for group in results for hit in group.hits]

    assert results.groups[0].count == size + 1


def test_marked_escapes_everything_but_the_marks():
    start, end = MARKS

    assert marked(f"<b>{start}Fake{end}</b> &  {start}counterfeit{end}") == (
        "&lt;b&gt;<mark>Fake</mark>&lt;/b&gt; &amp; <mark>counterfeit</mark>"
    )


def test_excerpt_cuts_a_long_text_at_a_space():
    text = "Customs work. " * 40

    snippet = excerpt(text)

    assert snippet.endswith("Customs …")
    assert len(snippet) < 240


def test_search_all_shows_the_text_around_a_match_deep_in_a_long_description():
    description = "Customs work. " * 40 + "Ivory seizures rose." + " Other news." * 40
    factories.make_programme("Nature Programme", description=description)

    hit = search_all("ivory", anonymous()).groups[0].hits[0]

    assert "<mark>Ivory</mark> seizures rose." in hit.snippet
    assert hit.snippet.startswith("…")
    assert len(hit.snippet) < 400


def test_search_querysets_list_every_match_of_each_kind_best_first():
    environment = factories.make_risk_area("Environment", keywords="ivory")
    factories.make_threat(
        "Wildlife trafficking", risk_area=environment, keywords="ivory"
    )
    factories.make_programme("Ivory Programme")
    for number in range(RESULTS_PER_TYPE):
        factories.make_programme(f"Nature Programme {number}", summary="Seizes ivory.")
    factories.make_tool("Operation Thunder", keywords="ivory")

    querysets = search_querysets("ivory", anonymous())

    assert [kind_for(queryset.model).key for queryset in querysets] == [
        kind.key for kind in KINDS
    ]
    programmes, tools, risk_areas, threats, partners = map(slugs, querysets)
    assert len(programmes) == RESULTS_PER_TYPE + 1
    assert programmes[0] == "ivory-programme"
    assert (tools, risk_areas, threats, partners) == (
        ["operation-thunder"],
        ["environment"],
        ["wildlife-trafficking"],
        [],
    )


def test_search_querysets_rank_as_the_search_page():
    factories.make_programme("Wildlife Programme")
    factories.make_programme("Gamma Programme", keywords="wildlife, forests")
    factories.make_programme("Beta Programme", summary="Work against wildlife crime.")
    factories.make_tool("Wildlife Guide", acronym="WG")
    factories.make_tool("Forest Guide", summary="Timber and wildlife.")

    results = search_all("wildlife", anonymous())
    querysets = search_querysets("wildlife", anonymous())

    assert [[hit.object.slug for hit in group.hits] for group in results.groups] == [
        slugs(queryset) for queryset in querysets
    ]


def test_search_querysets_show_only_what_the_reader_may_see(member):
    factories.make_programme("Ivory Public Programme")
    factories.make_programme("Ivory Members Programme", access=Access.RESTRICTED)
    factories.make_programme(
        "Ivory Draft Programme", publication_status=PublicationStatus.DRAFT
    )

    def shown(user):
        return slugs(search_querysets("ivory", user)[0])

    assert shown(anonymous()) == ["ivory-public-programme"]
    assert sorted(shown(member)) == [
        "ivory-members-programme",
        "ivory-public-programme",
    ]


def test_search_querysets_relaxed_find_records_with_any_word():
    factories.make_programme("Ivory Programme")
    factories.make_programme("Timber Programme")

    factories.make_programme("Border Programme", summary="Smuggling at borders.")

    strict = search_querysets("zebrafish smuggling", anonymous())
    relaxed = search_querysets("zebrafish smuggling", anonymous(), relaxed=True)

    assert slugs(strict[0]) == []
    assert slugs(relaxed[0]) == ["border-programme"]


def test_search_querysets_of_a_query_without_words_find_nothing():
    factories.make_programme("Ivory Programme")

    querysets = search_querysets("&& who?", anonymous())

    assert [slugs(queryset) for queryset in querysets] == [[]] * len(KINDS)


def test_a_relaxed_search_lists_each_type_again_but_ranks_and_snips_once(
    django_assert_max_num_queries,
):
    # A word only a draft holds is searched as typed, and finds nothing a reader
    # may see: the search relaxes to the common word.
    factories.make_programme(
        "Zebrafish Programme", publication_status=PublicationStatus.DRAFT
    )
    factories.make_programme("Border Programme", summary="Smuggling at borders.")

    # Whether the words are in the catalogue; the ranking (one statement for
    # every type, on SQLite), not again; a list per type, twice; the threats the
    # programme covers; every snippet in one.
    with django_assert_max_num_queries(14):
        results = search_all("zebrafish smuggling", anonymous())

    assert results.relaxed
    assert [hit.object.slug for hit in results.groups[0].hits] == ["border-programme"]
    assert "<mark>Smuggling</mark>" in results.groups[0].hits[0].snippet
