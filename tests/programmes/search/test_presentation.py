"""A search result shows the record's summary with the words found marked, and
why it matched when the words found are not the words typed."""

import pytest
from django.utils import translation

from programmes.search import search_all
from programmes.search.presentation import highlight
from programmes.search.query import parse_query
from tests import factories

from .queries import anonymous

pytestmark = pytest.mark.django_db


def first_hit(query):
    return search_all(query, anonymous()).groups[0].hits[0]


def test_result_shows_the_records_summary_with_the_words_found_marked():
    factories.make_programme(
        "Ivory Programme",
        summary="Stops ivory trafficking at ports.",
        keywords="elephants, tusks",
    )

    hit = first_hit("ivory")

    assert hit.summary.text == "Stops <mark>ivory</mark> trafficking at ports."
    assert hit.summary.field == "summary"
    assert hit.reason is None


def test_result_found_through_a_synonym_says_which_word_matched_which():
    factories.make_programme(
        "Brand Programme", summary="Seizes counterfeit watches at the border."
    )

    hit = first_hit("fake")

    assert hit.summary.text == (
        "Seizes <mark>counterfeit</mark> watches at the border."
    )
    assert str(hit.reason.text) == "Matched “counterfeit” for your “fake”"


def test_result_found_through_another_name_in_its_keywords_names_it():
    factories.make_programme(
        "Raptor Programme",
        summary="Protects birds of prey.",
        keywords="birds, Kestrel Watch Initiative",
    )

    hit = first_hit("kestrel watch")

    assert "<mark>" not in hit.summary.text
    assert str(hit.reason.text) == (
        "Matched “Kestrel Watch Initiative” for your “kestrel watch”"
    )


def test_result_found_through_a_synonym_in_its_keywords_names_both():
    factories.make_programme(
        "Passenger and Cargo Control Programme",
        summary="Risk profiling at ports and airports.",
        keywords="CCP, Container Control Programme",
    )

    hit = first_hit("container control")

    assert str(hit.reason.text) == "Matched “CCP” for your “container control”"


def test_result_found_through_a_threat_names_the_threat():
    area = factories.make_risk_area("Environment")
    wildlife = factories.make_threat(
        "Wildlife trafficking", risk_area=area, keywords="ivory, pangolin, rhino horn"
    )
    factories.make_programme(
        "Green Programme", summary="Protects nature.", threats=[wildlife]
    )

    hit = first_hit("pangolin")

    assert hit.summary.text == "Protects nature."
    assert str(hit.reason.label) == "Covers the threat"
    # The keyword that matched, not the threat's whole list.
    assert hit.reason.text == "Wildlife trafficking (<mark>pangolin</mark>)"


def test_result_summary_is_in_the_readers_language_with_english_as_fallback():
    factories.make_programme(
        "Environment Programme",
        summary="Wildlife and timber.",
        summary_fr="Faune et bois.",
    )
    factories.make_programme("Timber Tracking Programme", summary="Logs timber.")

    with translation.override("fr"):
        results = search_all("bois timber", anonymous())
        summaries = {
            hit.object.slug: hit.summary.text for hit in results.groups[0].hits
        }

    assert summaries["environment-programme"] == "Faune et <mark>bois</mark>."
    assert summaries["timber-tracking-programme"] == "Logs <mark>timber</mark>."


def test_highlight_escapes_the_text_and_marks_only_whole_words():
    # "ivory" is not the last word, so not the start of a longer one.
    parsed = parse_query("ivory permits")

    html = highlight("<script>alert('ivory')</script> & ivory-free ivorybill", parsed)

    assert html == (
        "&lt;script&gt;alert(&#x27;<mark>ivory</mark>&#x27;)&lt;/script&gt; "
        "&amp; <mark>ivory</mark>-free ivorybill"
    )
