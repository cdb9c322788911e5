import pytest

from programmes.models import Access, Programme, Tool
from programmes.search import search_queryset
from tests import factories

from .queries import found, slugs

pytestmark = pytest.mark.django_db


def test_search_ranks_name_above_keywords_above_summary_above_description():
    factories.make_programme(
        "Alpha Programme", description="Seizures of wildlife at borders."
    )
    factories.make_programme("Beta Programme", summary="Work against wildlife crime.")
    factories.make_programme("Gamma Programme", keywords="wildlife, forests")
    factories.make_programme("Wildlife Programme")

    assert found("wildlife") == [
        "wildlife-programme",
        "gamma-programme",
        "beta-programme",
        "alpha-programme",
    ]


def test_search_ranks_records_with_every_word_first():
    factories.make_programme("Ivory Programme")
    factories.make_programme("Ivory and Timber Programme")
    factories.make_programme("Unrelated Programme")

    assert found("ivory timber") == ["ivory-and-timber-programme", "ivory-programme"]


def test_search_needs_most_words_of_a_long_query():
    factories.make_programme("Ivory Programme")
    factories.make_programme("Ivory and Timber Programme")

    assert found("ivory timber pangolin") == ["ivory-and-timber-programme"]


def test_search_finds_other_forms_of_a_word():
    factories.make_programme("Health Programme", keywords="medicine, vaccine")

    assert found("medicines") == ["health-programme"]
    assert found("vaccines") == ["health-programme"]


def test_search_matches_the_last_word_as_a_prefix():
    factories.make_programme("Brand Protection Programme", keywords="counterfeit goods")

    assert found("counterf") == ["brand-protection-programme"]


def test_search_finds_records_in_staff_words_not_in_their_text():
    factories.make_programme("IPR Programme", keywords="counterfeit goods")
    factories.make_programme("Revenue Programme", keywords="undervaluation, valuation")
    factories.make_programme(
        "Electronic Crime", summary="Computer crime and digital evidence."
    )

    assert found("fake") == ["ipr-programme"]
    assert found("tax evasion") == ["revenue-programme"]
    assert found("cybercrime") == ["electronic-crime"]


def test_search_ranks_words_as_typed_above_synonyms():
    factories.make_programme("Counterfeit Goods Programme")
    factories.make_programme("Fake Goods Programme")

    assert found("fake") == ["fake-goods-programme", "counterfeit-goods-programme"]


def test_search_finds_records_through_the_threats_they_cover():
    environment = factories.make_risk_area("Environment", slug="environment")
    wildlife = factories.make_threat(
        "Wildlife trafficking", risk_area=environment, keywords="ivory, pangolin scales"
    )
    factories.make_programme("Green Programme", threats=[wildlife])
    factories.make_tool("Operation Thunder", threats=[wildlife])
    factories.make_programme("Unrelated Programme")

    assert found("pangolin") == ["green-programme"]
    assert found("ivory", Tool) == ["operation-thunder"]


def test_search_leads_from_a_merged_programme_to_its_successor():
    successor = factories.make_programme(
        "Passenger and Cargo Control Programme", acronym="PCCP"
    )
    factories.make_merged_programme(
        "Harbour Scanning Project",
        acronym="HSP",
        successor=successor,
    )

    assert "passenger-and-cargo-control-programme" in found("Harbour Scanning Project")
    assert found("HSP") == ["harbour-scanning-project", successor.slug]


def test_search_does_not_lead_through_a_predecessor_the_reader_may_not_see(member):
    successor = factories.make_programme("Revenue Programme")
    factories.make_merged_programme(
        "Secret Harbour Project",
        access=Access.RESTRICTED,
        successor=successor,
    )

    assert found("harbour") == []
    assert found("harbour", user=member) == ["secret-harbour-project"]


def test_search_matches_the_last_acronym_as_a_prefix():
    factories.make_tool("Enforcement communication platform", acronym="CENcomm")

    assert found("CENcomm", Tool) == ["enforcement-communication-platform"]
    assert found("CEN", Tool) == ["enforcement-communication-platform"]
    assert found("CEN network", Tool) == []


def test_search_finds_a_record_by_its_slug():
    factories.make_tool("Operation Pangea", slug="op-pangea")

    assert found("op-pangea", Tool) == ["op-pangea"]


def test_search_puts_an_exact_acronym_first():
    factories.make_tool(
        "Data exchange guide",
        description="How to send data to CEN, read CEN alerts and reuse CEN reports.",
        kind="guidance",
    )
    factories.make_tool("Enforcement communication platform", acronym="CENcomm")
    factories.make_tool("Customs Enforcement Network", acronym="CEN")

    assert found("CEN", Tool)[0] == "customs-enforcement-network"


def test_search_ranks_a_record_whose_main_risk_area_matches_higher():
    environment = factories.make_risk_area("Environment", keywords="wildlife, ivory")
    drugs = factories.make_risk_area("Drugs", keywords="cocaine")
    factories.make_programme("Cargo Programme", keywords="ivory", risk_areas=[drugs])
    factories.make_programme(
        "Nature Programme", keywords="ivory", risk_areas=[environment]
    )

    assert found("ivory") == ["nature-programme", "cargo-programme"]


def test_search_without_words_keeps_the_queryset():
    factories.make_programme("Ivory Programme")
    factories.make_programme("Timber Programme")

    results = search_queryset(Programme.objects.all(), "&&")

    assert results.count() == 2
    assert {record.rank for record in results} == {0.0}


def test_search_on_a_filtered_queryset_lists_each_record_once():
    environment = factories.make_risk_area("Environment")
    security = factories.make_risk_area("Security")
    factories.make_programme("Ivory Programme", risk_areas=[environment, security])
    filtered = Programme.objects.filter(
        risk_areas__in=[environment, security]
    ).distinct()

    assert slugs(search_queryset(filtered, "ivory")) == ["ivory-programme"]
