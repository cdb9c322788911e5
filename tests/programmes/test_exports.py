import csv
import io
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import http_date

from programmes.exports import catalogue_updated, neutralise
from programmes.models import Access, Programme, PublicationStatus, Tool
from programmes.search import KINDS
from tests import factories

pytestmark = pytest.mark.django_db

# Per chunk of CHUNK_SIZE records an export reads its links once more; both sizes
# here fit in one chunk, so the bound is the same.
EXPORT_QUERY_BOUND = 25
EXPORTING_PAGES = [
    "programmes:tool-list",
    "programmes:programme-list",
    "programmes:coverage",
    "programmes:search",
]


@pytest.fixture
def catalogue():
    revenue = factories.make_risk_area("Revenue")
    drugs = factories.make_risk_area("Drugs")
    tools_component = factories.make_component("Tools")
    operations = factories.make_component("Operational activities")
    undervaluation = factories.make_threat("Undervaluation", risk_area=revenue)
    unodc = factories.make_partner("UNODC")
    revenue_programme = factories.make_programme(
        "Revenue Programme", risk_areas=[revenue], supporting=[drugs], partners=[unodc]
    )
    members_programme = factories.make_programme(
        "Members Programme", risk_areas=[drugs], access=Access.RESTRICTED
    )
    factories.make_programme(
        "Draft Programme", publication_status=PublicationStatus.DRAFT
    )
    factories.make_tool(
        "Valuation Guide",
        kind="guidance",
        acronym="VG",
        risk_areas=[revenue],
        supporting=[drugs],
        components=[tools_component],
        threats=[undervaluation],
        programmes=[revenue_programme, members_programme],
        partners=[unodc],
        summary="How to check declared values.",
    )
    factories.make_tool(
        "Operation Cocaine",
        kind="operation",
        risk_areas=[drugs],
        components=[operations],
        programmes=[members_programme],
    )
    factories.make_tool(
        "Members Guide",
        kind="guidance",
        risk_areas=[drugs],
        components=[tools_component],
        access=Access.RESTRICTED,
    )
    factories.make_tool(
        "Draft Guide",
        kind="guidance",
        risk_areas=[drugs],
        publication_status=PublicationStatus.DRAFT,
    )


def download(client, name, **params):
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response


def body(response):
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(response):
    text = body(response)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def json_document(response):
    return json.loads(body(response))


# Cells and stamps ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Plain = text", "Plain = text"),
        ("", ""),
        (None, ""),
        (2011, "2011"),
    ],
)
def test_neutralise_quotes_cells_a_spreadsheet_would_run(value, expected):
    assert neutralise(value) == expected


def test_catalogue_updated_is_none_for_an_empty_catalogue():
    assert catalogue_updated() is None


def test_catalogue_updated_is_the_latest_change_of_any_record(catalogue):
    area = factories.make_risk_area("Environment")

    assert catalogue_updated() == area.updated


def test_catalogue_updated_ignores_records_the_reader_may_not_see(
    catalogue, member, outsider
):
    restricted = factories.make_tool("Later Members Tool", access=Access.RESTRICTED)
    factories.make_tool("Later Draft Tool", publication_status=PublicationStatus.DRAFT)

    assert catalogue_updated(member) == restricted.updated
    assert catalogue_updated(outsider) < restricted.updated
    assert catalogue_updated() == catalogue_updated(outsider)


# List exports -------------------------------------------------------------------


def test_tool_list_exports_csv_with_bom_and_header(client, catalogue):
    response = download(client, "programmes:tool-list", format="csv")

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = body(response)
    assert text.startswith("\ufeffName,Acronym,Kind,CEP components,")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    guide = next(row for row in rows if row["Name"] == "Valuation Guide")
    assert guide["Acronym"] == "VG"
    assert guide["Kind"] == "Guidance"
    assert guide["CEP components"] == "Tools"
    assert guide["Risk areas (primary)"] == "Revenue"
    assert guide["Risk areas (supporting)"] == "Drugs"
    assert guide["Threats"] == "Undervaluation"
    assert guide["Partners"] == "UNODC"
    assert guide["Summary"] == "How to check declared values."
    assert guide["Address"] == "http://testserver/tools/valuation-guide/"


