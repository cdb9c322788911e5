"""sitemap.xml and robots.txt."""

import datetime
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from programmes.models import Access, PublicationStatus
from tests import factories

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
LANGUAGES = ["en", "fr", "es", "ru", "ar"]


@pytest.fixture
def catalogue():
    revenue = factories.make_risk_area(name="Revenue")
    component = factories.make_component(name="Tools")
    partner = factories.make_partner(name="UNODC")
    programme = factories.make_programme(
        name="Revenue Programme",
        risk_areas=[revenue],
        partners=[partner],
        summary="Revenue assurance for member administrations.",
    )
    tool = factories.make_tool(
        name="Valuation Guide",
        kind="guidance",
        risk_areas=[revenue],
        components=[component],
        programmes=[programme],
    )
    for make, kind in (
        (factories.make_programme, "Programme"),
        (factories.make_tool, "Tool"),
    ):
        make(name=f"Restricted {kind}", access=Access.RESTRICTED)
        make(name=f"Draft {kind}", publication_status=PublicationStatus.DRAFT)
    return {
        "risk_area": revenue,
        "component": component,
        "partner": partner,
        "programme": programme,
        "tool": tool,
    }


def sitemap_entries(response):
    """{location: {"lastmod": ..., "alternates": {hreflang: href}}}."""
    root = ET.fromstring(response.content)
    entries = {}
    for url in root.iter(f"{SITEMAP}url"):
        lastmod = url.find(f"{SITEMAP}lastmod")
        entries[urlsplit(url.find(f"{SITEMAP}loc").text).path] = {
            "lastmod": lastmod.text if lastmod is not None else None,
            "alternates": {
                link.get("hreflang"): urlsplit(link.get("href")).path
                for link in url.iter(f"{XHTML}link")
            },
        }
    return entries


def in_language(language, url_name, **kwargs):
    with translation.override(language):
        return reverse(url_name, kwargs=kwargs or None)


def test_sitemap_lists_pages_and_published_public_records_in_every_language(
    client, catalogue
):
    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    entries = sitemap_entries(response)
    pages = [
        ("home", {}),
        ("risk_areas:riskarea-list", {}),
        ("risk_areas:cepcomponent-list", {}),
        ("programmes:programme-list", {}),
        ("programmes:tool-list", {}),
        ("programmes:partner-list", {}),
        ("programmes:coverage", {}),
        ("risk_areas:riskarea-detail", {"slug": "revenue"}),
        ("risk_areas:cepcomponent-detail", {"slug": "tools"}),
        ("programmes:partner-detail", {"slug": "unodc"}),
        ("programmes:programme-detail", {"slug": "revenue-programme"}),
        ("programmes:tool-detail", {"slug": "valuation-guide"}),
    ]
    for url_name, kwargs in pages:
        for language in LANGUAGES:
            assert in_language(language, url_name, **kwargs) in entries, (
                url_name,
                language,
            )
    assert len(entries) == len(pages) * len(LANGUAGES)


def test_sitemap_leaves_out_drafts_and_restricted_records(client, member, catalogue):
    client.force_login(member)

    response = client.get("/sitemap.xml")

    text = response.content.decode()
    for slug in (
        "restricted-programme",
        "draft-programme",
        "restricted-tool",
        "draft-tool",
    ):
        assert slug not in text


def test_sitemap_links_each_page_to_its_translations(client, catalogue):
    response = client.get("/sitemap.xml")

    entries = sitemap_entries(response)
    url = in_language("fr", "programmes:programme-detail", slug="revenue-programme")
    assert entries[url]["alternates"] == {
        **{
            language: in_language(
                language, "programmes:programme-detail", slug="revenue-programme"
            )
            for language in LANGUAGES
        },
        "x-default": "/programmes/revenue-programme/",
    }


def test_sitemap_gives_a_record_its_last_update_as_lastmod(client, catalogue):
    programme = catalogue["programme"]
    programme.updated = datetime.datetime(2025, 3, 14, tzinfo=datetime.UTC)
    type(programme).objects.filter(pk=programme.pk).update(updated=programme.updated)

    response = client.get("/sitemap.xml")

    entries = sitemap_entries(response)
    assert entries["/programmes/revenue-programme/"]["lastmod"] == "2025-03-14"
    assert entries["/risk-areas/revenue/"]["lastmod"] is not None


def test_sitemap_is_not_under_a_language_prefix(client, catalogue):
    assert client.get("/fr/sitemap.xml").status_code == 404
    assert client.get("/fr/robots.txt").status_code == 404


def robots_rules(response):
    rules = {"Allow": [], "Disallow": [], "Sitemap": []}
    for line in response.content.decode().splitlines():
        if ":" in line and not line.startswith("User-agent"):
            field, value = line.split(":", 1)
            rules[field.strip()].append(value.strip())
    return rules


def blocked(rules, url):
    """Whether a crawler following RFC 9309 (`*` any characters) may not fetch `url`."""
    for rule in rules["Disallow"]:
        pattern = "^" + ".*".join(re.escape(part) for part in rule.split("*"))
        if rule and re.match(pattern, url):
            return True
    return False


def test_robots_txt_is_plain_text_and_points_to_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().startswith("User-agent: *\n")
    assert robots_rules(response)["Sitemap"] == ["http://testserver/sitemap.xml"]
    assert "&amp;" not in response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_robots_txt_keeps_crawlers_out_of_admin_accounts_previews_and_exports(
    client, language
):
    rules = robots_rules(client.get("/robots.txt"))
    with translation.override(language):
        kept_out = [
            reverse("admin:index"),
            reverse("admin:login"),
            reverse("login"),
            reverse("password_reset"),
            reverse(
                "programmes:programme-preview", kwargs={"slug": "revenue-programme"}
            ),
            reverse("programmes:tool-preview", kwargs={"slug": "valuation-guide"}),
            reverse("programmes:programme-list") + "?format=csv",
            reverse("programmes:tool-list") + "?risk_area=drugs&format=json",
        ]
        let_in = [
            reverse("home"),
            reverse("programmes:programme-list") + "?risk_area=drugs",
            reverse(
                "programmes:programme-detail", kwargs={"slug": "revenue-programme"}
            ),
            reverse("programmes:tool-detail", kwargs={"slug": "valuation-guide"}),
            reverse("risk_areas:riskarea-list"),
            "/sitemap.xml",
        ]

    assert [url for url in kept_out if not blocked(rules, url)] == []
    assert [url for url in let_in if blocked(rules, url)] == []
