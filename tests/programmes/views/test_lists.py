import datetime

import pytest

from programmes.models import Programme
from tests import factories
from tests.factories import DRAFT, RESTRICTED
from tests.programmes.pages import PARTNERS, PROGRAMMES, TOOLS, names, preview_url

pytestmark = pytest.mark.django_db


def build_catalogue(size):
    """`size` programmes and tools with every relation their pages show."""
    areas = [factories.make_risk_area(f"Area {n}", slug=f"area-{n}") for n in range(3)]
    components = [factories.make_component(f"Component {n}") for n in range(2)]
    partners = [factories.make_partner(f"Partner {n}") for n in range(3)]
    threats = [
        factories.make_threat(f"Threat {n}", risk_area=areas[n]) for n in range(3)
    ]
    successor = factories.make_programme("Successor Programme", risk_areas=areas[:1])
    programmes = [successor]
    for n in range(size):
        merged = n % 3 == 0
        programmes.append(
            factories.make_programme(
                f"Programme {n:03}",
                acronym=f"P{n}",
                status=Programme.Status.MERGED if merged else Programme.Status.ACTIVE,
                successor=successor if merged else None,
                merged_on=datetime.date(2024, 4, 1) if merged else None,
                risk_areas=areas[:1],
                supporting=areas[1:],
                partners=partners,
                threats=threats,
                keywords="alpha, beta",
                **(RESTRICTED if n % 4 == 1 else {}),
            )
        )
    for n in range(size):
        factories.make_tool(
            f"Tool {n:03}",
            acronym=f"T{n}",
            risk_areas=areas[:2],
            supporting=areas[2:],
            components=components,
            programmes=programmes[:3],
            partners=partners,
            threats=threats,
            **(DRAFT if n % 5 == 2 else {}),
        )
    return programmes


# Lists -------------------------------------------------------------------------


def test_programme_list_marks_merged_programmes_with_a_link_to_the_successor(
    client, pccp_family
):
    pccp, _ccp, _aircop = pccp_family

    html = client.get(PROGRAMMES).content.decode()

    link = f'<a href="{pccp.get_absolute_url()}"><span dir="ltr">PCCP</span></a>'
    assert html.count(f"Merged into {link}") == 2
    assert "result-card--merged" in html


def test_merged_programme_whose_successor_is_hidden_shows_no_link(client):
    successor = factories.make_programme("Hidden Successor", **DRAFT)
    factories.make_merged_programme(
        "Old Programme",
        successor=successor,
    )

    html = client.get(PROGRAMMES).content.decode()

    assert "Old Programme" in html
    assert "Hidden Successor" not in html
    assert successor.get_absolute_url() not in html


def test_programme_list_shows_the_number_of_results(client, pccp_family):
    assert "3 programmes" in client.get(PROGRAMMES).content.decode()
    assert (
        "1 programme" in client.get(PROGRAMMES, {"status": "active"}).content.decode()
    )


def test_programme_list_shows_acronym_badges_and_risk_area_dots(client, pccp_family):
    html = client.get(PROGRAMMES).content.decode()

    assert '<span class="acronym" dir="ltr">PCCP</span>' in html
    assert "area-dots__item area-drugs" in html
    assert "area-dots__item area-security area-dots__item--supporting" in html


def test_empty_result_says_so_and_offers_to_clear(client, pccp_family):
    html = client.get(PROGRAMMES, {"q": "nothing-matches-this"}).content.decode()

    assert "No programmes match these filters." in html
    assert "0 programmes" in html


def test_filter_form_lands_on_the_results_heading_which_reads_the_count(
    client, pccp_family
):
    html = client.get(PROGRAMMES, {"status": "active"}).content.decode()

    assert 'action="/programmes/#results"' in html
    assert (
        '<h2 id="results" class="visually-hidden" tabindex="-1">'
        "Results: 1 programme</h2>"
    ) in html


def test_catalogue_lists_offer_a_skip_link_to_the_results(client, pccp_family):
    for path in (PROGRAMMES, TOOLS):
        html = client.get(path).content.decode()

        assert '<a class="skip-link" href="#results">Skip to results</a>' in html
        # Second, after the skip link to the main content.
        assert html.index('href="#main"') < html.index('href="#results"')
        assert html.index('href="#results"') < html.index('class="site-header"')


def test_list_title_carries_the_number_of_results(client, pccp_family):
    programmes = client.get(PROGRAMMES, {"status": "active"}).content.decode()
    tools = client.get(TOOLS).content.decode()

    assert "<title>1 programme · Programmes · CEP Portal</title>" in programmes
    assert "<title>0 tools · Tools · CEP Portal</title>" in tools


def test_list_with_filters_shows_clear_all_once(client, pccp_family):
    html = client.get(PROGRAMMES, {"status": "active", "q": "control"}).content.decode()

    assert html.count("Clear all") == 1
    assert '<a class="active-filters__clear" href="/programmes/">Clear all</a>' in html


def test_list_in_arabic_names_the_results_in_arabic(client, pccp_family):
    html = client.get(f"/ar{PROGRAMMES}").content.decode()

    assert 'href="#results"' in html
    assert "Skip to results" not in html


