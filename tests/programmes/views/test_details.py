import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests import factories
from tests.factories import DRAFT, RESTRICTED
from tests.programmes.pages import PROGRAMMES, preview_url

pytestmark = pytest.mark.django_db

# Programme detail --------------------------------------------------------------


def test_programme_page_shows_what_staff_need(client):
    drugs = factories.make_risk_area("Drugs", slug="drugs")
    security = factories.make_risk_area("Security", slug="security")
    cocaine = factories.make_threat("Cocaine trafficking", risk_area=drugs)
    unodc = factories.make_partner(
        "United Nations Office on Drugs and Crime", acronym="UNODC"
    )
    operations = factories.make_component(
        "Operational activities", slug="operational-activities"
    )
    tools = factories.make_component("Tools", slug="tools")
    programme = factories.make_programme(
        "Drugs and Precursors Programme",
        acronym="DPP",
        summary="Against trafficking of drugs and precursors.",
        description="A longer description of the programme.",
        start_year=2012,
        risk_areas=[drugs],
        supporting=[security],
        threats=[cocaine],
        partners=[unodc],
        keywords="cocaine, precursors, couriers",
        last_reviewed=datetime.date(2026, 11, 20),
        source_url="https://www.wcoomd.org/en/topics/enforcement/drugs.aspx",
        additional_sources="https://www.unodc.org/page\nhttps://example.org/other",
    )
    factories.make_tool(
        "Operation Cocair",
        kind="operation",
        components=[operations],
        programmes=[programme],
    )
    factories.make_tool(
        "CENcomm", kind="it-system", components=[tools], programmes=[programme]
    )

    response = client.get(programme.get_absolute_url())
    html = response.content.decode()

    for text in [
        "Drugs and Precursors Programme",
        "DPP",
        "Against trafficking of drugs and precursors.",
        "A longer description of the programme.",
        "Since 2012",
        "Cocaine trafficking",
        "United Nations Office on Drugs and Crime",
        "20 November 2026",
        '<li class="keyword">precursors</li>',
    ]:
        assert text in html, text
    assert f'href="{drugs.get_absolute_url()}"' in html
    assert "Primary" in html and "Supporting" in html
    assert html.index("Source<") < html.index("wcoomd.org") < html.index("unodc.org")
    groups = response.context["tool_groups"]
    assert [(c.name, [t.name for t in group.rows]) for c, group in groups] == [
        ("Operational activities", ["Operation Cocair"]),
        ("Tools", ["CENcomm"]),
    ]


def test_pccp_page_lists_its_predecessors_with_the_merge_date(client, pccp_family):
    pccp, ccp, aircop = pccp_family

    html = client.get(pccp.get_absolute_url()).content.decode()

    assert "Programmes merged into this one" in html
    assert f'href="{ccp.get_absolute_url()}"' in html
    assert f'href="{aircop.get_absolute_url()}"' in html
    assert "Merged on 1 April 2024" in html


def test_merged_programme_page_links_prominently_to_its_successor(client, pccp_family):
    pccp, ccp, _aircop = pccp_family

    html = client.get(ccp.get_absolute_url()).content.decode()

    assert "successor-callout" in html
    assert (
        f'This programme was merged into the <a href="{pccp.get_absolute_url()}">'
        "Passenger and Cargo Control Programme</a>."
    ) in html
    assert 'Go to <span dir="ltr">PCCP</span>' in html


def test_programme_page_lists_only_related_records_the_reader_may_see(client, member):
    successor = factories.make_programme("Successor", **DRAFT)
    programme = factories.make_merged_programme(
        "Old Programme",
        successor=successor,
    )
    factories.make_merged_programme(
        "Restricted Predecessor",
        successor=programme,
        merged_on=datetime.date(2020, 1, 1),
        **RESTRICTED,
    )
    factories.make_tool("Public Tool", programmes=[programme])
    factories.make_tool("Draft Tool", programmes=[programme], **DRAFT)
    factories.make_tool("Members Tool", programmes=[programme], **RESTRICTED)

    html = client.get(programme.get_absolute_url()).content.decode()

    assert "Public Tool" in html
    assert "Draft Tool" not in html
    assert "Members Tool" not in html
    assert "Restricted Predecessor" not in html
    assert successor.get_absolute_url() not in html
    client.force_login(member)
    html = client.get(programme.get_absolute_url()).content.decode()
    assert "Members Tool" in html
    assert "Restricted Predecessor" in html
    assert "Draft Tool" not in html


def test_programme_page_in_another_language_shows_the_fallback_notice(client):
    programme = factories.make_programme("Revenue Programme", summary="English only.")

    english = client.get(programme.get_absolute_url()).content.decode()
    response = client.get(f"/fr{programme.get_absolute_url()}")

    assert "fallback-notice" not in english
    assert response.status_code == 200
    assert "fallback-notice" in response.content.decode()


# Tool detail -------------------------------------------------------------------


def test_tool_page_shows_kind_coverage_components_programmes_and_partners(client):
    drugs = factories.make_risk_area("Drugs", slug="drugs")
    revenue = factories.make_risk_area("Revenue", slug="revenue")
    tools = factories.make_component("Tools", slug="tools")
    interpol = factories.make_partner("INTERPOL")
    public = factories.make_programme("Revenue Programme", acronym="RP")
    hidden = factories.make_programme("Hidden Programme", **DRAFT)
    tool = factories.make_tool(
        "Customs Enforcement Network",
        acronym="CEN",
        kind="it-system",
        risk_areas=[drugs],
        supporting=[revenue],
        components=[tools],
        programmes=[public, hidden],
        partners=[interpol],
        threats=[factories.make_threat("Cocaine trafficking", risk_area=drugs)],
        keywords="seizures, database",
    )

    html = client.get(tool.get_absolute_url()).content.decode()

    for text in [
        "Customs Enforcement Network",
        "IT system",
        "Cocaine trafficking",
        "INTERPOL",
        "Revenue Programme",
        f'href="{tools.get_absolute_url()}"',
        f'href="{revenue.get_absolute_url()}"',
        '<li class="keyword">seizures</li>',
        "Source<",
    ]:
        assert text in html, text
    assert "Hidden Programme" not in html