def test_tool_list_export_has_the_rows_of_the_filtered_page(client, catalogue):
    params = {"risk_area": "drugs", "kind": "guidance", "sort": "-name"}
    page = client.get(reverse("programmes:tool-list"), params)

    response = download(client, "programmes:tool-list", format="csv", **params)

    names = [row["Name"] for row in csv_rows(response)]
    assert names == [tool.name for tool in page.context["tool_list"]]
    assert names == ["Valuation Guide"]


def test_tool_list_export_ignores_the_page_number(client, catalogue):
    for number in range(30):
        factories.make_tool(f"Extra Tool {number:02}", kind="report")

    response = download(client, "programmes:tool-list", format="csv", page="2")

    assert len(csv_rows(response)) == 32


def test_programme_list_export_honours_filters(client, catalogue):
    params = {"risk_area": "revenue"}
    page = client.get(reverse("programmes:programme-list"), params)

    response = download(client, "programmes:programme-list", format="csv", **params)

    rows = csv_rows(response)
    assert [row["Name"] for row in rows] == [
        p.name for p in page.context["programme_list"]
    ]
    assert rows[0]["Name"] == "Revenue Programme"
    assert rows[0]["Risk areas (supporting)"] == "Drugs"
    assert rows[0]["Tools"] == "Valuation Guide"


def test_exports_hide_drafts_and_restricted_from_anonymous(client, catalogue):
    tools = body(download(client, "programmes:tool-list", format="csv"))
    programmes = body(download(client, "programmes:programme-list", format="json"))

    for text in (tools, programmes):
        for hidden in ["Members", "Draft"]:
            assert hidden not in text


def test_exports_hide_restricted_from_outsider(client, catalogue, outsider):
    client.force_login(outsider)

    text = body(download(client, "programmes:tool-list", format="csv"))

    assert "Members Guide" not in text
    assert "Members Programme" not in text


def test_exports_show_restricted_to_member_but_never_drafts(client, catalogue, member):
    client.force_login(member)

    rows = csv_rows(download(client, "programmes:tool-list", format="csv"))

    names = [row["Name"] for row in rows]
    assert "Members Guide" in names
    assert "Draft Guide" not in names
    guide = next(row for row in rows if row["Name"] == "Valuation Guide")
    assert guide["Programmes"] == "Members Programme; Revenue Programme"
    members = next(row for row in rows if row["Name"] == "Members Guide")
    assert members["Access"] == "Restricted to member administrations"


def test_exports_neutralise_formulas_in_cells(client, catalogue):
    factories.make_tool("=1+2", kind="report", summary="@SUM(A1:A9)", acronym="-X")

    rows = csv_rows(download(client, "programmes:tool-list", format="csv"))

    row = next(row for row in rows if row["Summary"].endswith("(A1:A9)"))
    assert row["Name"] == "'=1+2"
    assert row["Summary"] == "'@SUM(A1:A9)"
    assert row["Acronym"] == "'-X"


def test_exports_keep_non_ascii_text_in_utf8(client, catalogue):
    factories.make_tool("Opération Ébène 東京", kind="operation")

    response = download(client, "programmes:tool-list", format="csv")

    assert "Opération Ébène 東京" in body(response)


def test_exports_are_in_the_readers_language_falling_back_to_english(client, catalogue):
    Tool.objects.filter(slug="valuation-guide").update(name_fr="Guide de l’évaluation")

    response = client.get("/fr/tools/", {"format": "csv"})

    names = [row["Nom"] if "Nom" in row else row["Name"] for row in csv_rows(response)]
    assert "Guide de l’évaluation" in names
    assert "Operation Cocaine" in names


def test_tool_list_exports_valid_json(client, catalogue):
    response = download(client, "programmes:tool-list", format="json", kind="guidance")

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    document = json_document(response)
    assert list(document) == ["catalogue_updated", "filters", "count", "results"]
    assert document["filters"] == {"kind": ["guidance"]}
    assert document["count"] == len(document["results"]) == 1
    guide = document["results"][0]
    assert guide["name"] == "Valuation Guide"
    assert guide["kind"] == "guidance"
    assert guide["risk_areas"] == [
        {"slug": "revenue", "name": "Revenue", "level": "primary"},
        {"slug": "drugs", "name": "Drugs", "level": "supporting"},
    ]
    assert guide["programmes"] == [
        {"slug": "revenue-programme", "name": "Revenue Programme"}
    ]


