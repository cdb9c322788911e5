import pytest

from programmes.filters import search_filter
from programmes.models import Access, Programme, PublicationStatus
from tests import factories
from tests.programmes.pages import PARTNERS, PROGRAMMES, TOOLS, facet, names

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    """Three risk areas, two components, two partners, four programmes, five tools."""
    revenue = factories.make_risk_area("Revenue", slug="revenue")
    drugs = factories.make_risk_area("Drugs", slug="drugs")
    security = factories.make_risk_area("Security", slug="security")
    tools_component = factories.make_component("Tools", slug="tools")
    operations = factories.make_component(
        "Operational activities", slug="operational-activities"
    )
    unodc = factories.make_partner("UNODC", slug="unodc")
    interpol = factories.make_partner("INTERPOL", slug="interpol")
    pccp = factories.make_programme(
        "Passenger and Cargo Control Programme",
        acronym="PCCP",
        order=2,
        risk_areas=[drugs],
        supporting=[security],
        partners=[unodc, interpol],
    )
    ccp = factories.make_merged_programme(
        "Container Control Programme",
        acronym="CCP",
        order=13,
        successor=pccp,
        risk_areas=[drugs],
        partners=[unodc],
    )
    revenue_programme = factories.make_programme(
        "Revenue Programme", order=7, risk_areas=[revenue], keywords="valuation, duty"
    )
    security_programme = factories.make_programme(
        "Security Programme", order=9, risk_areas=[security], partners=[interpol]
    )
    factories.make_tool(
        "Customs Enforcement Network",
        acronym="CEN",
        kind="it-system",
        risk_areas=[drugs, revenue],
        components=[tools_component],
        programmes=[pccp, revenue_programme],
        partners=[interpol],
    )
    factories.make_tool(
        "Operation Cocair",
        kind="operation",
        risk_areas=[drugs],
        components=[operations],
        programmes=[pccp],
        partners=[unodc],
    )
    factories.make_tool(
        "Revenue Package",
        kind="guidance",
        risk_areas=[revenue],
        components=[tools_component],
        programmes=[revenue_programme],
    )
    factories.make_tool(
        "Programme Global Shield",
        kind="project",
        risk_areas=[security],
        components=[operations],
        programmes=[security_programme],
    )
    factories.make_tool(
        "Secret Draft Operation",
        kind="operation",
        risk_areas=[security],
        components=[tools_component],
        programmes=[security_programme],
        publication_status=PublicationStatus.DRAFT,
    )
    return {
        "pccp": pccp,
        "ccp": ccp,
        "revenue": revenue_programme,
        "security": security_programme,
    }


# search_filter --------------------------------------------------------------------


def test_search_filter_requires_every_word_in_any_field():
    factories.make_programme(
        "Revenue Programme", summary="Valuation and classification"
    )
    factories.make_programme(
        "Drugs Programme", description="Precursor chemicals and valuation"
    )
    factories.make_programme("Environment Programme", keywords="wildlife, timber")

    found = search_filter(Programme.objects.all(), "programme VALUATION")

    assert sorted(p.name for p in found) == ["Drugs Programme", "Revenue Programme"]


def test_search_filter_matches_acronym_and_keywords_case_insensitively():
    factories.make_programme("Passenger and Cargo Control Programme", acronym="PCCP")
    factories.make_programme("Environment Programme", keywords="Wildlife, CITES")

    assert [p.name for p in search_filter(Programme.objects.all(), "pccp")] == [
        "Passenger and Cargo Control Programme"
    ]
    assert [p.name for p in search_filter(Programme.objects.all(), "cites")] == [
        "Environment Programme"
    ]


def test_search_filter_treats_wildcards_and_quotes_as_plain_text():
    factories.make_programme("Revenue Programme", summary="Duty at 100% on goods")
    factories.make_programme("Drugs Programme", summary="Nothing special here")

    assert [p.name for p in search_filter(Programme.objects.all(), "100%")] == [
        "Revenue Programme"
    ]
    assert list(search_filter(Programme.objects.all(), "%")) != list(
        Programme.objects.all()
    )
    for nasty in ['"', "'", "_", "\\", "%_%", "' OR 1=1 --"]:
        assert list(search_filter(Programme.objects.all(), nasty)) == []


