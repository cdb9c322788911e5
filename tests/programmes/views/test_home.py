import pytest
from django.urls import reverse

from tests.programmes.pages import by_slug

pytestmark = pytest.mark.django_db


# Home -----------------------------------------------------------------------


def test_home_shows_risk_areas_components_search_and_catalogue_links(client, catalogue):
    response = client.get(reverse("home"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Drugs" in html and "Revenue" in html
    assert "Technology and Infrastructure" in html
    assert f'action="{reverse("programmes:search")}"' in html
    assert 'name="q"' in html and 'for="home-search"' in html
    for name in [
        "programmes:programme-list",
        "programmes:tool-list",
        "programmes:partner-list",
    ]:
        assert f'href="{reverse(name)}"' in html


@pytest.mark.parametrize(
    ("reader", "programmes", "tools"),
    [(None, 2, 2), ("outsider", 2, 2), ("member", 3, 3)],
)
def test_home_risk_area_counts_only_include_records_the_reader_may_see(
    client, catalogue, sign_in, reader, programmes, tools
):
    sign_in(reader)

    response = client.get(reverse("home"))

    drugs = by_slug(response.context["risk_areas"])["drugs"]
    assert (drugs.programme_count, drugs.tool_count) == (programmes, tools)
    assert response.context["programme_total"] == programmes
    assert response.context["tool_total"] == tools


@pytest.mark.parametrize(("reader", "technology_tools"), [(None, 1), ("member", 2)])
def test_home_component_tool_counts_only_include_visible_tools(
    client, catalogue, sign_in, reader, technology_tools
):
    sign_in(reader)

    response = client.get(reverse("home"))

    components = by_slug(response.context["components"])
    assert components["technology-and-infrastructure"].tool_count == technology_tools
    assert components["operational-activities"].tool_count == 1


def test_home_coverage_matrix_counts_visible_tools_and_links_to_filtered_list(
    client, catalogue
):
    response = client.get(reverse("home"))

    cells = {
        (row["risk_area"].slug, cell["component"].slug): cell["count"]
        for row in response.context["cross_table"]["rows"]
        for cell in row["cells"]
    }
    assert cells[("drugs", "technology-and-infrastructure")] == 1
    assert cells[("drugs", "operational-activities")] == 1
    assert cells[("revenue", "operational-activities")] == 0
    assert "?risk_area=drugs&amp;component=technology-and-infrastructure" in (
        response.content.decode()
    )


def test_home_with_an_empty_catalogue_says_nothing_is_loaded(client):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "No risk areas have been loaded yet." in response.content.decode()
