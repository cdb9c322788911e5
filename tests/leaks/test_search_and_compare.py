"""Search, the coverage matrix and compare, reader by reader."""

import pytest

from tests.leaks.harness.reading import (
    answer,
    answers_alike,
    assert_hides_secrets,
    cross_table_counts,
    json_export,
)
from tests.leaks.harness.records import (
    COMPONENTS,
    NEVER_EXISTED,
    READERS,
    RISK_AREAS,
    SEARCH_WORDS,
    SECRETS,
    catalogue_slugs,
    expected,
    expected_counts,
    expected_cross_table,
    names_of,
    secrets_hidden_from,
    shown_to,
    slugs_of,
    visible_names,
)
from tests.leaks.harness.seeds import require

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("word", SEARCH_WORDS)
def test_search_finds_secret_records_only_for_members(
    reader, word, reader_client, catalogue
):
    path = require("search")
    client = reader_client(reader)
    found = [secret.name for secret in SECRETS.values() if shown_to(reader, secret)]

    response = client.get(path, {"q": word})
    data = json_export(client, path, q=word)

    assert response.status_code == 200
    assert_hides_secrets(response, reader, shows=found)
    results = response.context["results"]
    assert results.total == len(found)
    assert {group.kind.key: group.count for group in results.groups if group.count} == {
        kind: count
        for kind in ("programme", "tool")
        if (count := len([name for name in found if name in expected(kind, reader)]))
    }
    assert catalogue_slugs(data["results"]) == slugs_of(found)
    assert data["count"] == len(found)


@pytest.mark.parametrize("reader", READERS)
def test_search_counts_only_visible_records(reader, reader_client, catalogue):
    path = require("search")
    # "Programme" is in every programme's name, secret or not.
    wanted = expected("programme", reader)

    data = json_export(reader_client(reader), path, q="Programme")

    found = catalogue_slugs(data["results"])
    assert found >= slugs_of(wanted)
    assert not found & {secret.slug for secret in secrets_hidden_from(reader)}
    assert data["count"] == len(found)


@pytest.mark.parametrize("reader", READERS)
def test_coverage_matrix_rows_and_totals_count_only_visible_records(
    reader, reader_client, catalogue
):
    path = require("coverage matrix")

    response = reader_client(reader).get(path)

    context = response.context
    programmes, tools = context["programme_matrix"], context["tool_matrix"]
    assert names_of(row.record for row in programmes.rows) == expected(
        "programme", reader
    )
    assert programmes.count == len(expected("programme", reader))
    assert tools.count == len(expected("tool", reader))
    for matrix, kind in ((programmes, "programme"), (tools, "tool")):
        assert {total.risk_area.slug: total.total for total in matrix.totals} == (
            expected_counts(kind, reader, "coverage__risk_area__slug", RISK_AREAS)
        )
    cross = context["cross_table"]
    pairs = [(area, component) for area in RISK_AREAS for component in COMPONENTS]
    assert cross_table_counts(cross["rows"]) == expected_cross_table(reader, pairs)
    assert cross["count"] == len(expected("tool", reader))
    # Tools are counted by component and kind, not named: only programmes show.
    assert_hides_secrets(response, reader, shows=expected("programme", reader))


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("component", COMPONENTS)
def test_coverage_matrix_filtered_by_component_counts_only_visible_tools(
    reader, component, reader_client, catalogue
):
    path = require("coverage matrix")

    response = reader_client(reader).get(path, {"component": component})

    tools = expected("tool", reader, components__slug=component)
    assert response.context["tool_matrix"].count == len(tools)
    assert response.context["cross_table"]["count"] == len(tools)
    assert_hides_secrets(response, reader)


@pytest.mark.parametrize("reader", READERS)
def test_coverage_export_holds_only_visible_records(reader, reader_client, catalogue):
    path = require("coverage matrix")
    wanted = expected("programme", reader) + expected("tool", reader)

    data = json_export(reader_client(reader), path)

    assert catalogue_slugs(data["results"]) == slugs_of(wanted)
    assert data["count"] == len(wanted)


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("key", sorted(SECRETS))
def test_compare_with_a_secret_record_only_for_members(
    reader, key, reader_client, catalogue
):
    path = require("compare")
    client = reader_client(reader)
    secret = SECRETS[key]
    partner = "revenue-programme" if secret.kind == "programme" else "valuation-guide"
    never = NEVER_EXISTED[secret.kind]

    response = client.get(f"{path}?{secret.kind}={partner}&{secret.kind}={secret.slug}")
    unknown = client.get(f"{path}?{secret.kind}={partner}&{secret.kind}={never}")

    comparison = response.context["comparison"]
    if shown_to(reader, secret):
        assert [item.slug for item in comparison.items] == [partner, secret.slug]
        assert comparison.is_ready
    else:
        assert [item.slug for item in comparison.items] == [partner]
        assert answers_alike(answer(response), secret.slug, answer(unknown), never)
    assert_hides_secrets(response, reader, shows=names_of(comparison.items))


@pytest.mark.parametrize("reader", READERS)
def test_compare_picker_offers_only_visible_records(reader, reader_client, catalogue):
    path = require("compare")

    response = reader_client(reader).get(path)

    assert_hides_secrets(
        response,
        reader,
        shows=visible_names(reader, "programme") + visible_names(reader, "tool"),
    )
