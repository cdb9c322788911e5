"""An editor works in the admin: language tabs by mouse and keyboard, saved text
on the public pages, and the admin's sign-in and change form pass axe."""

import re
import warnings

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from programmes.models import Access, PublicationStatus, Tool
from programmes.roles import ensure_roles
from risk_areas.models import RiskArea, Threat

from .conftest import DESKTOP, PHONE, require_playwright
from .test_accessibility import AxeFindingWarning, Findings, audit

expect = require_playwright()

pytestmark = pytest.mark.browser

PASSWORD = "a-long-editor-password"
LANGUAGES = ["en", "fr", "es", "ru", "ar"]


@pytest.fixture
def editor(site, django_user_model):
    ensure_roles()
    user = django_user_model.objects.create_user(
        "catalogue-editor", password=PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def tool(site):
    """A public tool whose summaries the test may change; put back afterwards."""
    record = (
        Tool.objects.filter(
            publication_status=PublicationStatus.PUBLISHED, access=Access.PUBLIC
        )
        .exclude(slug="cen")  # a main page of the other browser tests
        .order_by("slug")
        .first()
    )
    assert record is not None, "the bundled catalogue should have a public tool"
    columns = [f"summary_{code}" for code in LANGUAGES] + ["updated"]
    before = {column: getattr(record, column) for column in columns}
    started = timezone.now()
    yield record
    # The browser tests share one committed catalogue: leave it as it was.
    Tool.objects.filter(pk=record.pk).update(**before)
    Tool.history.filter(id=record.pk, history_date__gte=started).delete()


def sign_in(page, site, path, lang=""):
    prefix = f"/{lang}" if lang else ""
    page.goto(f"{site.base}{prefix}/admin/login/?next={prefix}{path}")
    page.locator("#id_username").fill("catalogue-editor")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{site.base}{prefix}{path}")


def change_path(record):
    return f"/admin/programmes/tool/{record.pk}/change/"


def test_editor_writes_a_summary_in_two_languages_through_the_tabs(
    site, page, editor, tool
):
    french = "Résumé écrit dans l'onglet français par un rédacteur."
    spanish = "Resumen escrito en la pestaña española por un redactor."
    sign_in(page, site, change_path(tool))
    tabs = page.get_by_role("tablist", name="Languages of Summary")
    expect(tabs.get_by_role("tab", selected=True)).to_have_text("English")
    expect(page.locator("#id_summary_en")).to_be_visible()
    expect(page.locator("#id_summary_fr")).to_be_hidden()

    tabs.get_by_role("tab", name="French").click()
    page.locator("#id_summary_fr").fill(french)
    page.keyboard.press("Shift+Tab")  # back from the text to its tab
    expect(tabs.get_by_role("tab", name="French")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(tabs.get_by_role("tab", name="Spanish")).to_be_focused()
    expect(tabs.get_by_role("tab", selected=True)).to_have_text("Spanish")
    expect(page.locator("#id_summary_fr")).to_be_hidden()
    page.keyboard.press("Tab")
    expect(page.locator("#id_summary_es")).to_be_focused()
    page.locator("#id_summary_es").fill(spanish)
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist .success")).to_be_visible()
    tool.refresh_from_db()
    assert tool.summary_fr == french
    assert tool.summary_es == spanish
    for lang, text in [("fr", french), ("es", spanish)]:
        page.goto(
            site.url("programmes:tool-detail", lang=lang, kwargs={"slug": tool.slug})
        )
        expect(page.locator("main")).to_contain_text(text)


def test_choosing_a_language_shows_it_in_every_translated_field(
    site, page, editor, tool
):
    sign_in(page, site, change_path(tool))

    page.get_by_role("tablist", name="Languages of Name").get_by_role(
        "tab", name="Russian"
    ).click()

    for field in ["name", "summary", "description", "keywords"]:
        expect(page.locator(f"#id_{field}_ru")).to_be_visible()
        expect(page.locator(f"#id_{field}_en")).to_be_hidden()


def test_tabs_say_which_languages_are_empty(site, page, editor, tool):
    sign_in(page, site, change_path(tool))
    tabs = page.get_by_role("tablist", name="Languages of Summary")
    russian = tabs.get_by_role("tab", name="Russian")
    expect(russian).not_to_contain_text("empty")

    russian.click()
    page.locator("#id_summary_ru").fill("")

    expect(russian).to_contain_text("empty")


def test_arabic_admin_opens_on_arabic_and_arrows_follow_the_reading_direction(
    site, page, editor, tool
):
    sign_in(page, site, change_path(tool), lang="ar")
    tabs = page.locator(".language-tabs", has=page.locator("#id_summary_ar-tab"))
    selected = tabs.get_by_role("tab", selected=True)
    expect(selected).to_have_attribute("lang", "ar")
    expect(page.locator("#id_summary_ar")).to_be_visible()
    expect(page.locator("#id_summary_ar")).to_have_attribute("dir", "rtl")

    selected.focus()
    page.keyboard.press("ArrowRight")  # right to left: the tab before, Russian

    expect(tabs.get_by_role("tab", selected=True)).to_have_attribute("lang", "ru")
    page.keyboard.press("End")
    expect(tabs.get_by_role("tab", selected=True)).to_have_attribute("lang", "ar")
    page.keyboard.press("Home")
    expect(tabs.get_by_role("tab", selected=True)).to_have_attribute("lang", "en")


def test_form_opens_on_the_language_holding_an_error(site, page, editor, tool):
    sign_in(page, site, change_path(tool), lang="ar")
    name_tabs = page.locator(".language-tabs", has=page.locator("#id_name_en-tab"))
    name_tabs.locator("#id_name_en-tab").click()
    page.locator("#id_name_en").fill("")  # the English name is required

    page.locator("input[name=_save]").click()

    expect(page.locator(".errornote")).to_be_visible()
    selected = name_tabs.get_by_role("tab", selected=True)
    expect(selected).to_have_attribute("lang", "en")
    expect(selected).to_have_class(re.compile(r"\blanguage-tab-error\b"))
    expect(page.locator("#id_name_en")).to_be_visible()
    summary_tabs = page.locator(
        ".language-tabs", has=page.locator("#id_summary_ar-tab")
    )
    expect(summary_tabs.get_by_role("tab", selected=True)).to_have_attribute(
        "lang", "ar"
    )


def test_without_scripts_every_language_is_shown(
    site, browser, editor, tool, risk_area
):
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    try:
        sign_in(page, site, change_path(tool))

        expect(page.get_by_role("tab")).to_have_count(0)
        for code in LANGUAGES:
            expect(page.locator(f"#id_summary_{code}")).to_be_visible()
        page.goto(f"{site.base}/admin/risk_areas/riskarea/{risk_area.pk}/change/")
        for code in LANGUAGES:
            expect(page.locator(f"#id_threats-0-name_{code}")).to_be_visible()
    finally:
        context.close()


@pytest.fixture
def risk_area(site):
    """A risk area with threats, whose threats' names the test may change; put
    back afterwards."""
    record = RiskArea.objects.get(slug="environment")
    threats = list(record.threats.order_by("order", "pk"))
    assert len(threats) > 1, "the environment risk area should have threats"
    columns = [f"name_{code}" for code in LANGUAGES] + ["updated"]
    before = {t.pk: {c: getattr(t, c) for c in columns} for t in threats}
    started = timezone.now()
    yield record
    for pk, values in before.items():
        Threat.objects.filter(pk=pk).update(**values)
    Threat.history.filter(history_date__gte=started).delete()
    RiskArea.history.filter(id=record.pk, history_date__gte=started).delete()


def threats_tabs(page):
    return page.get_by_role("tablist", name="Languages of Threats")


def test_threats_table_shows_one_language_at_a_time(site, page, editor, risk_area):
    sign_in(page, site, f"/admin/risk_areas/riskarea/{risk_area.pk}/change/")
    tabs = threats_tabs(page)
    expect(tabs.get_by_role("tab", selected=True)).to_have_text("English")
    table = page.locator("#threats-group table")
    expect(table.locator("th.column-name_en")).to_be_visible()
    expect(table.locator("th.column-name_fr")).to_be_hidden()
    expect(page.locator("#id_threats-0-name_en")).to_be_visible()
    expect(page.locator("#id_threats-0-name_fr")).to_be_hidden()

    tabs.get_by_role("tab", name="French").click()

    for column in ["name", "keywords"]:
        expect(table.locator(f"th.column-{column}_fr")).to_be_visible()
        expect(table.locator(f"th.column-{column}_en")).to_be_hidden()
    expect(page.locator("#id_threats-0-name_fr")).to_be_visible()
    expect(page.locator("#id_threats-1-name_fr")).to_be_visible()
    expect(page.locator("#id_threats-0-name_en")).to_be_hidden()
    # The columns that are not translated stay.
    expect(page.locator("#id_threats-0-order")).to_be_visible()
    # The form's own fields follow the table's choice, and the other way round.
    expect(page.locator("#id_summary_fr")).to_be_visible()
    page.get_by_role("tablist", name="Languages of Name").get_by_role(
        "tab", name="Arabic"
    ).click()
    expect(tabs.get_by_role("tab", selected=True)).to_have_text("Arabic")
    expect(page.locator("#id_threats-0-name_ar")).to_be_visible()
    expect(page.locator("#id_threats-0-name_fr")).to_be_hidden()


def test_editor_renames_a_threat_in_two_languages_through_the_tabs(
    site, page, editor, risk_area
):
    threat = risk_area.threats.order_by("order", "pk").first()
    french, spanish = "Menace renommée en français", "Amenaza renombrada en español"
    sign_in(page, site, f"/admin/risk_areas/riskarea/{risk_area.pk}/change/")
    tabs = threats_tabs(page)

    tabs.get_by_role("tab", name="French").click()
    page.locator("#id_threats-0-name_fr").fill(french)
    tabs.get_by_role("tab", name="French").focus()
    page.keyboard.press("ArrowRight")
    expect(tabs.get_by_role("tab", selected=True)).to_have_text("Spanish")
    page.locator("#id_threats-0-name_es").fill(spanish)
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist .success")).to_be_visible()
    threat.refresh_from_db()
    assert (threat.name_fr, threat.name_es) == (french, spanish)
    page.goto(
        site.url(
            "risk_areas:riskarea-detail", lang="fr", kwargs={"slug": "environment"}
        )
    )
    expect(page.locator("main")).to_contain_text(french)


def test_threats_tab_says_when_a_row_lacks_the_language(site, page, editor, risk_area):
    sign_in(page, site, f"/admin/risk_areas/riskarea/{risk_area.pk}/change/")
    russian = threats_tabs(page).get_by_role("tab", name="Russian")
    expect(russian).not_to_contain_text("incomplete")

    russian.click()
    page.locator("#id_threats-1-name_ru").fill("")

    expect(russian).to_contain_text("incomplete")


def test_a_threat_added_in_the_table_shows_the_chosen_language(
    site, page, editor, risk_area
):
    sign_in(page, site, f"/admin/risk_areas/riskarea/{risk_area.pk}/change/")
    threats_tabs(page).get_by_role("tab", name="Spanish").click()
    count = risk_area.threats.count()

    page.locator("#threats-group .add-row a").click()

    expect(page.locator(f"#id_threats-{count}-name_es")).to_be_visible()
    expect(page.locator(f"#id_threats-{count}-name_en")).to_be_hidden()


def audit_at_both_widths(page, axe_script, name, failing, reported):
    page.add_script_tag(path=str(axe_script))
    for size in [DESKTOP, PHONE]:
        page.set_viewport_size(size)
        audit(page, f"{name} at {size['width']} px", failing, reported)
    page.set_viewport_size(DESKTOP)


# axe-core is injected as an inline script, which the Content-Security-Policy
# refuses; only the audit's browser ignores the policy.
@pytest.mark.browser_context_args(bypass_csp=True)
@pytest.mark.parametrize(
    "lang, theme", [("", "light"), ("ar", "dark")], ids=["en-light", "ar-dark"]
)
def test_admin_sign_in_and_change_form_have_no_wcag_a_or_aa_violations(
    site, page, editor, tool, risk_area, axe_script, lang, theme
):
    failing, reported = Findings(), Findings()
    page.emulate_media(color_scheme=theme)
    prefix = f"/{lang}" if lang else ""
    page.goto(f"{site.base}{prefix}/admin/login/")
    audit_at_both_widths(page, axe_script, f"{prefix}/admin/login/", failing, reported)
    sign_in(page, site, change_path(tool), lang=lang)
    audit_at_both_widths(
        page, axe_script, prefix + change_path(tool), failing, reported
    )
    # A form with an inline table under language tabs.
    risk_area_path = f"{prefix}/admin/risk_areas/riskarea/{risk_area.pk}/change/"
    page.goto(site.base + risk_area_path)
    audit_at_both_widths(page, axe_script, risk_area_path, failing, reported)

    if reported:
        warnings.warn(AxeFindingWarning(f"admin: findings\n{reported}"), stacklevel=1)
    assert not failing, f"admin: WCAG 2.0/2.1 A or AA violations\n{failing}"
