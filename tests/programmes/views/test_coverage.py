import datetime

import pytest
from django.urls import reverse

from programmes.coverage import PROGRAMMES_PER_PAGE, THIN_RISK_AREA_TOOLS, heat
from programmes.models import Access, PublicationStatus
from tests import factories
from tests.programmes.pages import get_page

pytestmark = pytest.mark.django_db

COVERAGE_QUERY_BOUND = 30


@pytest.fixture
def catalogue():
    """Five risk areas, four components, programmes and tools at every visibility."""
    areas = {
        "revenue": factories.make_risk_area("Revenue"),
        "drugs": factories.make_risk_area("Drugs"),
        "ipr": factories.make_risk_area(
            "IPR, health and safety", slug="ipr-health-safety"
        ),
        "security": factories.make_risk_area("Security"),
        "environment": factories.make_risk_area("Environment"),
    }
    components = {
        "partnerships": factories.make_component("Partnerships"),
        "tech": factories.make_component(
            "Technology and infrastructure", slug="technology-infrastructure"
        ),
        "tools": factories.make_component("Tools"),
        "operations": factories.make_component("Operational activities"),
    }
    threats = {
        "undervaluation": factories.make_threat(
            "Undervaluation", risk_area=areas["revenue"]
        ),
        "cash": factories.make_threat("Cash smuggling", risk_area=areas["revenue"]),
        "cocaine": factories.make_threat(
            "Cocaine trafficking", risk_area=areas["drugs"]
        ),
        "wildlife": factories.make_threat(
            "Wildlife trafficking", risk_area=areas["environment"]
        ),
        "terrorism": factories.make_threat("Terrorism", risk_area=areas["security"]),
        "waste": factories.make_threat(
            "Hazardous waste", risk_area=areas["environment"]
        ),
    }
    revenue = factories.make_programme(
        "Revenue Programme",
        order=1,
        risk_areas=[areas["revenue"]],
        supporting=[areas["drugs"]],
    )
    environment = factories.make_programme(
        "Environment Programme", order=2, risk_areas=[areas["environment"]]
    )
    old = factories.make_merged_programme(
        "Old Programme",
        order=3,
        risk_areas=[areas["revenue"]],
        successor=revenue,
        merged_on=datetime.date(2020, 1, 1),
    )
    restricted = factories.make_programme(
        "Members Programme",
        order=4,
        risk_areas=[areas["security"]],
        access=Access.RESTRICTED,
    )
    draft = factories.make_programme(
        "Draft Programme",
        order=5,
        risk_areas=[areas["security"]],
        publication_status=PublicationStatus.DRAFT,
    )
    tools = {
        "cen": factories.make_tool(
            "Customs Enforcement Network",
            kind="it-system",
            risk_areas=[areas["drugs"]],
            supporting=[areas["revenue"]],
            components=[components["tech"]],
            threats=[threats["cocaine"], threats["cash"]],
            programmes=[revenue],
        ),
        "valuation": factories.make_tool(
            "Valuation Guide",
            kind="guidance",
            risk_areas=[areas["revenue"]],
            components=[components["tools"]],
            threats=[threats["undervaluation"], threats["cash"]],
            programmes=[revenue],
        ),
        "thunder": factories.make_tool(
            "Operation Thunder",
            kind="operation",
            risk_areas=[areas["environment"]],
            components=[components["operations"], components["partnerships"]],
            threats=[threats["wildlife"]],
            programmes=[environment],
        ),
        "members": factories.make_tool(
            "Members Tool",
            kind="guidance",
            risk_areas=[areas["security"]],
            components=[components["tools"]],
            threats=[threats["terrorism"]],
            programmes=[restricted],
            access=Access.RESTRICTED,
        ),
        "draft": factories.make_tool(
            "Draft Tool",
            kind="guidance",
            risk_areas=[areas["security"]],
            components=[components["tools"]],
            threats=[threats["terrorism"], threats["waste"]],
            programmes=[draft],
            publication_status=PublicationStatus.DRAFT,
        ),
    }
    return {
        "areas": areas,
        "components": components,
        "threats": threats,
        "programmes": {
            "revenue": revenue,
            "environment": environment,
            "old": old,
            "restricted": restricted,
            "draft": draft,
        },
        "tools": tools,
    }


def get_coverage(client, **params):
    return get_page(client, "programmes:coverage", **params)


def programme_rows(response):
    return [row.record.name for row in response.context["programme_matrix"].rows]