def test_json_export_of_an_empty_result_is_valid(client, catalogue):
    response = download(client, "programmes:tool-list", format="json", q="zzzzzz")

    document = json_document(response)
    assert document["count"] == 0
    assert document["results"] == []


def test_exports_are_stamped_with_the_catalogue_last_change(client, catalogue):
    updated = catalogue_updated(AnonymousUser())

    csv_response = download(client, "programmes:tool-list", format="csv")
    json_response = download(client, "programmes:programme-list", format="json")

    assert csv_response["Last-Modified"] == http_date(updated.timestamp())
    assert csv_response["Content-Disposition"] == (
        f'attachment; filename="cep-tools-{updated.date().isoformat()}.csv"'
    )
    assert json_response["Content-Disposition"] == (
        f'attachment; filename="cep-programmes-{updated.date().isoformat()}.json"'
    )
    assert json_document(json_response)["catalogue_updated"] == updated.isoformat()


def test_unknown_export_format_shows_the_page_with_a_message(client, catalogue):
    response = client.get(reverse("programmes:tool-list"), {"format": "xlsx<b>"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Unknown download format “xlsx&lt;b&gt;”" in html
    assert "Valuation Guide" in html


def test_list_pages_link_to_their_downloads_with_the_filters(client, catalogue):
    response = client.get(
        reverse("programmes:tool-list"), {"kind": "guidance", "page": "1"}
    )

    html = response.content.decode()
    assert 'href="?kind=guidance&amp;format=csv"' in html
    assert 'href="?kind=guidance&amp;format=json"' in html


# Coverage export ----------------------------------------------------------------


def test_coverage_exports_the_matrix_as_csv(client, catalogue):
    response = download(client, "programmes:coverage", format="csv")

    rows = csv_rows(response)
    assert list(rows[0])[:5] == [
        "Type",
        "Name",
        "Acronym",
        "Kind or status",
        "CEP components",
    ]
    by_name = {row["Name"]: row for row in rows}
    assert set(by_name) == {"Revenue Programme", "Valuation Guide", "Operation Cocaine"}
    assert by_name["Revenue Programme"]["Revenue"] == "Primary"
    assert by_name["Revenue Programme"]["Drugs"] == "Supporting"
    assert by_name["Valuation Guide"]["Risk areas covered"] == "2"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="cep-coverage-'
    )


def test_coverage_export_honours_the_filters(client, catalogue, member):
    client.force_login(member)

    document = json_document(
        download(client, "programmes:coverage", format="json", kind="guidance")
    )

    names = [record["name"] for record in document["results"]]
    assert names == [
        "Members Programme",
        "Revenue Programme",
        "Members Guide",
        "Valuation Guide",
    ]
    assert document["filters"] == {"kind": ["guidance"]}
    guide = document["results"][-1]
    assert guide["coverage"] == {"revenue": "primary", "drugs": "supporting"}


def test_coverage_unknown_export_format_shows_the_page_with_a_message(
    client, catalogue
):
    response = client.get(reverse("programmes:coverage"), {"format": "xml"})

    assert response.status_code == 200
    assert "Unknown download format “xml”" in response.content.decode()


def test_coverage_page_links_to_its_downloads(client, catalogue):
    response = client.get(reverse("programmes:coverage"), {"kind": "guidance"})

    assert 'href="?kind=guidance&amp;format=csv"' in response.content.decode()


# Search export --------------------------------------------------------------------


def search_download(client, user, q, export_format="csv"):
    if user.is_authenticated:
        client.force_login(user)
    return download(client, "programmes:search", q=q, format=export_format)


def test_search_export_has_every_visible_match(client, catalogue):
    response = search_download(client, AnonymousUser(), "guide")

    assert isinstance(response, StreamingHttpResponse)
    rows = csv_rows(response)
    assert [row["Name"] for row in rows] == ["Valuation Guide"]
    assert rows[0]["Type"] == "Tool"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="cep-search-'
    )


def test_search_export_shows_restricted_to_member_only(
    client, catalogue, member, outsider
):
    names = {
        user: [row["Name"] for row in csv_rows(search_download(client, user, "guide"))]
        for user in (member, outsider)
    }

    assert sorted(names[member]) == ["Members Guide", "Valuation Guide"]
    assert names[outsider] == ["Valuation Guide"]


