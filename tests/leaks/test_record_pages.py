"""A record's own page names only the linked records the reader may see, and a
secret record's page does not exist for readers who may not see it."""

import pytest
from django.urls import reverse

from tests.leaks.harness.reading import assert_hides_secrets, body_of
from tests.leaks.harness.records import (
    READERS,
    RISK_AREAS,
    SECRETS,
    expected,
    expected_counts,
    names_of,
    shown_to,
)

pytestmark = pytest.mark.django_db


def get_page(client, url_name, slug):
    return client.get(reverse(url_name, kwargs={"slug": slug}))


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("slug", RISK_AREAS)
def test_risk_area_page_lists_and_counts_only_visible_records(
    reader, slug, reader_client, catalogue
):
    client = reader_client(reader)

    response = get_page(client, "risk_areas:riskarea-detail", slug)

    context = response.context
    # The catalogue is small: each group's first few are all of it.
    coverage = context["primary_coverage"].rows + context["supporting_coverage"].rows
    programmes = [link.programme for link in coverage]
    tools = expected("tool", reader, coverage__risk_area__slug=slug)
    assert names_of(programmes) == expected(
        "programme", reader, coverage__risk_area__slug=slug
    )
    groups = [c.first_tools for c in context["component_groups"]]
    groups += [context["unassigned_coverage"]] if context["unassigned_coverage"] else []
    shown = {link.tool.name for group in groups for link in group.rows}
    assert sorted(shown) == sorted(tools)
    assert context["tool_total"] == len(tools)
    for threat in context["risk_area"].threats.all():
        threat_tools = expected("tool", reader, threats=threat)
        assert names_of(threat.first_tools) == threat_tools
        assert threat.tool_count == len(threat_tools)
    assert_hides_secrets(response, reader, shows=names_of(programmes) + tools)


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("slug", ["tools", "operations"])
def test_component_page_lists_only_visible_records(
    reader, slug, reader_client, catalogue
):
    client = reader_client(reader)

    response = get_page(client, "risk_areas:cepcomponent-detail", slug)

    context = response.context
    tools = expected("tool", reader, components__slug=slug)
    shown = names_of(context["programmes"].rows)
    assert names_of(context["tools"].rows) == tools
    assert context["tools"].count == len(tools)
    assert {
        row["risk_area"].slug: row["count"] for row in context["tools_by_area"]
    } == expected_counts(
        "tool",
        reader,
        "coverage__risk_area__slug",
        RISK_AREAS,
        components__slug=slug,
    )
    assert shown == expected(
        "programme", reader, tools__components__slug=slug, tools__name__in=tools
    )
    assert_hides_secrets(response, reader, shows=tools + shown)


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("slug", ["unodc", "interpol", "quiet-partner"])
def test_partner_page_lists_only_visible_records(
    reader, slug, reader_client, catalogue
):
    client = reader_client(reader)

    response = get_page(client, "programmes:partner-detail", slug)

    programmes = names_of(response.context["programmes"].rows)
    tools = names_of(response.context["tools"].rows)
    assert programmes == expected("programme", reader, partners__slug=slug)
    assert tools == expected("tool", reader, partners__slug=slug)
    assert_hides_secrets(response, reader, shows=programmes + tools)


@pytest.mark.parametrize("reader", READERS)
def test_programme_page_links_only_visible_tools_and_predecessors(
    reader, reader_client, catalogue
):
    client = reader_client(reader)

    response = get_page(client, "programmes:programme-detail", "revenue-programme")

    programme = response.context["programme"]
    tools = names_of(
        {tool for _c, group in response.context["tool_groups"] for tool in group.rows}
    )
    predecessors = names_of(programme.predecessors.all())
    assert tools == expected("tool", reader, programmes__slug="revenue-programme")
    assert programme.tool_count == len(tools)
    assert predecessors == expected(
        "programme", reader, successor__slug="revenue-programme"
    )
    assert_hides_secrets(response, reader, shows=tools + predecessors)


@pytest.mark.parametrize("reader", READERS)
def test_programme_page_names_a_successor_only_if_the_reader_may_see_it(
    reader, reader_client, catalogue
):
    client = reader_client(reader)

    response = get_page(client, "programmes:programme-detail", "old-revenue-programme")

    successor = response.context["successor"]
    if reader == "member":
        assert successor.slug == SECRETS["restricted_programme"].slug
    else:
        assert successor is None
    assert_hides_secrets(response, reader, shows=[successor.name] if successor else [])


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("slug", ["customs-enforcement-network", "valuation-guide"])
def test_tool_page_links_only_visible_programmes(
    reader, slug, reader_client, catalogue
):
    client = reader_client(reader)

    response = get_page(client, "programmes:tool-detail", slug)

    programmes = expected("programme", reader, tools__slug=slug)
    assert names_of(response.context["tool"].programmes.all()) == programmes
    assert_hides_secrets(response, reader, shows=programmes)


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("key", sorted(SECRETS))
def test_secret_record_page_is_404_unless_the_reader_may_see_it(
    reader, key, reader_client, catalogue
):
    secret = SECRETS[key]

    response = get_page(
        reader_client(reader), f"programmes:{secret.kind}-detail", secret.slug
    )

    if shown_to(reader, secret):
        assert response.status_code == 200
        assert secret.name in body_of(response)
    else:
        assert response.status_code == 404
        assert secret.name not in body_of(response)