def tool_kinds(response):
    """{(component slug, kind): tools} of the tool matrix's rows."""
    return {
        (group["component"] and group["component"].slug, row.kind): row.total
        for group in response.context["tool_matrix"].groups
        for row in group["rows"]
    }


def tool_count(response):
    return response.context["tool_matrix"].count


def levels(row):
    return [cell.level for cell in row.cells]


def totals(matrix):
    return {
        total.risk_area.slug: (total.primary, total.supporting)
        for total in matrix.totals
    }


# The matrices ---------------------------------------------------------------------


def test_coverage_programme_matrix_shows_levels_per_risk_area(client, catalogue):
    response = get_coverage(client)

    rows = {row.record.name: row for row in response.context["programme_matrix"].rows}
    assert levels(rows["Revenue Programme"]) == ["primary", "supporting", "", "", ""]
    assert rows["Revenue Programme"].total == 2
    assert levels(rows["Environment Programme"]) == ["", "", "", "", "primary"]
    assert rows["Environment Programme"].total == 1


def test_coverage_programme_matrix_totals_per_risk_area(client, catalogue):
    response = get_coverage(client)

    assert totals(response.context["programme_matrix"]) == {
        "revenue": (2, 0),
        "drugs": (0, 1),
        "ipr-health-safety": (0, 0),
        "security": (0, 0),
        "environment": (1, 0),
    }


def test_coverage_tool_matrix_groups_tools_by_component(client, catalogue):
    response = get_coverage(client)

    assert tool_kinds(response) == {
        ("partnerships", "operation"): 1,
        ("technology-infrastructure", "it-system"): 1,
        ("tools", "guidance"): 1,
        ("operational-activities", "operation"): 1,
    }


def test_coverage_tool_totals_count_a_tool_in_two_components_once(client, catalogue):
    response = get_coverage(client)

    matrix = response.context["tool_matrix"]
    assert matrix.count == 3
    assert totals(matrix)["environment"] == (1, 0)
    assert totals(matrix)["revenue"] == (1, 1)


def test_coverage_page_is_a_real_table_with_headers_and_text_cells(client, catalogue):
    response = get_coverage(client)

    html = response.content.decode()
    assert "<caption" in html
    assert '<th scope="col"' in html
    assert '<th scope="row"' in html
    assert '<span class="visually-hidden">Primary</span>' in html
    assert '<span class="visually-hidden">Supporting</span>' in html


def test_coverage_tool_without_component_is_listed_apart(client, catalogue):
    factories.make_tool(
        "Loose Report", kind="report", risk_areas=[catalogue["areas"]["drugs"]]
    )

    response = get_coverage(client)

    last = response.context["tool_matrix"].groups[-1]
    assert last["component"] is None
    assert [(row.kind, row.total) for row in last["rows"]] == [("report", 1)]
    assert "No CEP component" in response.content.decode()


def test_coverage_empty_catalogue_says_so(client):
    response = get_coverage(client)

    assert response.context["programme_matrix"].rows == []
    assert "No programmes match these filters." in response.content.decode()


# Visibility -----------------------------------------------------------------------


def test_coverage_hides_drafts_and_restricted_from_anonymous(client, catalogue):
    response = get_coverage(client)

    assert programme_rows(response) == [
        "Revenue Programme",
        "Environment Programme",
        "Old Programme",
    ]
    assert tool_count(response) == 3
    assert ("tools", "guidance") in tool_kinds(response)
    assert tool_kinds(response)["tools", "guidance"] == 1
    assert totals(response.context["tool_matrix"])["security"] == (0, 0)
    html = response.content.decode()
    for name in ["Members Programme", "Members Tool", "Draft Programme", "Draft Tool"]:
        assert name not in html


def test_coverage_hides_restricted_from_outsider(client, catalogue, outsider):
    client.force_login(outsider)

    response = get_coverage(client)

    assert "Members Programme" not in programme_rows(response)
    assert tool_count(response) == 3
    assert totals(response.context["tool_matrix"])["security"] == (0, 0)


def test_coverage_shows_restricted_but_not_drafts_to_member(client, catalogue, member):
    client.force_login(member)

    response = get_coverage(client)

    assert "Members Programme" in programme_rows(response)
    # Members Tool, not Draft Tool: both guidance in Tools, on security.
    assert tool_count(response) == 4
    assert tool_kinds(response)["tools", "guidance"] == 2
    assert "Draft Programme" not in programme_rows(response)
    assert totals(response.context["tool_matrix"])["security"] == (1, 0)


