"""The tool list's filter sidebar, chips and pagination, as a reader uses them."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import AnonymousUser

from programmes.models import Tool
from risk_areas.models import CEPComponent, RiskArea

from .conftest import on_a_phone, require_playwright

expect = require_playwright()

pytestmark = pytest.mark.browser


def query_of(page):
    return parse_qs(urlsplit(page.url).query)


def visible_tool_count(risk_areas=(), component=None):
    tools = Tool.objects.visible_to(AnonymousUser())
    if risk_areas:
        tools = tools.filter(risk_areas__slug__in=risk_areas)
    if component:
        tools = tools.filter(components__slug=component)
    return tools.distinct().count()


def tools_text(count):
    return f"{count} tool" if count == 1 else f"{count} tools"


def option(page, group, name):
    """A checkbox or radio button of the sidebar, by its group and its name."""
    sidebar = page.locator("#tool-filters")
    return sidebar.get_by_role("group", name=group).get_by_label(
        re.compile(rf"^\s*{re.escape(name)}\s*\(")
    )


def test_tool_list_filters_show_in_url_count_and_chips(site, page):
    drugs, environment = RiskArea.objects.filter(
        slug__in=["drugs", "environment"]
    ).order_by("order")
    tools_component = CEPComponent.objects.get(slug="tools")
    expected = visible_tool_count(["drugs", "environment"], "tools")
    page.goto(site.url("programmes:tool-list"))

    option(page, "Risk area", drugs.name).check()
    option(page, "Risk area", environment.name).check()
    option(page, "CEP component", tools_component.name).check()
    page.locator("#tool-filters").get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"component=tools"))
    query = query_of(page)
    assert sorted(query["risk_area"]) == ["drugs", "environment"]
    assert query["component"] == ["tools"]
    assert 0 < expected <= 25, "pick filters that give one page of results"
    expect(page.locator("#results-count")).to_have_text(tools_text(expected))
    expect(page.locator(".result-list > li")).to_have_count(expected)
    chips = page.locator(".active-filters .chip")
    expect(chips).to_have_count(3)
    chip_texts = [" ".join(text.split()) for text in chips.all_inner_texts()]
    for label in (
        f"Risk area: {drugs.name}",
        f"Risk area: {environment.name}",
        f"CEP component: {tools_component.name}",
    ):
        assert any(text.startswith(label) for text in chip_texts), (label, chip_texts)


def test_tool_list_removing_a_chip_updates_url_and_results(site, page):
    page.goto(
        site.url(
            "programmes:tool-list",
            query={"risk_area": ["drugs", "environment"], "component": "tools"},
        )
    )
    expected = visible_tool_count(["drugs"], "tools")

    page.locator(".active-filters .chip", has_text="Environment").click()

    expect(page).not_to_have_url(re.compile(r"environment"))
    query = query_of(page)
    assert query["risk_area"] == ["drugs"]
    assert query["component"] == ["tools"]
    expect(page.locator("#results-count")).to_have_text(tools_text(expected))
    expect(page.locator(".active-filters .chip")).to_have_count(2)
    expect(option(page, "Risk area", "Environment")).not_to_be_checked()
    expect(option(page, "Risk area", "Drugs")).to_be_checked()


def test_tool_list_pagination_keeps_filters(site, page):
    areas = ["revenue", "security"]
    total = visible_tool_count(areas)
    assert total > 25, "pick filters that give more than one page of results"
    page.goto(site.url("programmes:tool-list", query={"risk_area": areas}))

    page.locator(".pagination").get_by_role("link", name="Next").click()

    expect(page).to_have_url(re.compile(r"page=2"))
    query = query_of(page)
    assert sorted(query["risk_area"]) == areas
    expect(page.locator("#results-count")).to_have_text(tools_text(total))
    expect(page.locator(".pagination__summary")).to_contain_text(f"of {total}")
    expect(page.locator(".active-filters .chip")).to_have_count(2)
    expect(option(page, "Risk area", "Revenue")).to_be_checked()
    expect(option(page, "Risk area", "Security")).to_be_checked()


@on_a_phone
def test_tool_list_filters_fold_behind_a_toggle_on_a_phone(site, page):
    page.goto(site.url("programmes:tool-list"))
    toggle = page.locator(".filter-panel__toggle")
    drugs = option(page, "Risk area", "Drugs")

    expect(toggle).to_be_visible()
    expect(toggle).to_contain_text("Filters")
    expect(drugs).to_be_hidden()
    toggle.tap()

    expect(drugs).to_be_visible()
    drugs.tap()
    page.get_by_role("button", name="Apply filters").tap()
    expect(page).to_have_url(re.compile(r"risk_area=drugs"))
    expect(page.locator("#results-count")).to_have_text(
        tools_text(visible_tool_count(["drugs"]))
    )