# Visibility of detail pages ----------------------------------------------------


@pytest.mark.parametrize("kind", ["programme", "tool"])
@pytest.mark.parametrize("fields", [DRAFT, RESTRICTED, {**DRAFT, **RESTRICTED}])
def test_hidden_records_are_not_found_for_anonymous_users_and_outsiders(
    client, outsider, kind, fields
):
    record = (factories.make_programme if kind == "programme" else factories.make_tool)(
        "Hidden", **fields
    )

    assert client.get(record.get_absolute_url()).status_code == 404
    client.force_login(outsider)
    assert client.get(record.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("kind", ["programme", "tool"])
def test_members_see_restricted_published_records_but_not_drafts(client, member, kind):
    make = factories.make_programme if kind == "programme" else factories.make_tool
    restricted = make("Members Only", **RESTRICTED)
    draft = make("Draft", **DRAFT)
    client.force_login(member)

    assert client.get(restricted.get_absolute_url()).status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_unknown_slugs_are_not_found(client):
    for name in ["programme-detail", "tool-detail", "partner-detail"]:
        url = reverse(f"programmes:{name}", kwargs={"slug": "no-such-record"})

        assert client.get(url).status_code == 404


# Old slugs on detail pages -----------------------------------------------------


def test_old_programme_slug_redirects_permanently(client):
    programme = factories.make_programme("Revenue Programme")
    old_url = programme.get_absolute_url()
    programme.slug = "revenue"
    programme.save()

    response = client.get(old_url)

    assert response.status_code == 301
    assert response.url == "/programmes/revenue/"


def test_old_tool_and_partner_slugs_redirect_permanently(client):
    tool = factories.make_tool("Customs Enforcement Network")
    partner = factories.make_partner("UNODC")
    old_tool, old_partner = tool.get_absolute_url(), partner.get_absolute_url()
    tool.slug = "cen"
    tool.save()
    partner.slug = "un-office-on-drugs-and-crime"
    partner.save()

    assert client.get(old_tool).url == "/tools/cen/"
    assert client.get(old_tool).status_code == 301
    assert client.get(old_partner).url == "/partners/un-office-on-drugs-and-crime/"


def test_old_slug_of_a_hidden_record_is_not_found(client, member):
    programme = factories.make_programme("Members Programme", **RESTRICTED)
    old_url = programme.get_absolute_url()
    programme.slug = "renamed"
    programme.save()

    response = client.get(old_url)

    assert response.status_code == 404
    assert "renamed" not in response.content.decode()
    client.force_login(member)
    assert client.get(old_url).url == "/programmes/renamed/"


# Preview -----------------------------------------------------------------------


@pytest.mark.parametrize("make", [factories.make_programme, factories.make_tool])
def test_editors_preview_drafts_and_restricted_records_with_a_banner(
    client, editor, make
):
    draft = make("Draft Record", **DRAFT)
    restricted = make("Restricted Record", **RESTRICTED)
    client.force_login(editor)

    response = client.get(preview_url(draft))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Preview" in html
    assert "this record is a draft" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    html = client.get(preview_url(restricted)).content.decode()
    assert "this record is restricted" in html


@pytest.mark.parametrize("make", [factories.make_programme, factories.make_tool])
def test_preview_is_not_found_for_anyone_without_the_change_permission(
    client, outsider, member, make
):
    draft = make("Draft Record", **DRAFT)
    published = make("Published Record")

    for user in [None, outsider, member]:
        if user:
            client.force_login(user)
        assert client.get(preview_url(draft)).status_code == 404
        assert client.get(preview_url(published)).status_code == 404


def test_programme_editor_cannot_preview_tools(client, django_user_model):
    user = django_user_model.objects.create_user("programme-editor")
    user.user_permissions.add(Permission.objects.get(codename="change_programme"))
    programme = factories.make_programme("Draft Programme", **DRAFT)
    tool = factories.make_tool("Draft Tool", **DRAFT)
    client.force_login(user)

    assert client.get(preview_url(programme)).status_code == 200
    assert client.get(preview_url(tool)).status_code == 404


def test_preview_of_an_unknown_slug_is_not_found(client, editor):
    client.force_login(editor)

    url = reverse("programmes:programme-preview", kwargs={"slug": "nothing"})

    assert client.get(url).status_code == 404


def test_partner_page_lists_its_visible_programmes_and_tools(client):
    unodc = factories.make_partner(
        "UNODC", description="UN office against drugs and crime."
    )
    factories.make_programme("Public Programme", partners=[unodc])
    factories.make_programme("Members Programme", partners=[unodc], **RESTRICTED)
    factories.make_tool("Public Tool", partners=[unodc])
    factories.make_tool("Draft Tool", partners=[unodc], **DRAFT)

    html = client.get(unodc.get_absolute_url()).content.decode()

    assert "UN office against drugs and crime." in html
    assert "Public Programme" in html
    assert "Public Tool" in html
    assert "Members Programme" not in html
    assert "Draft Tool" not in html
    assert f"{PROGRAMMES}?partner=unodc" in html
