import pytest
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import (
    make_component,
    make_programme,
    make_risk_area,
    make_threat,
    make_tool,
)

pytestmark = pytest.mark.django_db

RESTRICTED = {"access": "restricted"}
DRAFT = {"publication_status": "draft"}


@pytest.fixture
def catalogue():
    """Two risk areas and two components, with published, draft and restricted records.

    Drugs: programmes Public (primary), Members (primary, restricted), Hidden (draft);
    tools CEN (public), Dog (public, supporting), Members Tool (restricted),
    Draft Tool (draft). Only the public records exist for anonymous readers.
    """
    drugs = make_risk_area("Drugs", official_label="Drugs enforcement", summary="S.")
    revenue = make_risk_area("Revenue")
    technology = make_component("Technology and Infrastructure")
    operations = make_component("Operational activities")
    cocaine = make_threat("Cocaine trafficking", risk_area=drugs)
    precursors = make_threat("Precursor diversion", risk_area=drugs)
    public = make_programme("Drugs and Precursors Programme", risk_areas=[drugs])
    members = make_programme("Members Programme", risk_areas=[drugs], **RESTRICTED)
    make_programme("Hidden Programme", risk_areas=[drugs], **DRAFT)
    supporting = make_programme(
        "Revenue Programme", risk_areas=[revenue], supporting=[drugs]
    )
    make_tool(
        "Customs Enforcement Network",
        acronym="CEN",
        risk_areas=[drugs, revenue],
        components=[technology],
        programmes=[public, members],
        threats=[cocaine],
    )
    make_tool(
        "Detector Dog Programme",
        kind="training",
        supporting=[drugs],
        components=[operations],
        programmes=[supporting],
        threats=[cocaine],
    )
    make_tool(
        "Members Tool",
        risk_areas=[drugs],
        components=[technology],
        programmes=[members],
        threats=[cocaine, precursors],
        **RESTRICTED,
    )
    make_tool(
        "Draft Tool",
        risk_areas=[drugs],
        components=[technology],
        programmes=[public],
        threats=[precursors],
        **DRAFT,
    )
    return {
        "drugs": drugs,
        "revenue": revenue,
        "technology": technology,
        "operations": operations,
        "cocaine": cocaine,
        "precursors": precursors,
    }


def _by_slug(records):
    return {record.slug: record for record in records}


def _sign_in(client, user):
    if user is not None:
        client.force_login(user)


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
    client, catalogue, request, reader, programmes, tools
):
    _sign_in(client, reader and request.getfixturevalue(reader))

    response = client.get(reverse("home"))

    drugs = _by_slug(response.context["risk_areas"])["drugs"]
    assert (drugs.programme_count, drugs.tool_count) == (programmes, tools)
    assert response.context["programme_total"] == programmes
    assert response.context["tool_total"] == tools


@pytest.mark.parametrize(("reader", "technology_tools"), [(None, 1), ("member", 2)])
def test_home_component_tool_counts_only_include_visible_tools(
    client, catalogue, request, reader, technology_tools
):
    _sign_in(client, reader and request.getfixturevalue(reader))

    response = client.get(reverse("home"))

    components = _by_slug(response.context["components"])
    assert components["technology-and-infrastructure"].tool_count == technology_tools
    assert components["operational-activities"].tool_count == 1


