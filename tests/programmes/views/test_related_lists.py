"""Long related lists: a count, the first few, and a link to all of them."""

import pytest
from django.urls import reverse

from programmes.models import Access, Tool
from programmes.related import FIRST_FEW
from tests import factories

pytestmark = pytest.mark.django_db

MANY = FIRST_FEW * 2 + 3


@pytest.fixture
def crowded():
    """A risk area, a component, a threat, a programme and a partner with MANY
    public tools, and one restricted tool that sorts first."""
    area = factories.make_risk_area("Drugs")
    component = factories.make_component("Operational activities")
    threat = factories.make_threat("Cocaine trafficking", risk_area=area)
    programme = factories.make_programme("Drugs Programme", risk_areas=[area])
    partner = factories.make_partner("UNODC")
    programme.partners.add(partner)
    links = {
        "risk_areas": [area],
        "components": [component],
        "threats": [threat],
        "programmes": [programme],
        "partners": [partner],
    }
    for number in range(MANY):
        factories.make_tool(f"Operation {number:02}", kind="operation", **links)
    factories.make_tool(
        "Aaa Members Tool", kind="operation", access=Access.RESTRICTED, **links
    )
    return {
        "area": area,
        "component": component,
        "threat": threat,
        "programme": programme,
        "partner": partner,
    }


def test_a_risk_area_shows_the_first_tools_of_a_threat_and_links_to_all(
    client, crowded
):
    response = client.get(crowded["area"].get_absolute_url())

    html = response.content.decode()
    threat = response.context["risk_area"].threats.all()[0]
    assert threat.tool_count == MANY
    assert [tool.name for tool in threat.first_tools] == [
        f"Operation {n:02}" for n in range(FIRST_FEW)
    ]
    assert f"Operation {FIRST_FEW:02}" not in html.split('id="programmes"')[0]
    assert "Aaa Members Tool" not in html
    link = f'href="/tools/?threat={crowded["threat"].slug}"'
    assert link in html and f"See all {MANY} tools" in html
    listed = client.get("/tools/", {"threat": crowded["threat"].slug})
    assert listed.context["paginator"].count == MANY


def test_a_risk_area_counts_each_component_and_links_to_its_tools(client, crowded):
    response = client.get(crowded["area"].get_absolute_url())

    (group,) = [
        c.first_tools
        for c in response.context["component_groups"]
        if c.first_tools.count
    ]
    assert group.count == MANY
    assert len(group.rows) == FIRST_FEW
    assert group.url == ("/tools/?risk_area=drugs&component=operational-activities")
    listed = client.get(group.url)
    assert listed.context["paginator"].count == MANY
    assert response.context["tool_total"] == MANY


@pytest.mark.parametrize("page", ["component", "programme", "partner"])
def test_a_record_page_shows_the_first_tools_and_links_to_all(client, crowded, page):
    record = crowded[page]

    response = client.get(record.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert f"See all {MANY} tools" in html
    assert "Aaa Members Tool" not in html
    assert "Operation 00" in html
    assert f"Operation {MANY - 1:02}" not in html
    url = {
        "component": f"/tools/?component={record.slug}",
        "programme": f"/tools/?programme={record.slug}",
        "partner": f"/tools/?partner={record.slug}",
    }[page]
    assert f'href="{url}' in html
    assert client.get(url).context["paginator"].count == MANY


def test_a_member_sees_the_restricted_tool_counted_and_first(client, crowded, member):
    client.force_login(member)

    html = client.get(crowded["programme"].get_absolute_url()).content.decode()

    assert "Aaa Members Tool" in html
    assert f"See all {MANY + 1} tools" in html


def test_no_see_all_link_when_the_page_shows_them_all(client):
    area = factories.make_risk_area("Revenue")
    component = factories.make_component("Tools")
    factories.make_tool("Valuation Guide", risk_areas=[area], components=[component])

    html = client.get(component.get_absolute_url()).content.decode()

    assert "Valuation Guide" in html
    assert "See all" not in html


def test_the_compare_picker_offers_a_few_and_finds_others_by_name(client, crowded):
    last = Tool.objects.get(name=f"Operation {MANY - 1:02}")
    picker = client.get(reverse("programmes:compare"))
    found = client.get(reverse("programmes:compare"), {"find": f"{MANY - 1:02}"})
    picked = client.get(
        reverse("programmes:compare"), {"find": "Operation 05", "tool": last.slug}
    )

    assert "Operation 00" in picker.content.decode()
    assert last.name not in picker.content.decode()
    assert f"{MANY} in all: find others by name." in picker.content.decode()
    assert last.name in found.content.decode()
    assert "Operation 00" not in found.content.decode()
    # What is picked stays on offer, ticked, whatever is searched.
    html = picked.content.decode()
    assert f'value="{last.slug}" id="pick-tool-{last.slug}" checked' in html
    assert "Operation 05" in html and "Operation 06" not in html