# Each filter alone -------------------------------------------------------------


def test_programme_list_shows_every_visible_programme_by_default(client, catalogue):
    response = client.get(PROGRAMMES)

    assert names(response) == [
        "Passenger and Cargo Control Programme",
        "Revenue Programme",
        "Security Programme",
        "Container Control Programme",
    ]
    assert "4 programmes" in response.content.decode()


def test_programme_list_filters_by_risk_area_slug(client, catalogue):
    response = client.get(PROGRAMMES, {"risk_area": "revenue"})

    assert names(response) == ["Revenue Programme"]


def test_programme_list_risk_areas_are_ored_and_never_duplicated(client, catalogue):
    # PCCP covers drugs (primary) and security (supporting): listed once.
    response = client.get(PROGRAMMES, {"risk_area": ["drugs", "security"]})

    assert names(response) == [
        "Passenger and Cargo Control Programme",
        "Security Programme",
        "Container Control Programme",
    ]


def test_programme_list_filters_by_component_through_visible_tools(client, catalogue):
    # The security programme's only tool in "tools" is a draft: it does not count.
    response = client.get(PROGRAMMES, {"component": "operational-activities"})

    assert names(response) == [
        "Passenger and Cargo Control Programme",
        "Security Programme",
    ]
    response = client.get(PROGRAMMES, {"component": "tools"})
    assert names(response) == [
        "Passenger and Cargo Control Programme",
        "Revenue Programme",
    ]


def test_programme_list_component_ignores_tools_the_reader_cannot_see(client):
    operations = factories.make_component(
        "Operational activities", slug="operational-activities"
    )
    programme = factories.make_programme("Security Programme")
    factories.make_tool(
        "Draft Operation",
        components=[operations],
        programmes=[programme],
        publication_status=PublicationStatus.DRAFT,
    )

    response = client.get(PROGRAMMES, {"component": "operational-activities"})

    assert names(response) == []


def test_programme_list_filters_by_partner(client, catalogue):
    response = client.get(PROGRAMMES, {"partner": "interpol"})

    assert names(response) == [
        "Passenger and Cargo Control Programme",
        "Security Programme",
    ]


def test_programme_list_filters_by_status(client, catalogue):
    assert names(client.get(PROGRAMMES, {"status": "merged"})) == [
        "Container Control Programme"
    ]
    assert "Container Control Programme" not in names(
        client.get(PROGRAMMES, {"status": "active"})
    )


def test_programme_list_filters_by_text(client, catalogue):
    assert names(client.get(PROGRAMMES, {"q": "control programme"})) == [
        "Passenger and Cargo Control Programme",
        "Container Control Programme",
    ]
    assert names(client.get(PROGRAMMES, {"q": "DUTY"})) == ["Revenue Programme"]


def test_tool_list_filters_by_each_parameter(client, catalogue):
    assert names(client.get(TOOLS, {"kind": "operation"})) == ["Operation Cocair"]
    assert names(client.get(TOOLS, {"component": "tools"})) == [
        "Customs Enforcement Network",
        "Revenue Package",
    ]
    assert names(client.get(TOOLS, {"programme": "revenue-programme"})) == [
        "Customs Enforcement Network",
        "Revenue Package",
    ]
    assert names(client.get(TOOLS, {"partner": "unodc"})) == ["Operation Cocair"]
    assert names(client.get(TOOLS, {"risk_area": "security"})) == [
        "Programme Global Shield"
    ]
    assert names(client.get(TOOLS, {"q": "cen"})) == ["Customs Enforcement Network"]


def test_tool_list_risk_areas_are_ored_without_duplicates(client, catalogue):
    response = client.get(TOOLS, {"risk_area": ["drugs", "revenue"]})

    assert names(response) == [
        "Customs Enforcement Network",
        "Operation Cocair",
        "Revenue Package",
    ]


# Combined filters --------------------------------------------------------------