# Thin spots ---------------------------------------------------------------------


def test_coverage_calls_out_risk_areas_with_few_tools(client, catalogue):
    response = get_coverage(client)

    thin = [total.risk_area.slug for total in response.context["thin_risk_areas"]]
    # Every area has fewer than THIN_RISK_AREA_TOOLS tools in this small catalogue.
    assert THIN_RISK_AREA_TOOLS == 3
    assert thin == ["revenue", "drugs", "ipr-health-safety", "security", "environment"]
    assert "Thin spots" in response.content.decode()


def test_coverage_risk_area_with_enough_tools_is_not_thin(client, catalogue):
    drugs = catalogue["areas"]["drugs"]
    factories.make_tool("Drug Guide", kind="guidance", risk_areas=[drugs])
    factories.make_tool("Drug Course", kind="training", supporting=[drugs])

    response = get_coverage(client)

    thin = [total.risk_area.slug for total in response.context["thin_risk_areas"]]
    assert "drugs" not in thin
    assert "revenue" in thin


def test_coverage_calls_out_threats_with_no_or_one_visible_tool(client, catalogue):
    response = get_coverage(client)

    thin = {
        entry["threat"].slug: entry["count"]
        for entry in response.context["thin_threats"]
    }
    assert thin == {
        "undervaluation": 1,
        "cocaine-trafficking": 1,
        "wildlife-trafficking": 1,
        # Only a restricted and a draft tool serve these: anonymous readers see none.
        "terrorism": 0,
        "hazardous-waste": 0,
    }
    assert "cash-smuggling" not in thin


def test_coverage_threat_counts_include_restricted_tools_for_member(
    client, catalogue, member
):
    client.force_login(member)

    response = get_coverage(client)

    thin = {
        entry["threat"].slug: entry["count"]
        for entry in response.context["thin_threats"]
    }
    assert thin["terrorism"] == 1
    assert thin["hazardous-waste"] == 0


# Filters --------------------------------------------------------------------------


def test_coverage_filters_by_component(client, catalogue):
    response = get_coverage(client, component="tools")

    assert tool_kinds(response) == {("tools", "guidance"): 1}
    # The same rule as the programme list: programmes with a visible tool there.
    assert programme_rows(response) == ["Revenue Programme"]
    assert [c.slug for c in response.context["cross_table"]["components"]] == ["tools"]


def test_coverage_filters_tools_by_kind(client, catalogue):
    response = get_coverage(client, kind="operation")

    assert tool_count(response) == 1
    assert tool_kinds(response) == {
        ("operational-activities", "operation"): 1,
        ("partnerships", "operation"): 1,
    }
    assert len(programme_rows(response)) == 3


def test_coverage_filters_programmes_by_status(client, catalogue):
    response = get_coverage(client, status="merged")

    assert programme_rows(response) == ["Old Programme"]
    assert tool_count(response) == 3


def test_coverage_matrix_matches_the_lists_for_the_same_filters(client, catalogue):
    params = {"component": "tools", "kind": "guidance"}

    coverage = get_coverage(client, **params)
    tools = client.get(reverse("programmes:tool-list"), params)

    assert tool_count(coverage) == len(tools.context["tool_list"])


def test_coverage_cells_count_the_tools_their_links_list(client, catalogue, member):
    client.force_login(member)
    response = get_coverage(client)

    cells = [
        (cell, row)
        for group in response.context["tool_matrix"].groups
        for row in group["rows"]
        for cell in row.cells
    ]
    assert any(cell.total for cell, _row in cells)
    for cell, row in cells:
        listed = client.get(cell.url).context["paginator"].count
        assert listed == cell.total, cell.url
        assert client.get(row.url).context["paginator"].count == row.total


def test_coverage_programme_matrix_comes_a_page_at_a_time(client, catalogue):
    for number in range(PROGRAMMES_PER_PAGE + 2):
        factories.make_programme(
            f"Extra Programme {number:02}",
            order=20 + number,
            risk_areas=[catalogue["areas"]["drugs"]],
        )

    first = get_coverage(client)
    second = get_coverage(client, page=2)

    assert len(programme_rows(first)) == PROGRAMMES_PER_PAGE
    # Three of the catalogue's programmes come first (WCO order), then these.
    assert programme_rows(second) == [f"Extra Programme {n}" for n in range(22, 27)]
    # The totals count every programme, whatever the page shows.
    for response in (first, second):
        matrix = response.context["programme_matrix"]
        assert matrix.count == PROGRAMMES_PER_PAGE + 5
        assert totals(matrix)["drugs"] == (PROGRAMMES_PER_PAGE + 2, 1)
    assert "Page 1 of 2" in first.content.decode()
    assert get_coverage(client, page="x").status_code == 200


