"""The coverage matrix, compare tables and the home page table, as readers see them."""

import pytest

from .conftest import CONTRAST_JS, on_a_phone, require_playwright

require_playwright()

pytestmark = pytest.mark.browser

AREAS = ["revenue", "drugs", "ipr-health-safety", "security", "environment"]

# For one risk area's cells of the programme matrix: how far apart the levels are.
# Two levels are told apart by their fills or, for a supporting cell, by its frame
# (an inset box-shadow) against the other level's fill.
LEVEL_CONTRASTS = (
    "(area) => {"
    + CONTRAST_JS
    + """
  const cell = (level) => document.querySelector(
    `#programme-matrix .heatmap__cell--${level}.area-${area}`)
    || document.querySelector(`#programme-matrix .heatmap__cell--${level}`);
  // A cell's fill: its own background or, if clear, the table's behind it.
  const fill = (element) => {
    const colour = getComputedStyle(element).backgroundColor;
    return /^rgba\\(.*,\\s*0\\)$/.test(colour) ? backdrop(element) : colour;
  };
  const [primary, supporting, none] = ["primary", "supporting", "none"].map(cell);
  const frame = getComputedStyle(supporting).boxShadow.match(
    /(rgba?|color)\\([^)]*\\)/);
  const apart = (level, other) => Math.max(
    contrast(fill(level), fill(other)),
    level === supporting && frame ? contrast(frame[0], fill(other)) : 0);
  return {
    "primary/supporting": apart(supporting, primary),
    "supporting/none": apart(supporting, none),
  };
}"""
)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_heat_map_levels_are_told_apart_in_every_risk_area(site, page, lang):
    page.goto(site.url("programmes:coverage", lang=lang))
    weak = []
    for area in AREAS:
        for pair, ratio in page.evaluate(LEVEL_CONTRASTS, area).items():
            if ratio < 3:
                weak.append(f"{area}: {pair} {ratio:.2f}:1")
    assert not weak, "Adjacent coverage levels below 3:1:\n" + "\n".join(weak)


# Words of the given elements' text that a line break splits: a word drawn on two
# lines has two boxes.
SPLIT_WORDS = """(elements) => {
  const split = [];
  for (const element of elements) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = [...range.getClientRects()].map((box) => Math.round(box.top));
        const lines = new Set(tops);
        if (lines.size > 1) split.push(match[0]);
      }
    }
  }
  return split;
}"""


@on_a_phone
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_programme_matrix_shows_every_risk_area_on_a_phone(site, page, lang):
    page.goto(site.url("programmes:coverage", lang=lang))
    scroller = page.locator("#programme-matrix .table-scroll")

    hidden = scroller.evaluate(
        """(scroller) => [...scroller.querySelectorAll("thead th")]
          .filter((th) => {
            const box = th.getBoundingClientRect();
            const frame = scroller.getBoundingClientRect();
            return box.left < frame.left - 1 || box.right > frame.right + 1;
          })
          .map((th) => th.innerText.trim())"""
    )
    assert not hidden, f"columns off screen at 390 px: {hidden}"
    heads = page.locator(
        "#programme-matrix .heatmap__record, #programme-matrix tfoot th"
    )
    assert heads.count() > 5
    split = heads.evaluate_all(SPLIT_WORDS)
    assert not split, f"row headers break inside words: {split}"


COMPARE_QUERY = {
    "programme": ["drugs-and-precursors-programme", "environment-programme"]
}
# Each compare table: how its item columns' cells are aligned, and whether it fits.
COMPARE_TABLES = """() => [...document.querySelectorAll(".table-scroll")]
  .filter((scroller) => scroller.querySelector("table.compare"))
  .map((scroller) => ({
    caption: scroller.querySelector("caption, thead th").innerText.split("\\n")[0],
    aligns: [...new Set([...scroller.querySelectorAll(
        "thead .compare__item, tbody td:not([colspan])")]
      .map((cell) => getComputedStyle(cell).textAlign))],
    overflow: scroller.scrollWidth - scroller.clientWidth,
  }))"""


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_compare_aligns_cells_alike_in_every_table(site, page, lang):
    page.goto(site.url("programmes:compare", lang=lang, query=COMPARE_QUERY))

    tables = page.evaluate(COMPARE_TABLES)

    assert len(tables) >= 4, tables
    aligns = {align for table in tables for align in table["aligns"]}
    assert len(aligns) == 1, f"cells aligned differently: {tables}"


@on_a_phone
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_compare_shows_two_programmes_side_by_side_on_a_phone(site, page, lang):
    page.goto(site.url("programmes:compare", lang=lang, query=COMPARE_QUERY))

    tables = page.evaluate(COMPARE_TABLES)

    too_wide = [
        f"{t['caption']}: {t['overflow']} px" for t in tables if t["overflow"] > 0
    ]
    assert not too_wide, f"tables wider than the screen: {too_wide}"


@on_a_phone
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_home_table_and_its_caption_fit_a_phone(site, page, lang):
    page.goto(site.url("home", lang=lang))
    scroller = page.locator(".table-scroll", has=page.locator(".crosstab"))

    fit = scroller.evaluate(
        """(scroller) => {
          const frame = scroller.getBoundingClientRect();
          const caption = scroller.querySelector(".caption-inner")
            .getBoundingClientRect();
          return {
            overflow: scroller.scrollWidth - scroller.clientWidth,
            captionInside: caption.left >= frame.left - 1
              && caption.right <= frame.right + 1,
          };
        }"""
    )

    assert fit["captionInside"], "the table's caption is cut off"
    assert fit["overflow"] <= 0, f"the table is {fit['overflow']} px too wide"


FOUR_PROGRAMMES = {
    "programme": [
        "environment-programme",
        "security-programme",
        "revenue-programme",
        "drugs-and-precursors-programme",
    ]
}
SCROLL_HINTS = """() => [...document.querySelectorAll(".table-scroll__hint")].map(
  (hint) => {
    const region = hint.nextElementSibling;
    return {
      shown: !hint.hidden && hint.offsetHeight > 0,
      scrolls: region.scrollWidth > region.clientWidth + 1,
    };
  })"""


@on_a_phone
@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_table_that_scrolls_sideways_says_so_on_a_phone(site, page, lang):
    page.goto(site.url("programmes:compare", lang=lang, query=FOUR_PROGRAMMES))

    hints = page.evaluate(SCROLL_HINTS)

    assert any(hint["scrolls"] for hint in hints), "four programmes should overflow"
    assert all(hint["shown"] == hint["scrolls"] for hint in hints), hints


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_no_scroll_hint_where_every_table_fits(site, page, lang):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site.url("programmes:compare", lang=lang, query=COMPARE_QUERY))

    hints = page.evaluate(SCROLL_HINTS)

    assert hints and not any(hint["shown"] for hint in hints), hints
