import pytest
from django.urls import reverse

from programmes.models import Access, PublicationStatus
from tests import factories
from tests.programmes.pages import get_page

pytestmark = pytest.mark.django_db

COMPARE_QUERY_BOUND = 20


@pytest.fixture
def catalogue():
    return build_catalogue()


def build_catalogue():
    revenue = factories.make_risk_area("Revenue")
    drugs = factories.make_risk_area("Drugs")
    security = factories.make_risk_area("Security")
    tools_component = factories.make_component("Tools")
    operations = factories.make_component("Operational activities")
    undervaluation = factories.make_threat("Undervaluation", risk_area=revenue)
    cocaine = factories.make_threat("Cocaine trafficking", risk_area=drugs)
    unodc = factories.make_partner("UNODC")
    interpol = factories.make_partner("INTERPOL")
    revenue_programme = factories.make_programme(
        "Revenue Programme",
        acronym="RP",
        risk_areas=[revenue],
        supporting=[drugs],
        threats=[undervaluation],
        partners=[unodc],
    )
    drugs_programme = factories.make_programme(
        "Drugs Programme",
        risk_areas=[drugs],
        threats=[cocaine],
        partners=[unodc, interpol],
    )
    members_programme = factories.make_programme(
        "Members Programme", risk_areas=[security], access=Access.RESTRICTED
    )
    draft_programme = factories.make_programme(
        "Draft Programme", publication_status=PublicationStatus.DRAFT
    )
    factories.make_tool(
        "Valuation Guide",
        kind="guidance",
        risk_areas=[revenue],
        components=[tools_component],
        programmes=[revenue_programme],
        threats=[undervaluation],
    )
    factories.make_tool(
        "Operation Cocaine",
        kind="operation",
        risk_areas=[drugs],
        components=[operations],
        programmes=[drugs_programme, members_programme],
        partners=[interpol],
    )
    factories.make_tool(
        "Members Guide",
        kind="guidance",
        risk_areas=[drugs],
        components=[tools_component],
        programmes=[drugs_programme],
        access=Access.RESTRICTED,
    )
    factories.make_tool(
        "Draft Guide",
        kind="guidance",
        risk_areas=[drugs],
        components=[tools_component],
        programmes=[revenue_programme],
        publication_status=PublicationStatus.DRAFT,
    )
    return {
        "revenue": revenue_programme,
        "drugs": drugs_programme,
        "members": members_programme,
        "draft": draft_programme,
    }


def compare(client, **params):
    return get_page(client, "programmes:compare", **params)


def section(response, key):
    return next(s for s in response.context["comparison"].sections if s["key"] == key)


def row_names(response, key):
    return [row["record"].name for row in section(response, key)["rows"]]


def test_compare_two_programmes_side_by_side(client, catalogue):
    response = compare(client, programme=["revenue-programme", "drugs-programme"])

    comparison = response.context["comparison"]
    assert comparison.is_ready
    assert [item.name for item in comparison.items] == [
        "Revenue Programme",
        "Drugs Programme",
    ]
    areas = {
        row["record"].slug: [cell.level for cell in row["cells"]]
        for row in section(response, "risk-areas")["rows"]
    }
    assert areas == {
        "revenue": ["primary", ""],
        "drugs": ["supporting", "primary"],
        "security": ["", ""],
    }
    assert row_names(response, "threats") == ["Undervaluation", "Cocaine trafficking"]
    partners = {
        row["record"].name: row["cells"]
        for row in section(response, "partners")["rows"]
    }
    assert partners == {"INTERPOL": [False, True], "UNODC": [True, True]}
    assert section(response, "partners")["shared"] == 1
    html = response.content.decode()
    assert "Programmes side by side" in html
    assert "<caption" in html


def test_compare_programmes_lists_only_visible_tools(client, catalogue):
    response = compare(client, programme=["revenue-programme", "drugs-programme"])

    assert row_names(response, "related") == ["Operation Cocaine", "Valuation Guide"]
    components = {
        row["record"].name: row["cells"]
        for row in section(response, "components")["rows"]
    }
    assert components == {"Tools": [1, 0], "Operational activities": [0, 1]}


def test_compare_programmes_shows_restricted_tools_to_member(client, catalogue, member):
    client.force_login(member)

    response = compare(client, programme=["revenue-programme", "drugs-programme"])

    assert row_names(response, "related") == [
        "Members Guide",
        "Operation Cocaine",
        "Valuation Guide",
    ]


def test_compare_tools_side_by_side(client, catalogue):
    response = compare(client, tool=["valuation-guide", "operation-cocaine"])

    comparison = response.context["comparison"]
    assert comparison.kind == "tool"
    assert row_names(response, "related") == ["Drugs Programme", "Revenue Programme"]
    html = response.content.decode()
    assert "Tools side by side" in html
    assert "Members Programme" not in html


def test_compare_share_url_names_the_records(client, catalogue):
    response = compare(
        client, programme=["revenue-programme", "nowhere", "drugs-programme"]
    )

    assert response.context["share_url"].endswith(
        "?programme=revenue-programme&programme=drugs-programme"
    )