def test_coverage_unknown_filter_values_are_named_and_ignored(client, catalogue):
    response = get_coverage(client, component="nowhere", kind="<b>bad</b>", status="x")

    html = response.content.decode()
    assert "Unknown CEP component “nowhere” was ignored." in html
    assert "&lt;b&gt;bad&lt;/b&gt;" in html
    assert "<b>bad</b>" not in html
    assert tool_count(response) == 3


def test_coverage_keeps_the_filter_in_the_form(client, catalogue):
    response = get_coverage(client, kind="operation")

    assert '<option value="operation" selected>' in response.content.decode()


def test_coverage_handles_odd_input_without_error(client, catalogue):
    for value in ["x" * 5000, "a\x00b", "'\"; DROP TABLE", "☃"]:
        response = client.get(
            reverse("programmes:coverage"),
            {"component": value, "kind": value, "status": value},
        )

        assert response.status_code == 200


# Cross-table ----------------------------------------------------------------------


def cross_counts(response):
    return {
        (row["risk_area"].slug, cell["component"].slug): cell["count"]
        for row in response.context["cross_table"]["rows"]
        for cell in row["cells"]
    }


def test_cross_table_counts_visible_tools_in_each_cell(client, catalogue):
    response = get_coverage(client)

    counts = cross_counts(response)
    assert counts[("drugs", "technology-infrastructure")] == 1
    assert counts[("revenue", "technology-infrastructure")] == 1
    assert counts[("revenue", "tools")] == 1
    assert counts[("environment", "operational-activities")] == 1
    assert counts[("environment", "partnerships")] == 1
    assert counts[("security", "tools")] == 0


def test_cross_table_counts_restricted_tools_for_member(client, catalogue, member):
    client.force_login(member)

    response = get_coverage(client)

    assert cross_counts(response)[("security", "tools")] == 1


def test_cross_table_cells_link_to_the_filtered_tool_list(client, catalogue):
    response = get_coverage(client)

    url = reverse("programmes:tool-list")
    assert (
        f'href="{url}?risk_area=revenue&amp;component=technology-infrastructure"'
        in response.content.decode()
    )


def test_cross_table_counts_agree_with_the_tool_list(client, catalogue, member):
    client.force_login(member)
    response = get_coverage(client)

    for (area, component), count in cross_counts(response).items():
        listed = client.get(
            reverse("programmes:tool-list"), {"risk_area": area, "component": component}
        )
        assert listed.context["paginator"].count == count, (area, component)


def test_heat_scales_counts_to_four_steps():
    assert [heat(count, 8) for count in (0, 1, 2, 3, 4, 6, 8)] == [0, 1, 1, 2, 2, 3, 4]
    assert heat(3, 0) == 0


# Queries ----------------------------------------------------------------------------


def grow(catalogue, size):
    areas = list(catalogue["areas"].values())
    components = list(catalogue["components"].values())
    threats = list(catalogue["threats"].values())
    for number in range(size):
        programme = factories.make_programme(
            f"Programme {number}",
            order=10 + number,
            risk_areas=[areas[number % 5]],
            supporting=[areas[(number + 1) % 5]],
        )
        factories.make_tool(
            f"Tool {number}",
            kind="training",
            risk_areas=[areas[number % 5]],
            supporting=[areas[(number + 2) % 5]],
            components=[components[number % 4], components[(number + 1) % 4]],
            threats=[threats[number % len(threats)]],
            programmes=[programme],
            access=Access.RESTRICTED if number % 3 == 0 else Access.PUBLIC,
        )


@pytest.mark.parametrize("size", [3, 60])
def test_coverage_page_runs_a_bounded_number_of_queries(
    client, catalogue, member, size, django_assert_max_num_queries
):
    grow(catalogue, size)
    client.force_login(member)

    with django_assert_max_num_queries(COVERAGE_QUERY_BOUND):
        response = client.get(reverse("programmes:coverage"), {"kind": "training"})

    assert response.context["tool_matrix"].count == size
