"""Lists, counts and filter options, reader by reader.

Anonymous readers and signed-in users without the permission (`outsider`) see
neither restricted records nor drafts; members see restricted records once
published, never drafts.
"""

import pytest
from django.urls import reverse

from programmes.models import Partner, Programme, Tool
from risk_areas.models import CEPComponent, RiskArea
from tests.leaks.harness.reading import (
    assert_hides_secrets,
    cross_table_counts,
    facet_counts,
)
from tests.leaks.harness.records import (
    COMPONENTS,
    READERS,
    RISK_AREAS,
    SECRETS,
    expected,
    expected_counts,
    expected_cross_table,
    names_of,
    visible_names,
)

pytestmark = pytest.mark.django_db


def slugs(queryset):
    return list(queryset.values_list("slug", flat=True))


@pytest.mark.parametrize("kind", ["programme", "tool"])
@pytest.mark.parametrize("reader", READERS)
def test_list_shows_and_counts_only_what_the_reader_may_see(
    reader, kind, reader_client, catalogue
):
    response = reader_client(reader).get(reverse(f"programmes:{kind}-list"))

    wanted = visible_names(reader, kind)
    assert response.status_code == 200
    assert names_of(response.context["object_list"]) == wanted
    assert response.context["result_count"] == len(wanted)
    assert_hides_secrets(response, reader, shows=wanted)


@pytest.mark.parametrize("reader", READERS)
def test_programme_list_filter_options_count_only_visible_programmes(
    reader, reader_client, catalogue
):
    response = reader_client(reader).get(reverse("programmes:programme-list"))

    counts = {name: facet_counts(response, name) for name in ("risk_area", "partner")}
    assert counts == {
        "risk_area": expected_counts(
            "programme", reader, "coverage__risk_area__slug", slugs(RiskArea.objects)
        ),
        "partner": expected_counts(
            "programme", reader, "partners__slug", slugs(Partner.objects)
        ),
    }
    assert facet_counts(response, "component") == expected_counts(
        "programme",
        reader,
        "tools__components__slug",
        slugs(CEPComponent.objects),
        tools__name__in=expected("tool", reader),
    )
    assert facet_counts(response, "status") == expected_counts(
        "programme", reader, "status", Programme.Status.values
    )


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("risk_area", RISK_AREAS)
def test_programme_list_filtered_by_risk_area_counts_only_visible_programmes(
    reader, risk_area, reader_client, catalogue
):
    client = reader_client(reader)

    response = client.get(
        reverse("programmes:programme-list"), {"risk_area": risk_area}
    )

    wanted = expected("programme", reader, coverage__risk_area__slug=risk_area)
    assert names_of(response.context["object_list"]) == wanted
    assert response.context["result_count"] == len(wanted)


@pytest.mark.parametrize("reader", READERS)
def test_tool_list_filter_options_count_only_visible_tools(
    reader, reader_client, catalogue
):
    response = reader_client(reader).get(reverse("programmes:tool-list"))

    facets = ("risk_area", "component", "partner", "kind", "programme")
    # A programme the reader may not see is not even an option.
    programmes = Programme.objects.filter(name__in=visible_names(reader, "programme"))
    assert {name: facet_counts(response, name) for name in facets} == {
        "risk_area": expected_counts(
            "tool", reader, "coverage__risk_area__slug", slugs(RiskArea.objects)
        ),
        "component": expected_counts(
            "tool", reader, "components__slug", slugs(CEPComponent.objects)
        ),
        "partner": expected_counts(
            "tool", reader, "partners__slug", slugs(Partner.objects)
        ),
        "kind": expected_counts("tool", reader, "kind", Tool.Kind.values),
        "programme": expected_counts(
            "tool", reader, "programmes__slug", slugs(programmes)
        ),
    }


@pytest.mark.parametrize("reader", READERS)
def test_tool_list_filtered_by_secret_programme_is_like_an_unknown_one(
    reader, reader_client, catalogue
):
    secret = SECRETS["restricted_programme"]

    response = reader_client(reader).get(
        reverse("programmes:tool-list"), {"programme": secret.slug}
    )

    tools = names_of(response.context["object_list"])
    if reader == "member":
        assert tools == expected("tool", reader, programmes__slug=secret.slug)
        assert response.context["ignored"] == []
    else:
        assert tools == visible_names(reader, "tool")
        assert len(response.context["ignored"]) == 1


def area_counts(reader, slugs):
    """{risk area: (programmes, tools)} the reader should find there."""
    programmes = expected_counts(
        "programme", reader, "coverage__risk_area__slug", slugs
    )
    tools = expected_counts("tool", reader, "coverage__risk_area__slug", slugs)
    return {slug: (programmes[slug], tools[slug]) for slug in slugs}


@pytest.mark.parametrize("reader", READERS)
def test_home_counts_only_visible_records(reader, reader_client, catalogue):
    response = reader_client(reader).get(reverse("home"))

    context = response.context
    assert context["programme_total"] == len(visible_names(reader, "programme"))
    assert context["tool_total"] == len(visible_names(reader, "tool"))
    assert {
        area.slug: (area.programme_count, area.tool_count)
        for area in context["risk_areas"]
    } == area_counts(reader, slugs(RiskArea.objects))
    assert {
        component.slug: component.tool_count for component in context["components"]
    } == expected_counts("tool", reader, "components__slug", COMPONENTS)
    assert_hides_secrets(response, reader)


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("page", ["home", "risk_areas:cepcomponent-list"])
def test_cross_table_counts_only_visible_tools(reader, page, reader_client, catalogue):
    response = reader_client(reader).get(reverse(page))

    cells = cross_table_counts(response.context["cross_table"]["rows"])
    assert cells == expected_cross_table(reader, cells)
    assert cells[("security", "operations")] == (1 if reader == "member" else 0)


@pytest.mark.parametrize("reader", READERS)
def test_risk_area_list_counts_only_visible_records(reader, reader_client, catalogue):
    response = reader_client(reader).get(reverse("risk_areas:riskarea-list"))

    assert {
        area.slug: (area.programme_count, area.tool_count)
        for area in response.context["risk_areas"]
    } == area_counts(reader, RISK_AREAS)


@pytest.mark.parametrize("reader", READERS)
def test_component_list_counts_only_visible_records(reader, reader_client, catalogue):
    response = reader_client(reader).get(reverse("risk_areas:cepcomponent-list"))

    tools = expected_counts("tool", reader, "components__slug", COMPONENTS)
    programmes = expected_counts(
        "programme",
        reader,
        "tools__components__slug",
        COMPONENTS,
        tools__name__in=expected("tool", reader),
    )
    assert {
        component.slug: (component.tool_count, component.programme_count)
        for component in response.context["components"]
    } == {slug: (tools[slug], programmes[slug]) for slug in COMPONENTS}


@pytest.mark.parametrize("reader", READERS)
def test_partner_list_counts_only_visible_records(reader, reader_client, catalogue):
    response = reader_client(reader).get(reverse("programmes:partner-list"))

    programmes = expected_counts(
        "programme", reader, "partners__slug", slugs(Partner.objects)
    )
    tools = expected_counts("tool", reader, "partners__slug", slugs(Partner.objects))
    assert {
        partner.slug: (partner.programme_count, partner.tool_count)
        for partner in response.context["partners"]
    } == {slug: (programmes[slug], tools[slug]) for slug in slugs(Partner.objects)}