def test_home_coverage_matrix_counts_visible_tools_and_links_to_filtered_list(
    client, catalogue
):
    response = client.get(reverse("home"))

    cells = {
        (row["risk_area"].slug, cell["component"].slug): cell["count"]
        for row in response.context["matrix"]
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


# Layout -----------------------------------------------------------------------


def test_layout_has_landmarks_skip_link_and_both_stylesheets(client, catalogue):
    html = client.get(reverse("risk_areas:riskarea-list")).content.decode()

    for fragment in [
        '<header class="site-header"',
        '<main id="main"',
        "<footer",
        "<nav",
    ]:
        assert fragment in html
    assert 'href="#main"' in html
    assert "css/site.css" in html and "css/catalogue.css" in html


def test_layout_marks_the_current_section_in_the_navigation(client, catalogue):
    list_html = client.get(reverse("risk_areas:riskarea-list")).content.decode()
    detail_html = client.get(
        catalogue["technology"].get_absolute_url()
    ).content.decode()

    risk_areas_link = (
        f'href="{reverse("risk_areas:riskarea-list")}" aria-current="page"'
    )
    components_link = (
        f'href="{reverse("risk_areas:cepcomponent-list")}" aria-current="true"'
    )
    assert risk_areas_link in list_html
    assert components_link in detail_html
    # The nav link and the breadcrumb (the language switcher marks its own link).
    assert list_html.count('aria-current="page"') == 2


def test_layout_offers_sign_in_to_anonymous_readers(client, catalogue):
    html = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("login")}?next=/"' in html
    assert "Signed in as" not in html


def test_layout_shows_the_signed_in_user_and_a_sign_out_form(client, member):
    client.force_login(member)

    html = client.get(reverse("home")).content.decode()

    assert "Signed in as <strong>member</strong>" in html
    assert f'method="post" action="{reverse("logout")}"' in html
    assert "csrfmiddlewaretoken" in html


def test_sign_out_form_signs_the_user_out(client, member):
    client.force_login(member)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_layout_is_right_to_left_in_arabic(client, catalogue):
    response = client.get("/ar/")

    assert response.status_code == 200
    assert 'lang="ar" dir="rtl"' in response.content.decode()