def test_programme_list_ands_different_filters(client, catalogue):
    response = client.get(
        PROGRAMMES, {"risk_area": ["drugs", "revenue"], "partner": "unodc"}
    )

    assert names(response) == [
        "Passenger and Cargo Control Programme",
        "Container Control Programme",
    ]
    response = client.get(
        PROGRAMMES,
        {"risk_area": ["drugs", "revenue"], "partner": "unodc", "status": "active"},
    )
    assert names(response) == ["Passenger and Cargo Control Programme"]


def test_tool_list_ands_different_filters(client, catalogue):
    response = client.get(
        TOOLS,
        {"risk_area": ["drugs", "revenue"], "component": "tools", "kind": "guidance"},
    )

    assert names(response) == ["Revenue Package"]
    response = client.get(
        TOOLS, {"programme": "passenger-and-cargo-control-programme", "q": "operation"}
    )
    assert names(response) == ["Operation Cocair"]


# Facet counts ------------------------------------------------------------------


def test_programme_facets_count_each_option(client, catalogue):
    response = client.get(PROGRAMMES)

    assert facet(response, "risk_area") == {"revenue": 1, "drugs": 2, "security": 2}
    assert facet(response, "partner") == {"unodc": 2, "interpol": 2}
    assert facet(response, "status") == {"active": 3, "merged": 1}
    # Components count programmes with a visible tool there; the draft tool is ignored.
    assert facet(response, "component") == {"tools": 2, "operational-activities": 2}


def test_programme_facets_apply_the_other_filters(client, catalogue):
    response = client.get(PROGRAMMES, {"risk_area": "drugs", "status": "active"})

    # Within risk_area: counts ignore the risk area choice but keep status=active.
    assert facet(response, "risk_area") == {"revenue": 1, "drugs": 1, "security": 2}
    # Across filters: counts apply both risk_area=drugs and status=active.
    assert facet(response, "partner") == {"unodc": 1, "interpol": 1}
    assert facet(response, "status") == {"active": 1, "merged": 1}


def test_tool_facets_apply_the_other_filters(client, catalogue):
    response = client.get(TOOLS, {"component": "tools"})

    assert facet(response, "kind")["it-system"] == 1
    assert facet(response, "kind")["guidance"] == 1
    assert facet(response, "kind")["operation"] == 0
    assert facet(response, "risk_area") == {"revenue": 2, "drugs": 1, "security": 0}
    assert facet(response, "component") == {"tools": 2, "operational-activities": 2}
    assert facet(response, "programme")["revenue-programme"] == 2


def test_facet_option_without_results_is_greyed_but_selectable(client, catalogue):
    response = client.get(TOOLS, {"component": "tools"})
    html = response.content.decode()

    assert facet(response, "risk_area")["security"] == 0
    assert 'facet__option facet__option--empty">' in html
    assert 'value="security"' in html
    assert "(0)" in html
    assert (
        names(client.get(TOOLS, {"component": "tools", "risk_area": "security"})) == []
    )


@pytest.mark.parametrize(
    ("reader", "count", "visible"),
    [
        (None, 1, ["Public Programme"]),
        ("member", 2, ["Members Programme", "Public Programme"]),
    ],
)
def test_facets_count_only_the_records_the_reader_may_see(
    client, sign_in, reader, count, visible
):
    drugs = factories.make_risk_area("Drugs", slug="drugs")
    factories.make_programme("Public Programme", risk_areas=[drugs])
    factories.make_programme(
        "Members Programme", risk_areas=[drugs], access=Access.RESTRICTED
    )
    factories.make_programme(
        "Draft Programme",
        risk_areas=[drugs],
        publication_status=PublicationStatus.DRAFT,
    )
    sign_in(reader)

    response = client.get(PROGRAMMES)

    assert facet(response, "risk_area") == {"drugs": count}
    assert sorted(names(response)) == visible


def test_programme_option_list_hides_programmes_the_reader_cannot_see(
    client, outsider, member
):
    factories.make_programme("Public Programme")
    factories.make_programme("Members Programme", access=Access.RESTRICTED)
    client.force_login(outsider)

    assert set(facet(client.get(TOOLS), "programme")) == {"public-programme"}
    client.force_login(member)
    assert set(facet(client.get(TOOLS), "programme")) == {
        "public-programme",
        "members-programme",
    }


