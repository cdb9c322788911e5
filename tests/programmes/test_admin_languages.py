"""The admin shows editors which languages each record is missing, and finds them."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

ALL_LANGUAGES = {
    f"{field}_{code}": f"{field} in {code}"
    for field in ("name", "summary")
    for code in ("fr", "es", "ru", "ar")
}


def complete(name, **fields):
    """A tool with its name and summary in all five languages."""
    texts = {key: f"{name}: {value}" for key, value in ALL_LANGUAGES.items()}
    return factories.make_tool(
        name=name, summary="English summary.", **{**texts, **fields}
    )


def row_of(html, name):
    """The text of the changelist row whose record is called `name`."""
    for row in re.findall(r"<tr>.*?</tr>", html, re.S):
        if f">{name}</a>" in row:
            return " ".join(re.sub(r"<[^>]+>", " ", row).split())
    raise AssertionError(f"no row for {name!r}")


def listed(response):
    return sorted(record.name for record in response.context["cl"].result_list)


def test_tool_changelist_shows_each_records_translation_completeness(admin_client):
    complete("Every language")
    complete("No Russian name", name_ru="")
    complete("Two missing", summary_fr="", summary_ar=None)

    response = admin_client.get(reverse("admin:programmes_tool_changelist"))

    html = response.content.decode()
    assert "5/5" in row_of(html, "Every language")
    assert "missing" not in row_of(html, "Every language")
    assert "4/5 missing: ru" in row_of(html, "No Russian name")
    assert "3/5 missing: fr, ar" in row_of(html, "Two missing")


def test_missing_language_filter_finds_records_without_a_name_or_summary(
    admin_client,
):
    complete("Every language")
    complete("No French name", name_fr="")
    complete("No French summary", summary_fr=None)
    complete("No Arabic summary", summary_ar="")
    url = reverse("admin:programmes_programme_changelist")
    factories.make_programme(name="English only")

    tools = admin_client.get(
        reverse("admin:programmes_tool_changelist"), {"missing_language": "fr"}
    )
    programmes = admin_client.get(url, {"missing_language": "ar"})

    assert listed(tools) == ["No French name", "No French summary"]
    assert listed(programmes) == ["English only"]


def test_missing_language_filter_offers_each_language_but_english(admin_client):
    response = admin_client.get(reverse("admin:programmes_tool_changelist"))

    html = response.content.decode()
    for code in ("fr", "es", "ru", "ar"):
        assert f"?missing_language={code}" in html
    assert "?missing_language=en" not in html
    assert "missing a language" in html


def test_missing_language_filter_uses_the_description_where_there_is_no_summary(
    admin_client,
):
    described = {f"description_{code}": "Text." for code in ("fr", "es", "ru", "ar")}
    names = {f"name_{code}": "Name" for code in ("fr", "es", "ru", "ar")}
    factories.make_partner(name="Complete", description="Text.", **described, **names)
    factories.make_partner(
        name="No Spanish description",
        description="Text.",
        **{**described, **names, "description_es": ""},
    )

    response = admin_client.get(
        reverse("admin:programmes_partner_changelist"), {"missing_language": "es"}
    )

    assert listed(response) == ["No Spanish description"]
    assert "4/5 missing: es" in row_of(
        response.content.decode(), "No Spanish description"
    )


def test_missing_language_filter_explains_an_unknown_language(admin_client):
    complete("Every language")
    factories.make_tool(name="English only")

    response = admin_client.get(
        reverse("admin:programmes_tool_changelist"), {"missing_language": "xx"}
    )

    assert response.status_code == 200
    assert listed(response) == ["English only", "Every language"]
    assert "is not one of the portal" in response.content.decode()


@pytest.mark.parametrize(
    "changelist",
    [
        "admin:programmes_tool_changelist",
        "admin:programmes_programme_changelist",
        "admin:programmes_partner_changelist",
        "admin:risk_areas_riskarea_changelist",
        "admin:risk_areas_threat_changelist",
        "admin:risk_areas_cepcomponent_changelist",
    ],
)
def test_changelist_completeness_costs_no_query_per_row(admin_client, changelist):
    def queries_for_a_page():
        with CaptureQueriesContext(connection) as context:
            response = admin_client.get(reverse(changelist), {"missing_language": "ru"})
        assert response.status_code == 200
        return len(context.captured_queries)

    def add_records(count, start):
        for number in range(start, start + count):
            area = factories.make_risk_area(name=f"Area {number}")
            factories.make_threat(name=f"Threat {number}", risk_area=area)
            factories.make_component(name=f"Component {number}")
            factories.make_partner(name=f"Partner {number}")
            factories.make_programme(name=f"Programme {number}", risk_areas=[area])
            factories.make_tool(name=f"Tool {number}", risk_areas=[area])

    add_records(2, 0)
    few = queries_for_a_page()
    add_records(20, 2)

    assert queries_for_a_page() == few


def test_change_form_marks_each_language_field_with_its_language_and_direction(
    admin_client,
):
    tool = complete("Every language")

    response = admin_client.get(reverse("admin:programmes_tool_change", args=[tool.pk]))

    html = response.content.decode()
    summary_ar = re.search(r"<textarea[^>]*name=\"summary_ar\"[^>]*>", html).group()
    name_fr = re.search(r"<input[^>]*name=\"name_fr\"[^>]*>", html).group()
    assert 'lang="ar"' in summary_ar and 'dir="rtl"' in summary_ar
    assert 'lang="fr"' in name_fr and 'dir="ltr"' in name_fr


def test_change_form_loads_the_language_tabs_and_their_words(admin_client):
    tool = complete("Every language")

    response = admin_client.get(reverse("admin:programmes_tool_change", args=[tool.pk]))

    html = response.content.decode()
    assert "portal_admin/language_tabs.js" in html
    assert '<div id="language-tabs" hidden data-tabs="' in html
    tabs = json.loads(response.context["language_tabs"])
    assert tabs["fields"] == ["description", "keywords", "name", "summary"]
    assert [code for code, _name in tabs["languages"]] == ["en", "fr", "es", "ru", "ar"]
    # Without the script every language's field is on the page, as before.
    for code in ("en", "fr", "es", "ru", "ar"):
        assert f'name="summary_{code}"' in html