# Risk areas ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reader", "tools"), [(None, 2), ("outsider", 2), ("member", 3)]
)
def test_riskarea_list_shows_threats_and_visible_counts(
    client, catalogue, request, reader, tools
):
    _sign_in(client, reader and request.getfixturevalue(reader))

    response = client.get(reverse("risk_areas:riskarea-list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/risk-areas/drugs/#threat-cocaine-trafficking"' in html
    assert _by_slug(response.context["risk_areas"])["drugs"].tool_count == tools
    assert f"<strong>{tools}</strong> tools" in html


def test_riskarea_detail_shows_threat_anchors_with_visible_tool_counts(
    client, catalogue
):
    response = client.get(catalogue["drugs"].get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="threat-cocaine-trafficking"' in html
    assert 'id="threat-precursor-diversion"' in html
    threats = _by_slug(response.context["risk_area"].threats.all())
    assert len(threats["cocaine-trafficking"].tools.all()) == 2
    assert len(threats["precursor-diversion"].tools.all()) == 0
    assert "No tool yet" in html


def test_riskarea_detail_lists_programmes_by_coverage_level(client, catalogue):
    response = client.get(catalogue["drugs"].get_absolute_url())

    primary = [c.programme.name for c in response.context["primary_coverage"]]
    supporting = [c.programme.name for c in response.context["supporting_coverage"]]
    assert primary == ["Drugs and Precursors Programme"]
    assert supporting == ["Revenue Programme"]
    assert "Primary coverage" in response.content.decode()


def test_riskarea_detail_groups_tools_by_component(client, catalogue):
    response = client.get(catalogue["drugs"].get_absolute_url())

    groups = {
        group["component"].slug: [link.tool.name for link in group["coverage"]]
        for group in response.context["component_groups"]
    }
    assert groups == {
        "technology-and-infrastructure": ["Customs Enforcement Network"],
        "operational-activities": ["Detector Dog Programme"],
    }
    assert "Supporting" in response.content.decode()


@pytest.mark.parametrize("reader", [None, "outsider"])
def test_riskarea_detail_hides_draft_and_restricted_records(
    client, catalogue, request, reader
):
    _sign_in(client, reader and request.getfixturevalue(reader))

    html = client.get(catalogue["drugs"].get_absolute_url()).content.decode()

    for hidden in [
        "Members Programme",
        "Hidden Programme",
        "Members Tool",
        "Draft Tool",
    ]:
        assert hidden not in html


def test_riskarea_detail_shows_restricted_records_to_members(client, catalogue, member):
    client.force_login(member)

    response = client.get(catalogue["drugs"].get_absolute_url())

    html = response.content.decode()
    assert "Members Programme" in html and "Members Tool" in html
    assert "Members only" in html
    assert "Hidden Programme" not in html and "Draft Tool" not in html
    assert response.context["tool_total"] == 3


def test_riskarea_detail_links_to_filtered_lists_and_its_source(client, catalogue):
    drugs = catalogue["drugs"]
    drugs.source_url = (
        "https://www.wcoomd.org/en/topics/enforcement-and-compliance.aspx"
    )
    drugs.save()

    html = client.get(drugs.get_absolute_url()).content.decode()

    assert f'href="{reverse("programmes:tool-list")}?risk_area=drugs"' in html
    assert f'href="{reverse("programmes:programme-list")}?risk_area=drugs"' in html
    assert f'href="{drugs.source_url}"' in html


def test_riskarea_detail_old_slug_redirects_permanently(client, catalogue):
    drugs = catalogue["drugs"]
    drugs.slug = "drugs-enforcement"
    drugs.save()

    response = client.get("/risk-areas/drugs/")

    assert response.status_code == 301
    assert response["Location"] == "/risk-areas/drugs-enforcement/"


def test_riskarea_detail_unknown_slug_is_not_found(client, catalogue):
    response = client.get("/risk-areas/no-such-area/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_riskarea_detail_in_french_says_the_text_is_shown_in_english(client, catalogue):
    with translation.override("fr"):
        url = catalogue["drugs"].get_absolute_url()

    html = client.get(url).content.decode()

    assert url.startswith("/fr/")
    assert "fallback-notice" in html


# CEP components ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reader", "tools"), [(None, 1), ("outsider", 1), ("member", 2)]
)
def test_cepcomponent_list_shows_visible_tool_counts(
    client, catalogue, request, reader, tools
):
    _sign_in(client, reader and request.getfixturevalue(reader))

    response = client.get(reverse("risk_areas:cepcomponent-list"))

    assert response.status_code == 200
    components = _by_slug(response.context["components"])
    assert components["technology-and-infrastructure"].tool_count == tools
    assert 'href="/tools/?component=technology-and-infrastructure"' in (
        response.content.decode()
    )


def test_cepcomponent_list_counts_visible_programmes_of_visible_tools(
    client, catalogue
):
    response = client.get(reverse("risk_areas:cepcomponent-list"))

    components = _by_slug(response.context["components"])
    # CEN is in the public programme and the restricted one; only the first counts.
    assert components["technology-and-infrastructure"].programme_count == 1


def test_cepcomponent_detail_lists_tools_with_their_risk_areas(client, catalogue):
    response = client.get(catalogue["technology"].get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert [tool.name for tool in response.context["tools"]] == [
        "Customs Enforcement Network"
    ]
    assert 'href="/risk-areas/revenue/"' in html
    counts = {
        row["risk_area"].slug: row["count"] for row in response.context["tools_by_area"]
    }
    assert counts == {"drugs": 1, "revenue": 1}
    assert 'href="/tools/?component=technology-and-infrastructure"' in html


def test_cepcomponent_detail_lists_the_programmes_its_tools_belong_to(
    client, catalogue
):
    response = client.get(catalogue["technology"].get_absolute_url())

    rows = [
        (row["programme"].name, row["count"])
        for row in response.context["programme_rows"]
    ]
    assert rows == [("Drugs and Precursors Programme", 1)]


@pytest.mark.parametrize("reader", [None, "outsider"])
def test_cepcomponent_detail_hides_draft_and_restricted_records(
    client, catalogue, request, reader
):
    _sign_in(client, reader and request.getfixturevalue(reader))

    html = client.get(catalogue["technology"].get_absolute_url()).content.decode()

    for hidden in ["Members Tool", "Draft Tool", "Members Programme"]:
        assert hidden not in html


def test_cepcomponent_detail_shows_restricted_records_to_members(
    client, catalogue, member
):
    client.force_login(member)

    response = client.get(catalogue["technology"].get_absolute_url())

    html = response.content.decode()
    assert "Members Tool" in html and "Members Programme" in html
    assert "Draft Tool" not in html


def test_cepcomponent_detail_old_slug_redirects_permanently(client, catalogue):
    technology = catalogue["technology"]
    technology.slug = "technology"
    technology.save()

    response = client.get("/components/technology-and-infrastructure/?page=2")

    assert response.status_code == 301
    assert response["Location"] == "/components/technology/?page=2"


def test_cepcomponent_detail_unknown_slug_is_not_found(client, catalogue):
    assert client.get("/components/no-such-component/").status_code == 404


# Sign in and error pages ---------------------------------------------------------


def test_login_page_has_labelled_fields_in_the_portal_layout(client):
    response = client.get(reverse("login"))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_username">' in html and '<label for="id_password">' in html
    assert 'class="site-header"' in html


def test_login_page_signs_in_and_returns_to_the_page_asked_for(client, member):
    response = client.post(
        reverse("login"),
        {"username": "member", "password": "pw-member-123", "next": "/risk-areas/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/risk-areas/"
    assert client.session["_auth_user_id"] == str(member.pk)


def test_login_page_shows_an_error_for_a_wrong_password(client, member):
    response = client.post(
        reverse("login"), {"username": "member", "password": "wrong"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert "correct username and password" in html


def test_logged_out_page_renders_in_the_portal_layout(client, member, settings):
    settings.LOGOUT_REDIRECT_URL = None
    client.force_login(member)

    response = client.post(reverse("logout"))

    assert response.status_code == 200
    assert "You have signed out" in response.content.decode()


def test_server_error_page_renders_without_context_or_queries(
    django_assert_num_queries,
):
    with django_assert_num_queries(0):
        html = get_template("500.html").render()

    assert "Something went wrong" in html
    assert "{%" not in html


# Bounded queries -------------------------------------------------------------------


def _catalogue_of(size):
    areas = [make_risk_area(f"Area {n}") for n in range(5)]
    components = [make_component(f"Component {n}") for n in range(4)]
    threats = [make_threat(f"Threat {n}", risk_area=areas[n % 5]) for n in range(10)]
    programmes = [
        make_programme(
            f"Programme {n}", risk_areas=[areas[n % 5]], supporting=[areas[(n + 1) % 5]]
        )
        for n in range(max(2, size // 5))
    ]
    for n in range(size):
        make_tool(
            f"Tool {n}",
            risk_areas=[areas[n % 5]],
            supporting=[areas[(n + 2) % 5]],
            components=[components[n % 4], components[(n + 1) % 4]],
            programmes=[programmes[n % len(programmes)]],
            threats=[threats[n % 10], threats[(n + 3) % 10]],
            access="restricted" if n % 7 == 0 else "public",
        )
    return areas[0], components[0]


@pytest.mark.parametrize("size", [3, 60])
@pytest.mark.parametrize("reader", [None, "member"])
def test_pages_run_a_fixed_number_of_queries_whatever_the_catalogue_size(
    client, django_assert_max_num_queries, request, size, reader
):
    area, component = _catalogue_of(size)
    _sign_in(client, reader and request.getfixturevalue(reader))
    # A signed-in reader adds the session, the user and the two permission queries.
    extra = 4 if reader else 0
    pages = [
        (reverse("home"), 6),
        (reverse("risk_areas:riskarea-list"), 2),
        (area.get_absolute_url(), 8),
        (reverse("risk_areas:cepcomponent-list"), 3),
        (component.get_absolute_url(), 6),
    ]

    for url, queries in pages:
        with django_assert_max_num_queries(queries + extra):
            assert client.get(url).status_code == 200


def test_expired_sign_in_form_gets_a_page_in_the_portal_layout():
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(reverse("login"), {"username": "x", "password": "y"})

    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
    assert 'class="skip-link"' in response.content.decode()