# Sorting -----------------------------------------------------------------------


def test_programme_list_sorts_by_wco_order_by_default(client, catalogue):
    response = client.get(PROGRAMMES)

    assert [p.order for p in response.context["object_list"]] == [2, 7, 9, 13]


def test_programme_list_sorts_by_name_both_ways(client, catalogue):
    by_name = names(client.get(PROGRAMMES, {"sort": "name"}))

    assert by_name == sorted(by_name)
    assert names(client.get(PROGRAMMES, {"sort": "-name"})) == by_name[::-1]


def test_list_sorts_by_most_recently_updated(client, catalogue):
    revenue = catalogue["revenue"]
    revenue.summary = "Updated just now"
    revenue.save()

    assert names(client.get(PROGRAMMES, {"sort": "recent"}))[0] == "Revenue Programme"


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_lists_sort_by_translated_names_with_english_fallback(client, language):
    factories.make_tool("Zebra", name_fr="Alpaga")
    factories.make_tool("Beta")
    factories.make_programme("Yak Programme", name_fr="Antilope")
    factories.make_programme("Bison Programme")

    tools = client.get(f"/{language}{TOOLS}")
    programmes = client.get(f"/{language}{PROGRAMMES}", {"sort": "-name"})

    expected = ["Zebra", "Beta"] if language == "fr" else ["Beta", "Zebra"]
    assert [tool.name_en for tool in tools.context["object_list"]] == expected
    assert programmes.status_code == 200
    assert client.get(f"/{language}{PARTNERS}").status_code == 200


def test_tool_list_sorts_by_name_by_default_ignoring_case(client):
    factories.make_tool("beta tool")
    factories.make_tool("Alpha Tool")
    factories.make_tool("Gamma Tool")

    assert names(client.get(TOOLS)) == ["Alpha Tool", "beta tool", "Gamma Tool"]


# Bad input ---------------------------------------------------------------------


def test_unknown_risk_area_is_ignored_with_a_message(client, catalogue):
    response = client.get(PROGRAMMES, {"risk_area": ["revenue", "xyz"]})

    assert response.status_code == 200
    assert names(response) == ["Revenue Programme"]
    assert "Unknown risk area “xyz” was ignored." in response.content.decode()


def test_unknown_values_of_every_filter_are_named_and_ignored(client, catalogue):
    response = client.get(
        PROGRAMMES,
        {"component": "nope", "partner": "acme", "status": "paused", "sort": "size"},
    )
    html = response.content.decode()

    assert len(names(response)) == 4
    assert "Unknown CEP component “nope” was ignored." in html
    assert "Unknown partner “acme” was ignored." in html
    assert "Unknown status “paused” was ignored." in html
    assert "Unknown sort order “size” was ignored." in html
    response = client.get(TOOLS, {"kind": "rocket", "programme": "ghost"})
    html = response.content.decode()
    assert len(names(response)) == 4
    assert "Unknown kind “rocket” was ignored." in html
    assert "Unknown programme “ghost” was ignored." in html


def test_restricted_programme_slug_is_unknown_to_anonymous_users(client):
    factories.make_programme("Members Programme", access=Access.RESTRICTED)
    factories.make_tool("Public Tool")

    response = client.get(TOOLS, {"programme": "members-programme"})

    assert names(response) == ["Public Tool"]
    assert "Unknown programme “members-programme” was ignored." in (
        response.content.decode()
    )


def test_unknown_value_is_escaped_in_the_message(client, catalogue):
    response = client.get(PROGRAMMES, {"partner": "<script>alert(1)</script>"})
    html = response.content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "q",
    [
        "x" * 10_000,
        "drugs\x00",
        "\x00",
        "\"quoted\" 'single'",
        "100% _under_ back\\slash",
        "%%%",
        "' OR 1=1 --",
        "文字 ✓ ملف",
    ],
)
def test_any_search_text_is_answered(client, catalogue, q):
    for url in (PROGRAMMES, TOOLS):
        response = client.get(url, {"q": q})

        assert response.status_code == 200


