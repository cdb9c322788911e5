"""What a reader sees of the layout: phone screens, languages, right-to-left Arabic."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from programmes.models import Tool

from .conftest import MAIN_PAGES, PHONE, on_a_phone, require_playwright

expect = require_playwright()

pytestmark = pytest.mark.browser

SCROLL_WIDTH = "() => [document.scrollingElement.scrollWidth, window.innerWidth]"
# The first few elements that stick out of the viewport, to name in a failure.
OVERFLOWING = """() => {
  const width = window.innerWidth;
  return [...document.querySelectorAll("body *")]
    .map((element) => [element, element.getBoundingClientRect()])
    .filter(([, box]) => box.width > 0 && (box.right > width + 1 || box.left < -1))
    .filter(([element]) => !element.closest(".skip-link"))
    .slice(0, 5)
    .map(([element, box]) =>
      `<${element.tagName.toLowerCase()} class="${element.className}"> ` +
      `left ${Math.round(box.left)}, right ${Math.round(box.right)}`);
}"""


def pages_scrolling_sideways(site, page):
    too_wide = []
    for main_page in MAIN_PAGES:
        for lang in ("en", "ar"):
            url = site.page_url(main_page, lang)
            response = page.goto(url)
            assert response.status == 200, f"{url} answered {response.status}"

            scroll_width, inner_width = page.evaluate(SCROLL_WIDTH)

            if scroll_width > inner_width:
                culprits = "\n    ".join(page.evaluate(OVERFLOWING))
                too_wide.append(
                    f"{site.path(url)}: {scroll_width} px wide in a {inner_width} px "
                    f"viewport; sticking out:\n    {culprits}"
                )
    return too_wide


@on_a_phone
def test_main_pages_fit_a_phone_screen_without_sideways_scrolling(site, page):
    too_wide = pages_scrolling_sideways(site, page)
    assert not too_wide, "Pages scroll sideways on a phone:\n" + "\n".join(too_wide)


# The narrowest phones in use, such as the iPhone SE (first generation).
@pytest.mark.browser_context_args(
    viewport={"width": 320, "height": 568}, has_touch=True, is_mobile=True
)
def test_main_pages_fit_a_320_px_screen_without_sideways_scrolling(site, page):
    too_wide = pages_scrolling_sideways(site, page)
    assert not too_wide, "Pages scroll sideways at 320 px:\n" + "\n".join(too_wide)


def test_language_switcher_keeps_page_and_filters(site, page):
    page.goto(site.url("programmes:tool-list", query={"risk_area": "drugs"}))

    page.locator(".lang-switcher").get_by_role("link", name="Français").click()

    expect(page).to_have_url(
        site.url("programmes:tool-list", lang="fr", query={"risk_area": "drugs"})
    )
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#tool-filters input[value=drugs]")).to_be_checked()


def test_arabic_pages_are_laid_out_right_to_left(site, page):
    def header_boxes():
        nav_links = page.locator(".site-nav a")
        return {
            "brand": page.locator(".brand").bounding_box(),
            "nav": page.locator(".site-nav ul").bounding_box(),
            "first": nav_links.nth(0).bounding_box(),
            "second": nav_links.nth(1).bounding_box(),
        }

    def right(box):
        return box["x"] + box["width"]

    page.goto(site.url("programmes:tool-list"))
    en = header_boxes()
    page.goto(site.url("programmes:tool-list", lang="ar"))
    ar = header_boxes()
    page.keyboard.press("Tab")
    skip_link = page.locator(":focus").bounding_box()

    middle = page.viewport_size["width"] / 2
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    # English: the brand at the left; the menu starts at its left edge and reads
    # left to right.
    assert right(en["brand"]) < middle, en["brand"]
    assert en["first"]["x"] == pytest.approx(en["nav"]["x"], abs=2), en
    assert right(en["first"]) <= en["second"]["x"], en
    # Arabic mirrors it: the brand at the right; the menu starts at its right edge
    # and reads right to left; the skip link shows at the right.
    assert ar["brand"]["x"] > middle, f"brand not on the right: {ar['brand']}"
    assert right(ar["first"]) == pytest.approx(right(ar["nav"]), abs=2), (
        f"menu does not start at the right: {ar}"
    )
    assert right(ar["second"]) <= ar["first"]["x"], f"menu not read right to left: {ar}"
    assert skip_link["x"] > middle, f"skip link not on the right: {skip_link}"


# A phone, with scripts off: the menu must open without them.
@pytest.mark.browser_context_args(
    viewport=PHONE, has_touch=True, is_mobile=True, java_script_enabled=False
)
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_phone_header_is_short_and_its_menu_opens_without_javascript(site, page, lang):
    page.goto(site.url("programmes:tool-list", lang=lang))
    header = page.locator(".site-header").bounding_box()
    languages = page.locator(".lang-switcher__link")
    tops = {round(link.bounding_box()["y"]) for link in languages.all()}
    menu = page.locator(".site-menu__toggle")
    programmes = page.locator(".site-nav a").nth(1)

    assert header["height"] <= 120, f"the header takes {header['height']} px of 844"
    assert languages.count() == 5 and len(tops) == 1, f"languages on {len(tops)} lines"
    expect(menu).to_be_visible()
    expect(page.locator(".site-nav")).to_be_hidden()
    menu.tap()
    expect(page.locator(".site-nav")).to_be_visible()
    expect(page.locator(".account--menu").get_by_role("link")).to_be_visible()
    programmes.tap()
    expect(page).to_have_url(site.url("programmes:programme-list", lang=lang))


def test_desktop_shows_the_menu_without_a_menu_button(site, page):
    page.goto(site.url("home"))

    expect(page.locator(".site-menu__toggle")).to_be_hidden()
    expect(page.locator(".site-nav").get_by_role("link")).to_have_count(7)
    for link in page.locator(".site-nav").get_by_role("link").all():
        expect(link).to_be_visible()
    expect(
        page.locator(".account--bar").get_by_role("link", name="Sign in")
    ).to_be_visible()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_risk_area_lists_each_tool_by_its_full_name_as_a_link(site, page, lang):
    page.goto(
        site.url("risk_areas:riskarea-detail", lang=lang, kwargs={"slug": "drugs"})
    )
    links = page.locator(".threat .tool-links a")
    expect(links.first).to_be_visible()

    shown = links.evaluate_all(
        """(links) => links.map((link) => {
          const style = getComputedStyle(link);
          return {
            text: link.innerText,
            href: link.getAttribute("href"),
            underlined: style.textDecorationLine.includes("underline"),
            clipped: link.scrollWidth > link.clientWidth + 1
              || style.textOverflow === "ellipsis",
          };
        })"""
    )
    with translation.override(lang):
        names = {
            tool.get_absolute_url(): tool.name
            for tool in Tool.objects.visible_to(AnonymousUser())
        }
    # Long lists end with "See all N" (the list filtered by the threat).
    tool_links = [link for link in shown if link["href"] in names]
    assert tool_links
    problems = [
        f"{link['href']}: {link['text']!r}"
        + ("" if link["underlined"] else " (not underlined)")
        + (" (clipped)" if link["clipped"] else "")
        for link in tool_links
        if names[link["href"]] not in link["text"]
        or "…" in link["text"]
        or not link["underlined"]
        or link["clipped"]
    ]
    assert not problems, "Tool links without their full name:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_printed_tool_page_gives_full_source_addresses_and_no_keywords(
    site, page, lang
):
    tool = Tool.objects.get(slug="archeo")
    long_sources = [url for url in tool.sources if len(url) > 60]
    assert long_sources, "pick a tool whose source address is long"
    page.goto(site.url("programmes:tool-detail", lang=lang, kwargs={"slug": "archeo"}))
    expect(page.locator(".side-box--keywords")).to_be_visible()

    page.emulate_media(media="print")

    printed = [
        " ".join(text.split())
        for text in page.locator(".source-list a").all_inner_texts()
    ]
    for url in long_sources:
        assert url in printed, f"{url} is not printed in full: {printed}"
    assert not any("…" in text for text in printed), printed
    expect(page.locator(".side-box--keywords")).to_be_hidden()
