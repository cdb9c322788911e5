"""The style sheets: one base sheet by component, page sheets linked where used."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from programmes.models import Partner, Programme, Tool
from risk_areas.models import CEPComponent, RiskArea

CSS = settings.BASE_DIR / "static" / "css"
TEMPLATES = settings.BASE_DIR / "templates"
LINK = re.compile(r"""<link rel="stylesheet" href="\{% static '(css/[^']+)' %\}">""")
CLASS_ATTRIBUTE = re.compile(r'class="((?:[^"{]|\{\{.*?\}\}|\{%.*?%\})*)"', re.S)
BODY_CLASS = re.compile(r"\{% block body_class %\}(.*?)\{% endblock")
TEMPLATE_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
CLASS_SELECTOR = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")


def style_sheets():
    return sorted(CSS.rglob("*.css"))


def linked_sheets():
    """Each linked sheet, with the templates that link it."""
    links = {}
    for template in sorted(TEMPLATES.rglob("*.html")):
        for sheet in LINK.findall(template.read_text(encoding="utf-8")):
            links.setdefault(sheet, []).append(template.relative_to(TEMPLATES))
    return links


INCLUDE = re.compile(r'\{% include "([^"]+)"')


def with_includes(template, seen=None):
    """A template's text followed by the text of every template it includes."""
    seen = set() if seen is None else seen
    if template in seen or not (TEMPLATES / template).exists():
        return ""
    seen.add(template)
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    return text + "".join(with_includes(name, seen) for name in INCLUDE.findall(text))


def class_patterns(texts=None):
    """Class names templates render; a variable part (area-{{ slug }}) matches any."""
    if texts is None:
        texts = [t.read_text(encoding="utf-8") for t in TEMPLATES.rglob("*.html")]
    patterns = set()
    for text in texts:
        values = CLASS_ATTRIBUTE.findall(text) + BODY_CLASS.findall(text)
        for value in values:
            value = re.sub(r"\{%\s*(?:if|elif|else|endif)\b.*?%\}", " ", value)
            for token in TEMPLATE_TAG.sub("\x00", value).split():
                if token.strip("\x00"):
                    parts = (re.escape(part) for part in token.split("\x00"))
                    patterns.add(re.compile(".*".join(parts)))
    return patterns


def selectors(sheet):
    """The selectors of a sheet's rules, comments and declarations left out."""
    text = re.sub(r"/\*.*?\*/", "", sheet.read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r"\{[^{}]*\}", ";", text)
    return [part.strip() for part in re.split(r"[;{}]", text) if part.strip()]


def test_base_html_links_the_base_sheet_and_nothing_else_site_wide():
    links = linked_sheets()

    assert [str(t) for t in links["css/base.css"]] == ["base.html"]
    assert all(
        sheet.startswith("css/pages/") for sheet in links if sheet != "css/base.css"
    )


def test_every_linked_sheet_exists():
    missing = [sheet for sheet in linked_sheets() if not (CSS.parent / sheet).exists()]

    assert not missing


def test_every_sheet_is_linked_by_a_template():
    linked = set(linked_sheets())
    unlinked = [
        str(sheet.relative_to(CSS.parent))
        for sheet in style_sheets()
        if str(sheet.relative_to(CSS.parent)) not in linked
    ]

    assert not unlinked


def test_every_class_in_the_sheets_is_rendered_by_a_template():
    patterns = class_patterns()
    unused = set()
    for sheet in style_sheets():
        for selector in selectors(sheet):
            if selector.startswith("@"):
                continue
            for name in CLASS_SELECTOR.findall(re.sub(r"\[[^\]]*\]", "", selector)):
                if not any(pattern.fullmatch(name) for pattern in patterns):
                    unused.add(f"{sheet.relative_to(CSS)}: .{name}")

    assert not unused, "\n".join(sorted(unused))


def sheet_classes(sheet):
    names = set()
    for selector in selectors(sheet):
        if not selector.startswith("@"):
            names.update(CLASS_SELECTOR.findall(re.sub(r"\[[^\]]*\]", "", selector)))
    return names


RENDERED_CLASS = re.compile(r'class="([^"]*)"')
RENDERED_LINK = re.compile(
    r'<link rel="stylesheet" href="[^"]*/(css/pages/[^"/]+\.css)"'
)


def page_addresses():
    """One address of every kind of page, on the bundled catalogue."""
    merged = Programme.objects.published().filter(status="merged").first()
    programmes = Programme.objects.published().public()[:2]
    return [
        reverse("home"),
        reverse("risk_areas:riskarea-list"),
        RiskArea.objects.first().get_absolute_url(),
        reverse("risk_areas:cepcomponent-list"),
        CEPComponent.objects.first().get_absolute_url(),
        reverse("programmes:programme-list"),
        reverse("programmes:programme-list") + "?risk_area=drugs&q=drugs",
        merged.get_absolute_url(),
        merged.successor.get_absolute_url(),
        reverse("programmes:tool-list"),
        Tool.objects.published().public().first().get_absolute_url(),
        reverse("programmes:partner-list"),
        Partner.objects.first().get_absolute_url(),
        reverse("programmes:coverage"),
        reverse("programmes:compare")
        + "?"
        + "&".join(f"programme={p.slug}" for p in programmes),
        reverse("programmes:search") + "?q=drugs",
        reverse("login"),
        "/no-such-page/",
    ]


@pytest.mark.django_db
def test_pages_that_render_a_page_sheets_classes_link_that_sheet(client):
    """A class styled only in pages/x.css looks unstyled on a page without it."""
    call_command("load_catalogue", verbosity=0)
    shared = sheet_classes(CSS / "base.css")
    own = {
        f"css/pages/{sheet.name}": sheet_classes(sheet) - shared
        for sheet in sorted((CSS / "pages").glob("*.css"))
    }
    problems = []
    for address in page_addresses():
        html = client.get(address).content.decode()
        rendered = {n for value in RENDERED_CLASS.findall(html) for n in value.split()}
        linked = set(RENDERED_LINK.findall(html))
        for sheet, names in own.items():
            if (missing := sorted(rendered & names)) and sheet not in linked:
                problems.append(f"{address} renders {missing} without {sheet}")

    assert not problems, "\n".join(problems)


def test_style_sheets_use_logical_directions_only():
    """Physical left/right would not mirror on Arabic pages; start/end do."""
    physical = re.compile(
        r"(?:margin|padding|border|inset)-(?:left|right)\b"
        r"|(?<![-\w])(?:left|right)\s*:"
        r"|(?:text-align|float|clear)\s*:\s*(?:left|right)\b"
    )
    problems = []
    for path in style_sheets():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if physical.search(line.split("/*")[0]):
                problems.append(f"{path.relative_to(CSS)}:{number}: {line.strip()}")

    assert not problems, "\n".join(problems)
