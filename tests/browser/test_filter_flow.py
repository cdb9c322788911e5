"""After applying the filters, a keyboard user lands on the results, hears how
many there are, and the address holds only the filters chosen."""

import re

import pytest

from .conftest import require_playwright

expect = require_playwright()

pytestmark = pytest.mark.browser

# From the results heading: the sort control and its button, the two downloads,
# the one chip and "Clear all", then the first result.
TABS_TO_FIRST_RESULT = 7


def apply_drugs_filter(page):
    sidebar = page.locator("#tool-filters")
    sidebar.get_by_role("group", name="Risk area").get_by_label(
        re.compile(r"^\s*Drugs\s*\(")
    ).check()
    sidebar.get_by_role("button", name="Apply filters").click()


def expect_landed_on_results(page):
    """The page is scrolled to the results: the page's heading is out of view."""
    expect(page.get_by_role("heading", level=1)).not_to_be_in_viewport()
    expect(page.locator("#results-count")).to_be_in_viewport()


def tabs_to_first_result(page, limit):
    """Tab presses from where the focus is to the first result's link."""
    first = page.locator(".result-list > li").first.get_by_role("link").first
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if first.evaluate("link => link === document.activeElement"):
            return presses
    return None


def test_applying_filters_lands_on_the_results_and_names_their_number(site, page):
    page.goto(site.url("programmes:tool-list"))

    apply_drugs_filter(page)

    expect(page).to_have_url(re.compile(r"/tools/\?risk_area=drugs&sort=name#results$"))
    count = page.locator("#results-count").inner_text()
    assert re.fullmatch(r"\d+ tools", count)
    expect(page).to_have_title(f"{count} · Tools · CEP Portal")
    expect(page.locator("#results-count")).to_have_attribute("role", "status")
    heading = page.locator("#results")
    expect(heading).to_be_focused()
    expect_landed_on_results(page)
    expect(heading).to_have_text(f"Results: {count}")
    assert tabs_to_first_result(page, TABS_TO_FIRST_RESULT) is not None


def test_skip_link_takes_the_keyboard_to_the_results(site, page):
    page.goto(site.url("programmes:programme-list"))

    page.keyboard.press("Tab")  # the site's own skip link comes first
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to results")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")

    expect(page.locator("#results")).to_be_focused()
    assert tabs_to_first_result(page, TABS_TO_FIRST_RESULT) is not None


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_filters_without_javascript_give_the_same_tidy_address(site, page):
    page.goto(site.url("programmes:tool-list"))

    apply_drugs_filter(page)

    expect(page).to_have_url(re.compile(r"/tools/\?risk_area=drugs&sort=name#results$"))
    expect_landed_on_results(page)


def test_search_form_leaves_an_empty_search_out_of_the_address(site, page):
    page.goto(site.url("programmes:search", query={"q": "drugs"}))

    page.get_by_role("searchbox", name=re.compile("Search programmes")).fill("  ")
    page.get_by_role("button", name="Search", exact=True).click()

    expect(page).to_have_url(re.compile(r"/search/$"))
