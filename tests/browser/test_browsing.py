"""Finding one's way: from the home page to a risk area, and by keyboard alone."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser

from programmes.models import Tool
from risk_areas.models import RiskArea

from .conftest import require_playwright

expect = require_playwright()

pytestmark = pytest.mark.browser


def test_home_risk_area_card_leads_to_its_threats_and_tools(site, page):
    drugs = RiskArea.objects.get(slug="drugs")
    threats = sorted(drugs.threats.values_list("name", flat=True))
    tools = sorted(
        Tool.objects.visible_to(AnonymousUser())
        .filter(risk_areas=drugs)
        .distinct()
        .values_list("name", flat=True)
    )
    page.goto(site.url("home"))

    page.locator(".card-grid--areas").get_by_role(
        "link", name=drugs.name, exact=True
    ).click()

    expect(page).to_have_url(
        site.url("risk_areas:riskarea-detail", kwargs={"slug": "drugs"})
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(drugs.name)
    shown_threats = page.locator("#threats .threat__title").all_inner_texts()
    assert sorted(shown_threats) == threats
    assert threats and tools, (
        "the bundled catalogue should give Drugs threats and tools"
    )
    # The first few tools of each component, and a link to all of them.
    shown_tools = page.locator("#tools tbody th[scope=row] a").all_inner_texts()
    assert shown_tools and set(shown_tools) <= set(tools)
    page.locator("#tools").get_by_role(
        "link", name="All tools for this risk area"
    ).click()
    expect(page.locator("#results")).to_contain_text(f"{len(tools)} tools")


def test_skip_link_is_first_tab_stop_and_moves_focus_to_main(site, page):
    page.goto(site.url("programmes:tool-list"))

    page.keyboard.press("Tab")

    skip_link = page.locator(":focus")
    expect(skip_link).to_have_class(re.compile(r"\bskip-link\b"))
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator(":focus")).to_have_id("main")
    expect(page).to_have_url(re.compile(r"#main$"))
