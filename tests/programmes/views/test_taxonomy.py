import pytest
from django.urls import reverse
from django.utils import translation

from programmes import cached
from tests import factories
from tests.programmes.pages import by_slug

pytestmark = pytest.mark.django_db


# Risk areas ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reader", "tools"), [(None, 2), ("outsider", 2), ("member", 3)]
)
def test_riskarea_list_shows_threats_and_visible_counts(
    client, catalogue, sign_in, reader, tools
):
    sign_in(reader)

    response = client.get(reverse("risk_areas:riskarea-list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/risk-areas/drugs/#threat-cocaine-trafficking"' in html
    assert by_slug(response.context["risk_areas"])["drugs"].tool_count == tools
    assert f"<strong>{tools}</strong> tools" in html


def test_riskarea_detail_shows_threat_anchors_with_visible_tool_counts(
    client, catalogue
):
    response = client.get(catalogue["drugs"].get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="threat-cocaine-trafficking"' in html
    assert 'id="threat-precursor-diversion"' in html
    threats = by_slug(response.context["risk_area"].threats.all())
    assert threats["cocaine-trafficking"].tool_count == 2
    assert len(threats["cocaine-trafficking"].first_tools) == 2
    assert threats["precursor-diversion"].tool_count == 0
    assert "No tool yet" in html


def test_riskarea_detail_lists_programmes_by_coverage_level(client, catalogue):
    response = client.get(catalogue["drugs"].get_absolute_url())

    primary = [c.programme.name for c in response.context["primary_coverage"].rows]
    supporting = [
        c.programme.name for c in response.context["supporting_coverage"].rows
    ]
    assert primary == ["Drugs and Precursors Programme"]
    assert supporting == ["Revenue Programme"]
    assert "Primary coverage" in response.content.decode()


def test_riskarea_detail_groups_tools_by_component(client, catalogue):
    response = client.get(catalogue["drugs"].get_absolute_url())

    groups = {
        component.slug: [link.tool.name for link in component.first_tools.rows]
        for component in response.context["component_groups"]
        if component.first_tools.count
    }
    assert groups == {
        "technology-and-infrastructure": ["Customs Enforcement Network"],
        "operational-activities": ["Detector Dog Programme"],
    }
    assert "Supporting" in response.content.decode()


@pytest.mark.parametrize("reader", [None, "outsider"])
def test_riskarea_detail_hides_draft_and_restricted_records(
    client, catalogue, sign_in, reader
):
    sign_in(reader)

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


@pytest.mark.parametrize(
    ("key", "new_slug", "old_url", "new_url"),
    [
        (
            "drugs",
            "drugs-enforcement",
            "/risk-areas/drugs/",
            "/risk-areas/drugs-enforcement/",
        ),
        (
            "technology",
            "technology",
            "/components/technology-and-infrastructure/?page=2",
            "/components/technology/?page=2",
        ),
    ],
)
def test_taxonomy_detail_old_slug_redirects_permanently(
    client, catalogue, key, new_slug, old_url, new_url
):
    record = catalogue[key]
    record.slug = new_slug
    record.save()

    response = client.get(old_url)

    assert response.status_code == 301
    assert response["Location"] == new_url


@pytest.mark.parametrize(
    "url", ["/risk-areas/no-such-area/", "/components/no-such-component/"]
)
def test_taxonomy_detail_unknown_slug_is_not_found(client, catalogue, url):
    response = client.get(url)

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
    client, catalogue, sign_in, reader, tools
):
    sign_in(reader)

    response = client.get(reverse("risk_areas:cepcomponent-list"))

    assert response.status_code == 200
    components = by_slug(response.context["components"])
    assert components["technology-and-infrastructure"].tool_count == tools
    assert 'href="/tools/?component=technology-and-infrastructure"' in (
        response.content.decode()
    )


def test_cepcomponent_list_counts_visible_programmes_of_visible_tools(
    client, catalogue
):
    response = client.get(reverse("risk_areas:cepcomponent-list"))

    components = by_slug(response.context["components"])
    # CEN is in the public programme and the restricted one; only the first counts.
    assert components["technology-and-infrastructure"].programme_count == 1


def test_cepcomponent_detail_lists_tools_with_their_risk_areas(client, catalogue):
    response = client.get(catalogue["technology"].get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert [tool.name for tool in response.context["tools"].rows] == [
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
        (programme.name, programme.count)
        for programme in response.context["programmes"].rows
    ]
    assert rows == [("Drugs and Precursors Programme", 1)]


@pytest.mark.parametrize("reader", [None, "outsider"])
def test_cepcomponent_detail_hides_draft_and_restricted_records(
    client, catalogue, sign_in, reader
):
    sign_in(reader)

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


# Bounded queries -------------------------------------------------------------------


def _catalogue_of(size):
    areas = [factories.make_risk_area(f"Area {n}") for n in range(5)]
    components = [factories.make_component(f"Component {n}") for n in range(4)]
    threats = [
        factories.make_threat(f"Threat {n}", risk_area=areas[n % 5]) for n in range(10)
    ]
    programmes = [
        factories.make_programme(
            f"Programme {n}", risk_areas=[areas[n % 5]], supporting=[areas[(n + 1) % 5]]
        )
        for n in range(max(2, size // 5))
    ]
    for n in range(size):
        factories.make_tool(
            f"Tool {n}",
            risk_areas=[areas[n % 5]],
            supporting=[areas[(n + 2) % 5]],
            components=[components[n % 4], components[(n + 1) % 4]],
            programmes=[programmes[n % len(programmes)]],
            threats=[threats[n % 10], threats[(n + 3) % 10]],
            access="restricted" if n % 7 == 0 else "public",
        )
    return areas[0], components[0]


@pytest.fixture(scope="class", params=[3, 60])
def sized_catalogue(request, django_db_setup, django_db_blocker):
    """_catalogue_of(3) and _catalogue_of(60), each built once a class."""
    with factories.shared_records(django_db_blocker):
        yield _catalogue_of(request.param)


class TestQueryCount:
    @pytest.mark.parametrize("reader", [None, "member"])
    def test_pages_run_a_fixed_number_of_queries_whatever_the_catalogue_size(
        self, client, django_assert_max_num_queries, sign_in, sized_catalogue, reader
    ):
        area, component = sized_catalogue
        sign_in(reader)
        # Every reader's page reads the catalogue's version (the key of the page
        # cache and of the small tables cached with it, read here beforehand as
        # on a running site); a signed-in reader adds the session, the user and
        # the two permission queries.
        cached.risk_areas(), cached.components(), cached.partners()
        extra = 5 if reader else 1
        pages = [
            (reverse("home"), 6),
            (reverse("risk_areas:riskarea-list"), 2),
            (area.get_absolute_url(), 6),
            # The cross-table: cells and row totals, then the column totals.
            (reverse("risk_areas:cepcomponent-list"), 3),
            (component.get_absolute_url(), 5),
        ]

        for url, queries in pages:
            with django_assert_max_num_queries(queries + extra):
                assert client.get(url).status_code == 200