def test_search_export_json_names_the_query(client, catalogue):
    document = json_document(
        search_download(client, AnonymousUser(), "revenue", "json")
    )

    assert document["filters"] == {"q": ["revenue"]}
    assert document["count"] == len(document["results"])
    types = {record["type"] for record in document["results"]}
    assert {"programme", "riskarea"} <= types


def test_search_page_downloads_its_results(client, catalogue):
    page = client.get(reverse("programmes:search"), {"q": "guide"})

    response = download(client, "programmes:search", q="guide", format="csv")

    assert 'href="?q=guide&amp;format=csv"' in page.content.decode()
    assert [row["Name"] for row in csv_rows(response)] == ["Valuation Guide"]


def test_search_export_of_an_empty_query_is_empty(client, catalogue):
    document = json_document(search_download(client, AnonymousUser(), "", "json"))

    assert document["count"] == 0
    assert document["results"] == []


def test_search_export_lists_partial_matches_as_the_page_does(client, catalogue):
    params = {"q": "valuation cocaine zebrafish"}
    page = client.get(reverse("programmes:search"), params)

    rows = csv_rows(download(client, "programmes:search", format="csv", **params))

    assert page.context["results"].partial
    names = [row["Name"] for row in rows]
    assert names == [
        hit.title for group in page.context["results"] for hit in group.hits
    ]
    assert {"Valuation Guide", "Operation Cocaine"} <= set(names)


def test_search_export_searches_once_without_the_pages_ranking(client, catalogue):
    with CaptureQueriesContext(connection) as queries:
        document = json_document(
            download(client, "programmes:search", format="json", q="valuation guide")
        )

    assert [record["name"] for record in document["results"]] == ["Valuation Guide"]
    # The stamp; whether each word is in the index; per type the ranking (one
    # statement on SQLite), whether anything matches, and one read.
    assert len(queries) <= 2 + 4 * len(KINDS)
    # The page's results (their windowed counts) are not computed first.
    assert not any(" OVER " in query["sql"] for query in queries.captured_queries)


# Queries --------------------------------------------------------------------------


@pytest.fixture
def environment():
    """A risk area, a component and a threat for records made by `grow()`."""
    area = factories.make_risk_area("Environment")
    return (
        area,
        factories.make_component("Partnerships"),
        factories.make_threat("Waste", risk_area=area),
    )


def grow(environment, numbers):
    """A programme and a tool per number, with every kind of link."""
    area, component, threat = environment
    factories.make_linked_records(
        numbers, area=area, component=component, threat=threat
    )


@pytest.mark.parametrize("size", [3, 60])
@pytest.mark.parametrize("name", EXPORTING_PAGES)
@pytest.mark.parametrize("export_format", ["csv", "json"])
def test_exports_run_a_bounded_number_of_queries(
    client,
    catalogue,
    member,
    environment,
    size,
    name,
    export_format,
    django_assert_max_num_queries,
):
    grow(environment, range(size))
    client.force_login(member)

    with django_assert_max_num_queries(EXPORT_QUERY_BOUND):
        response = client.get(reverse(name), {"format": export_format, "q": "big"})
        text = body(response)

    assert "Big Tool" in text or "Big Programme" in text


def export_queries(client, name, export_format):
    with CaptureQueriesContext(connection) as queries:
        text = body(client.get(reverse(name), {"format": export_format, "q": "big"}))
    assert "Big Tool" in text or "Big Programme" in text
    return len(queries)


@pytest.mark.parametrize("name", EXPORTING_PAGES)
@pytest.mark.parametrize("export_format", ["csv", "json"])
def test_export_queries_do_not_grow_with_the_records(
    client, catalogue, member, environment, name, export_format
):
    client.force_login(member)
    grow(environment, range(3))
    few = export_queries(client, name, export_format)

    grow(environment, range(3, 30))
    many = export_queries(client, name, export_format)

    assert many == few


def test_programme_and_tool_counts_match_their_exports(client, catalogue, member):
    client.force_login(member)

    tools = json_document(download(client, "programmes:tool-list", format="json"))
    programmes = json_document(
        download(client, "programmes:programme-list", format="json")
    )

    assert tools["count"] == Tool.objects.visible_to(member).count() == 3
    assert programmes["count"] == Programme.objects.visible_to(member).count() == 2
