"""Keyboard use of the filtered lists: the focused element stays in sight, well marked.

WCAG 2.2 SC 2.4.11 (focus not obscured): no sticky or fixed part of the page (such as
the filter form's "Apply filters" bar) may cover the element that has focus. SC 1.4.11
(non-text contrast): the focus ring of a checkbox or radio button and the edges of
text fields and menus contrast at least 3:1 with the backgrounds they sit on.
"""

import pytest

from .conftest import CONTRAST_JS, require_playwright

require_playwright()

pytestmark = pytest.mark.browser

SIZES = [
    {"width": 1280, "height": 720},
    {"width": 1366, "height": 768},
    {"width": 390, "height": 844},
]
LISTS = ["programmes:programme-list", "programmes:tool-list"]

# The focused element, and the first sticky or fixed element found on top of it at
# its centre or a corner (null if none). Corners are taken 1 px inside the box.
FOCUS_COVERED = """() => {
  const focused = document.activeElement;
  if (!focused || focused === document.body) return null;
  const box = focused.getBoundingClientRect();
  const name = (element) => {
    const text = (element.innerText || element.value || "")
      .trim().split("\\n")[0].slice(0, 40);
    const id = element.id ? `#${element.id}` : "";
    return `<${element.tagName.toLowerCase()}${id}> "${text}"`;
  };
  const label = focused.labels && focused.labels[0] ? focused.labels[0] : focused;
  const described = name(label === focused ? focused : label);
  const points = [
    [box.left + box.width / 2, box.top + box.height / 2],
    [box.left + 1, box.top + 1],
    [box.right - 1, box.top + 1],
    [box.left + 1, box.bottom - 1],
    [box.right - 1, box.bottom - 1],
  ];
  for (const [x, y] of points) {
    const hit = document.elementFromPoint(x, y);
    for (let layer = hit; layer && layer !== document.body;
         layer = layer.parentElement) {
      const position = getComputedStyle(layer).position;
      if ((position === "sticky" || position === "fixed") && !layer.contains(focused)) {
        return {
          focused: described, cover: name(layer), x: Math.round(x), y: Math.round(y),
        };
      }
    }
  }
  return {focused: described, cover: null};
}"""


def tab_through_page(page):
    """Press Tab until focus leaves the page; what was covered, as text."""
    covered, seen = [], 0
    first = None
    for _ in range(600):
        page.keyboard.press("Tab")
        result = page.evaluate(FOCUS_COVERED)
        if result is None:
            break
        seen += 1
        if first is None:
            first = result["focused"]
        elif result["focused"] == first and seen > 2:
            break
        if result["cover"]:
            covered.append(
                f"{result['focused']} under {result['cover']} "
                f"at ({result['x']}, {result['y']})"
            )
    return seen, covered


@pytest.mark.parametrize(
    "size", SIZES, ids=lambda size: f"{size['width']}x{size['height']}"
)
def test_no_focused_element_is_hidden_under_a_sticky_bar(site, page, size):
    page.emulate_media(reduced_motion="reduce")
    page.set_viewport_size(size)
    problems = []
    for name in LISTS:
        for lang in ("en", "ar"):
            url = site.url(name, lang=lang)
            page.goto(url)
            # On a phone the filters fold away; a reader opens them first.
            page.locator(".filter-panel").evaluate("(panel) => { panel.open = true; }")
            seen, covered = tab_through_page(page)
            assert seen > 20, f"{site.path(url)}: only {seen} elements took focus"
            problems += [f"{site.path(url)}: {line}" for line in covered]
    assert not problems, (
        f"At {size['width']}x{size['height']}, focused elements are covered by a "
        "sticky or fixed element:\n" + "\n".join(problems)
    )


WHITE = "rgb(255, 255, 255)"
CANVAS = "rgb(244, 246, 248)"  # the grey page background, and a hovered option's

FOCUS_RING = (
    "([white, canvas]) => {"
    + CONTRAST_JS
    + """
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    focusVisible: element.matches(":focus-visible"),
    style: style.outlineStyle,
    width: parseFloat(style.outlineWidth),
    colour: style.outlineColor,
    ratios: [white, canvas, backdrop(element) || white].map(
      (background) => contrast(style.outlineColor, background)),
  };
}"""
)
# A field's edge: its border against its fill and the background around it or, where
# the border is transparent (the home page's hero), its fill against that background.
CONTROL_EDGES = (
    "() => {"
    + CONTRAST_JS
    + """
  const clear = (colour) => /^rgba\\(.*,\\s*0\\)$/.test(colour);
  return [...document.querySelectorAll(
      "input[type=search], input[type=text], select, textarea")]
    .filter((element) => element.getClientRects().length && backdrop(element))
    .map((element) => {
      const style = getComputedStyle(element);
      const around = backdrop(element);
      const ratios = clear(style.borderTopColor)
        ? [contrast(style.backgroundColor, around)]
        : [style.backgroundColor, around].map(
            (background) => contrast(style.borderTopColor, background));
      return {name: element.name || element.id, ratios};
    });
}"""
)


@pytest.mark.parametrize("kind", ["checkbox", "radio"])
def test_focused_checkbox_or_radio_ring_contrasts_3_to_1(site, page, kind):
    page.goto(site.url("programmes:programme-list"))
    control = page.locator(f"#programme-filters input[type={kind}]").first
    # Focus by keyboard, as a reader would: from the search field, Tab until there.
    page.locator("#programme-filters-q").focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if control.evaluate("(element) => element === document.activeElement"):
            break
    ring = page.evaluate(FOCUS_RING, [WHITE, CANVAS])

    assert ring["focusVisible"], f"the {kind} does not show it has focus"
    assert ring["style"] != "none" and ring["width"] >= 2, ring
    assert min(ring["ratios"]) >= 3, (
        f"a focused {kind}'s ring ({ring['colour']}) contrasts only "
        f"{min(ring['ratios']):.2f}:1 with white, the grey background or its own"
    )


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_text_field_and_menu_edges_contrast_3_to_1(site, page, lang):
    weak = []
    for name in (
        "programmes:programme-list",
        "programmes:tool-list",
        "programmes:search",
    ):
        page.goto(site.url(name, lang=lang))
        edges = page.evaluate(CONTROL_EDGES)
        assert edges, f"{name}: no text field or menu found"
        weak += [
            f"{name}: {edge['name']} {min(edge['ratios']):.2f}:1"
            for edge in edges
            if min(edge["ratios"]) < 3
        ]
    assert not weak, "Field edges below 3:1:\n" + "\n".join(weak)
