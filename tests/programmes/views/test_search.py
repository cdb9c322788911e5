import json

import pytest

from programmes.models import Access, PublicationStatus
from tests import factories
from tests.programmes.search.queries import BAD_QUERIES

pytestmark = pytest.mark.django_db

SEARCH = "/search/"


def page_slugs(response):
    return [
        hit.object.slug for group in response.context["results"] for hit in group.hits
    ]


def test_search_page_escapes_record_text(client):
    factories.make_programme(
        "Ivory <script>alert(1)</script> Programme", summary="<b>ivory</b>"
    )

    html = client.get("/search/", {"q": "ivory"}).content.decode()

    assert "<script>alert(1)" not in html
    assert "Ivory &lt;script&gt;alert(1)&lt;/script&gt; Programme" in html
    assert "<b>ivory" not in html
    assert "<mark>ivory</mark>" in html


def test_search_page_lists_results_by_type_with_links_and_a_count(client):
    area = factories.make_risk_area("Environment", keywords="ivory")
    factories.make_threat("Wildlife trafficking", risk_area=area, keywords="ivory")
    programme = factories.make_programme(
        "Environment Programme", keywords="ivory, timber"
    )
    tool = factories.make_tool("Operation Thunder", keywords="ivory")

    response = client.get(SEARCH, {"q": "What do we have against ivory smuggling?"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "4 results for" in html
    assert f'href="{programme.get_absolute_url()}"' in html
    assert f'href="{tool.get_absolute_url()}"' in html
    assert f'href="{area.get_absolute_url()}"' in html
    assert html.index('id="results-programme"') < html.index('id="results-tool"')
    assert "<mark>ivory</mark>" in html


def test_search_page_keeps_and_escapes_the_query(client):
    factories.make_programme("Ivory Programme")

    response = client.get(SEARCH, {"q": "<script>alert(1)</script> ivory"})

    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt; ivory"' in html


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_search_page_answers_any_query(client, query):
    factories.make_risk_area("Environment")
    factories.make_programme("Ivory Programme")

    # An empty or blank query is first sent to the address without it.
    response = client.get(SEARCH, {"q": query}, follow=True)

    assert response.status_code == 200
    if response.context["results"].query.is_empty:
        assert "Try one of these searches" in response.content.decode()


def test_search_page_without_a_query_invites_a_search(client):
    area = factories.make_risk_area("Environment")

    response = client.get(SEARCH)

    html = response.content.decode()
    assert response.status_code == 200
    assert "What are you looking for?" in html
    assert f'href="{area.get_absolute_url()}"' in html


def test_search_page_with_only_common_words_says_so(client):
    response = client.get(SEARCH, {"q": "who is on it?"})

    assert "Common words are left out of a search" in response.content.decode()


def test_search_page_suggests_other_searches_when_nothing_matches(client):
    area = factories.make_risk_area("Environment")

    response = client.get(SEARCH, {"q": "zebrafish"})

    html = response.content.decode()
    assert "Nothing found for “zebrafish”" in html
    assert f'href="{area.get_absolute_url()}"' in html


def test_search_page_says_when_it_shows_records_with_some_words(client):
    factories.make_programme("Ivory Programme")

    response = client.get(SEARCH, {"q": "ivory zebrafish"})

    assert "No record contains every word" in response.content.decode()
    assert page_slugs(response) == ["ivory-programme"]


def test_search_page_shows_restricted_records_to_members_only(client, member):
    factories.make_programme("Ivory Members Programme", access=Access.RESTRICTED)
    factories.make_programme(
        "Ivory Draft Programme", publication_status=PublicationStatus.DRAFT
    )

    anonymous_page = client.get(SEARCH, {"q": "ivory"})
    client.force_login(member)
    member_page = client.get(SEARCH, {"q": "ivory"})

    assert page_slugs(anonymous_page) == []
    assert "Ivory Members" not in anonymous_page.content.decode()
    assert page_slugs(member_page) == ["ivory-members-programme"]
    assert "Draft" not in member_page.content.decode()


def test_search_page_speaks_the_readers_language(client):
    factories.make_programme(
        "Environment Programme",
        name_fr="Programme environnement",
        summary_fr="Douanes vertes et environnement.",
    )

    response = client.get("/fr/search/", {"q": "environnement"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Programme environnement" in html
    assert "<mark>environnement</mark>" in html
    assert "/fr/programmes/environment-programme/" in html


def test_search_page_marks_english_fallback_text(client):
    factories.make_programme("Ivory Programme", summary="Ivory seizures.")

    response = client.get("/fr/search/", {"q": "ivory"})

    assert 'lang="en"' in response.content.decode()


def test_search_page_downloads_its_results(client):
    factories.make_programme("Ivory Programme")
    factories.make_tool("Ivory Tool")

    response = client.get(SEARCH, {"q": "ivory", "format": "json"})

    assert response["Content-Type"].startswith("application/json")
    data = json.loads(b"".join(response.streaming_content))
    assert data["count"] == 2
    assert [record["slug"] for record in data["results"]] == [
        "ivory-programme",
        "ivory-tool",
    ]


@pytest.mark.parametrize("size", [3, 30])
def test_search_page_query_count_does_not_grow_with_the_catalogue(
    client, size, django_assert_max_num_queries
):
    area = factories.make_risk_area("Environment", keywords="ivory")
    threat = factories.make_threat(
        "Wildlife trafficking", risk_area=area, keywords="ivory"
    )
    for number in range(size):
        factories.make_programme(f"Ivory Programme {number}", threats=[threat])
        factories.make_tool(f"Ivory Tool {number}", threats=[threat])
        factories.make_partner(f"Ivory Partner {number}")

    # The page cache's version; the ranking (one statement for every type, on
    # SQLite); a list per type; the threats of programmes and tools; every
    # snippet in one. At most the ten of any page (test_bounded.py).
    with django_assert_max_num_queries(10):
        response = client.get(SEARCH, {"q": "ivory"})

    assert response.status_code == 200
    assert f"{3 * size + 2} results for" in response.content.decode()


def test_search_page_shows_each_records_summary_and_why_it_matched(client):
    factories.make_programme(
        "Brand Programme",
        summary="Seizes counterfeit watches at the border.",
        keywords="IPR, brands",
    )

    html = client.get(SEARCH, {"q": "fake"}).content.decode()

    assert (
        '<p class="result-card__summary">Seizes <mark>counterfeit</mark> watches '
        "at the border.</p>"
    ) in html
    assert (
        '<p class="result-card__reason">Matched “counterfeit” for your “fake”</p>'
    ) in html
    assert "Also searched for:" in html


def test_search_page_marks_a_summary_shown_in_english(client):
    factories.make_programme("Ivory Programme", summary="Stops ivory trafficking.")

    html = client.get(f"/ar{SEARCH}", {"q": "ivory"}).content.decode()

    assert (
        '<p class="result-card__summary" lang="en" dir="ltr">Stops <mark>ivory</mark>'
    ) in html


def test_search_page_highlights_without_running_record_text(client):
    factories.make_programme(
        "Ivory Programme",
        summary="<script>alert('ivory')</script> <img src=x onerror=alert(1)>",
        keywords="<script>alert(2)</script>, ivory",
    )

    html = client.get(SEARCH, {"q": "ivory"}).content.decode()

    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;<mark>ivory</mark>&#x27;)&lt;/script&gt;" in html


def test_search_page_title_carries_the_number_of_results(client):
    factories.make_programme("Ivory Programme")
    factories.make_tool("Ivory Tool")

    found = client.get(SEARCH, {"q": "ivory"}).content.decode()
    french = client.get(f"/fr{SEARCH}", {"q": "ivory"}).content.decode()
    nothing = client.get(SEARCH, {"q": "who"}).content.decode()

    assert "<title>2 results for “ivory” · Search · CEP Portal</title>" in found
    assert "<title>2 résultats pour «\u00a0ivory\u00a0» · Rechercher" in french
    assert "<title>Search: who · CEP Portal</title>" in nothing