# Pagination --------------------------------------------------------------------


def test_programme_list_pages_by_twenty_five_and_keeps_filters(client):
    drugs = factories.make_risk_area("Drugs", slug="drugs")
    for n in range(30):
        factories.make_programme(f"Programme {n:02}", order=n, risk_areas=[drugs])

    response = client.get(PROGRAMMES, {"risk_area": "drugs", "page": 2})

    assert len(names(response)) == 5
    assert names(response)[0] == "Programme 25"
    html = response.content.decode()
    assert 'href="?risk_area=drugs&amp;page=1"' in html


def test_page_number_out_of_range_shows_the_nearest_page(client):
    for n in range(30):
        factories.make_programme(f"Programme {n:02}", order=n)

    assert names(client.get(PROGRAMMES, {"page": 99}))[0] == "Programme 25"
    assert names(client.get(PROGRAMMES, {"page": 0}))[0] == "Programme 00"
    assert names(client.get(PROGRAMMES, {"page": -3}))[0] == "Programme 00"
    assert names(client.get(PROGRAMMES, {"page": "last"}))[0] == "Programme 25"


@pytest.mark.parametrize("page", ["abc", "1.5", "9" * 5000, "\x00"])
def test_page_that_is_not_a_number_is_not_found(client, page):
    factories.make_programme("Revenue Programme")

    assert client.get(PROGRAMMES, {"page": page}).status_code == 404
    assert client.get(TOOLS, {"page": page}).status_code == 404


def test_empty_list_with_a_page_number_still_answers(client):
    assert client.get(TOOLS, {"page": 3}).status_code == 200


# Partners ----------------------------------------------------------------------


def test_partner_list_counts_only_visible_programmes_and_tools(client, member):
    unodc = factories.make_partner("UNODC", acronym="UNODC")
    factories.make_partner("Lonely Partner")
    factories.make_programme("Public Programme", partners=[unodc])
    factories.make_programme("Members Programme", partners=[unodc], **RESTRICTED)
    factories.make_programme("Draft Programme", partners=[unodc], **DRAFT)
    factories.make_tool("Public Tool", partners=[unodc])
    factories.make_tool("Draft Tool", partners=[unodc], **DRAFT)

    partners = {p.name: p for p in client.get(PARTNERS).context["partners"]}

    assert partners["UNODC"].programme_count == 1
    assert partners["UNODC"].tool_count == 1
    assert partners["Lonely Partner"].programme_count == 0
    client.force_login(member)
    partners = {p.name: p for p in client.get(PARTNERS).context["partners"]}
    assert partners["UNODC"].programme_count == 2


def test_partner_list_groups_partners_by_kind_with_links_to_filtered_lists(client):
    factories.make_partner("UNODC", kind="international-organisation")
    factories.make_partner("Japan Customs", kind="customs-administration")

    html = client.get(PARTNERS).content.decode()

    assert "International organisation" in html
    assert "Customs administration" in html
    assert html.index("International organisation") < html.index(
        "Customs administration"
    )
    assert "2 organisations" in html


# Bounded queries ---------------------------------------------------------------


def _pages(programmes):
    programme = programmes[1]
    tool = programme.tools.first()
    partner = programme.partners.first()
    return [
        PROGRAMMES,
        f"{PROGRAMMES}?risk_area=area-0&risk_area=area-1&partner=partner-0&q=programme",
        f"{PROGRAMMES}?component=component-0&status=merged&sort=name&page=2",
        TOOLS,
        f"{TOOLS}?risk_area=area-0&kind=it-system&programme=successor-programme",
        f"{TOOLS}?component=component-1&partner=partner-1&q=tool&sort=recent",
        programmes[0].get_absolute_url(),
        programme.get_absolute_url(),
        tool.get_absolute_url(),
        PARTNERS,
        partner.get_absolute_url(),
    ]


@pytest.fixture(scope="class", params=[3, 60])
def sized_catalogue(request, django_db_setup, django_db_blocker):
    """build_catalogue(3) and build_catalogue(60), each built once a class."""
    with factories.shared_records(django_db_blocker):
        yield build_catalogue(request.param)


class TestQueryCount:
    def test_every_page_runs_a_bounded_number_of_queries_for_anonymous_users(
        self, client, django_assert_max_num_queries, sized_catalogue
    ):
        pages = _pages(sized_catalogue)

        # A search adds whether each word is in the index and, on SQLite, the
        # ranking statement; the page cache reads the catalogue's version first.
        for url in pages:
            with django_assert_max_num_queries(16):
                assert client.get(url).status_code == 200, url

    def test_every_page_runs_a_bounded_number_of_queries_for_members(
        self, client, member, django_assert_max_num_queries, sized_catalogue
    ):
        pages = _pages(sized_catalogue)
        client.force_login(member)

        for url in pages:
            with django_assert_max_num_queries(19):
                assert client.get(url).status_code == 200, url

    def test_preview_runs_a_bounded_number_of_queries(
        self, client, editor, django_assert_max_num_queries, sized_catalogue
    ):
        client.force_login(editor)

        with django_assert_max_num_queries(17):
            assert client.get(preview_url(sized_catalogue[0])).status_code == 200