def test_compare_one_programme_shows_the_picker(client, catalogue):
    response = compare(client, programme="revenue-programme")

    comparison = response.context["comparison"]
    assert not comparison.is_ready
    html = response.content.decode()
    assert "Pick at least two to compare them side by side." in html
    assert (
        'value="revenue-programme" id="pick-programme-revenue-programme" checked'
        in html
    )


def test_compare_bare_page_is_a_picker_of_visible_records(client, catalogue):
    response = compare(client)

    html = response.content.decode()
    assert 'name="programme" value="drugs-programme"' in html
    assert 'name="tool" value="valuation-guide"' in html
    for hidden in [
        "Members Programme",
        "Draft Programme",
        "Members Guide",
        "Draft Guide",
    ]:
        assert hidden not in html


def test_compare_picker_offers_restricted_records_to_member(client, catalogue, member):
    client.force_login(member)

    response = compare(client)

    html = response.content.decode()
    assert "Members Programme" in html
    assert "Members Guide" in html
    assert "Draft Programme" not in html


def test_compare_more_than_four_shows_the_picker(client, catalogue):
    for number in range(3):
        factories.make_programme(f"Extra Programme {number}")
    slugs = ["revenue-programme", "drugs-programme"] + [
        f"extra-programme-{number}" for number in range(3)
    ]

    response = compare(client, programme=slugs)

    assert not response.context["comparison"].is_ready
    assert "Compare at most four at a time." in response.content.decode()


def test_compare_four_is_allowed(client, catalogue):
    for number in range(2):
        factories.make_programme(f"Extra Programme {number}")
    slugs = [
        "revenue-programme",
        "drugs-programme",
        "extra-programme-0",
        "extra-programme-1",
    ]

    response = compare(client, programme=slugs)

    assert response.context["comparison"].is_ready


def test_compare_names_unknown_slugs(client, catalogue):
    response = compare(
        client, programme=["revenue-programme", "drugs-programme", "no-such-thing"]
    )

    assert response.context["comparison"].is_ready
    assert "No programme called “no-such-thing” was found." in response.content.decode()


def test_compare_treats_restricted_as_unknown_for_anonymous(client, catalogue):
    response = compare(client, programme=["revenue-programme", "members-programme"])

    assert not response.context["comparison"].is_ready
    html = response.content.decode()
    assert "No programme called “members-programme” was found." in html
    assert "Members Programme" not in html


def test_compare_treats_restricted_as_unknown_for_outsider(client, catalogue, outsider):
    client.force_login(outsider)

    response = compare(client, programme=["revenue-programme", "members-programme"])

    assert not response.context["comparison"].is_ready


def test_compare_shows_restricted_to_member(client, catalogue, member):
    client.force_login(member)

    response = compare(client, programme=["revenue-programme", "members-programme"])

    assert response.context["comparison"].is_ready
    assert "Members Programme" in response.content.decode()


def test_compare_never_shows_drafts(client, catalogue, member):
    client.force_login(member)

    response = compare(client, programme=["revenue-programme", "draft-programme"])

    assert not response.context["comparison"].is_ready
    assert "No programme called “draft-programme” was found." in (
        response.content.decode()
    )


def test_compare_programmes_and_tools_together_asks_for_one_kind(client, catalogue):
    response = compare(client, programme="revenue-programme", tool="valuation-guide")

    assert not response.context["comparison"].is_ready
    assert "pick one kind" in response.content.decode()


def test_compare_escapes_and_survives_odd_input(client, catalogue):
    for value in ["<script>x</script>", "x" * 5000, "a\x00b", "'\";--", "☃"]:
        response = compare(client, programme=[value, "revenue-programme"])

        html = response.content.decode()
        assert "<script>x</script>" not in html


def test_compare_duplicates_count_once(client, catalogue):
    response = compare(client, programme=["revenue-programme", "revenue-programme"])

    assert not response.context["comparison"].is_ready


def grow(size):
    factories.make_linked_records(
        range(size),
        area=factories.make_risk_area("Environment"),
        component=factories.make_component("Partnerships"),
    )


@pytest.fixture(scope="class", params=[3, 60])
def grown_catalogue(request, django_db_setup, django_db_blocker):
    """The catalogue with `size` more programmes and tools, built once a class."""
    with factories.shared_records(django_db_blocker):
        build_catalogue()
        grow(request.param)
        yield request.param


class TestQueryCount:
    @pytest.mark.parametrize("kind", ["tool", "programme"])
    def test_compare_runs_a_bounded_number_of_queries(
        self, client, grown_catalogue, kind, django_assert_max_num_queries
    ):
        size = grown_catalogue
        slugs = [f"big-{kind}-{number}" for number in range(min(size, 4))]

        with django_assert_max_num_queries(COMPARE_QUERY_BOUND):
            response = client.get(reverse("programmes:compare"), {kind: slugs})

        assert response.context["comparison"].is_ready