def test_search_text_is_cut_to_two_hundred_characters(client, catalogue):
    response = client.get(PROGRAMMES, {"q": "a" * 500})

    assert response.context["search"] == "a" * 200


def test_nul_bytes_in_filter_values_are_ignored(client, catalogue):
    response = client.get(PROGRAMMES, {"risk_area": "drugs\x00", "partner": "\x00"})

    assert response.status_code == 200
    assert len(names(response)) == 4


# Old slugs ---------------------------------------------------------------------


def test_old_risk_area_slug_in_a_filter_redirects_permanently(client, catalogue):
    from risk_areas.models import RiskArea

    drugs = RiskArea.objects.get(slug="drugs")
    drugs.slug = "narcotics"
    drugs.save()

    response = client.get(
        PROGRAMMES, {"risk_area": ["revenue", "drugs"], "status": "active"}
    )

    assert response.status_code == 301
    assert response.url == (
        f"{PROGRAMMES}?risk_area=revenue&risk_area=narcotics&status=active"
    )


def test_old_partner_and_programme_slugs_redirect_in_tool_filters(client, catalogue):
    pccp = catalogue["pccp"]
    pccp.slug = "pccp"
    pccp.save()
    from programmes.models import Partner

    unodc = Partner.objects.get(slug="unodc")
    unodc.slug = "un-drugs-office"
    unodc.save()

    response = client.get(
        TOOLS,
        {"programme": "passenger-and-cargo-control-programme", "partner": "unodc"},
    )

    assert response.status_code == 301
    assert response.url == f"{TOOLS}?programme=pccp&partner=un-drugs-office"
    assert names(client.get(response.url)) == ["Operation Cocair"]


def test_old_slug_of_a_restricted_programme_does_not_redirect_anonymous_users(
    client, member
):
    programme = factories.make_programme("Members Programme", access=Access.RESTRICTED)
    programme.slug = "renamed-members-programme"
    programme.save()

    response = client.get(TOOLS, {"programme": "members-programme"})

    assert response.status_code == 200
    assert "renamed-members-programme" not in response.content.decode()
    client.force_login(member)
    response = client.get(TOOLS, {"programme": "members-programme"})
    assert response.status_code == 301
    assert response.url == f"{TOOLS}?programme=renamed-members-programme"


# Active filters as chips -------------------------------------------------------


def test_active_filters_show_as_chips_that_remove_one_value(client, catalogue):
    response = client.get(
        PROGRAMMES,
        {
            "risk_area": ["drugs", "revenue"],
            "partner": "unodc",
            "q": "control",
            "page": 1,
        },
    )
    chips = {
        (chip["name"], chip["label"]): chip["url"] for chip in response.context["chips"]
    }

    assert chips[("risk_area", "Drugs")] == (
        f"{PROGRAMMES}?q=control&risk_area=revenue&partner=unodc"
    )
    assert chips[("partner", "UNODC")] == (
        f"{PROGRAMMES}?q=control&risk_area=drugs&risk_area=revenue"
    )
    assert chips[("q", "control")] == (
        f"{PROGRAMMES}?risk_area=drugs&risk_area=revenue&partner=unodc"
    )
    assert response.context["clear_url"] == PROGRAMMES
    html = response.content.decode()
    assert "Clear all" in html
    assert (
        'href="/programmes/?q=control&amp;risk_area=revenue&amp;partner=unodc"' in html
    )


def test_clear_all_keeps_the_chosen_sort_order(client, catalogue):
    response = client.get(PROGRAMMES, {"status": "active", "sort": "name"})

    assert response.context["clear_url"] == f"{PROGRAMMES}?sort=name"


def test_filter_form_works_without_javascript(client, catalogue):
    html = client.get(PROGRAMMES, {"risk_area": "drugs"}).content.decode()

    assert '<form method="get" id="programme-filters"' in html
    assert 'name="risk_area"' in html
    assert 'id="programme-filters-risk_area-2" value="drugs" checked' in html
    assert "Apply filters" in html
    assert '<details class="filter-panel"' in html
    assert 'form="programme-filters"' in html  # the sort control belongs to the form
