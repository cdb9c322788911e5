"""The updates feed: published public records, newest first."""

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from programmes.models import Access, PublicationStatus
from tests import factories

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def catalogue():
    programme = factories.make_programme(
        name="Revenue Programme",
        summary="Revenue assurance for member administrations.",
    )
    tool = factories.make_tool(
        name="Valuation Guide", kind="guidance", programmes=[programme]
    )
    for make, kind in (
        (factories.make_programme, "Programme"),
        (factories.make_tool, "Tool"),
    ):
        make(name=f"Restricted {kind}", access=Access.RESTRICTED)
        make(name=f"Draft {kind}", publication_status=PublicationStatus.DRAFT)
    return {"programme": programme, "tool": tool}


def feed_entries(response):
    root = ET.fromstring(response.content)
    return [
        {
            "title": entry.find(f"{ATOM}title").text,
            "link": urlsplit(entry.find(f"{ATOM}link").get("href")).path,
            "updated": entry.find(f"{ATOM}updated").text,
        }
        for entry in root.iter(f"{ATOM}entry")
    ]


def test_feed_lists_published_public_records_newest_first(client, catalogue):
    tool = catalogue["tool"]
    type(tool).objects.filter(pk=tool.pk).update(
        updated=timezone.now() + timezone.timedelta(days=1)
    )

    response = client.get(reverse("updates-feed"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert [entry["link"] for entry in feed_entries(response)] == [
        "/tools/valuation-guide/",
        "/programmes/revenue-programme/",
    ]
    assert "Revenue assurance for member administrations." in response.content.decode()


def test_feed_leaves_out_drafts_and_restricted_records_even_for_members(
    client, member, catalogue
):
    client.force_login(member)

    response = client.get(reverse("updates-feed"))

    text = response.content.decode()
    assert len(feed_entries(response)) == 2
    for name in (
        "Restricted Programme",
        "Draft Programme",
        "Restricted Tool",
        "Draft Tool",
    ):
        assert name not in text


def test_feed_in_french_links_to_french_pages(client, catalogue):
    programme = catalogue["programme"]
    programme.name_fr = "Programme Recettes"
    programme.save()

    response = client.get("/fr/feeds/updates/")

    entries = feed_entries(response)
    assert "/fr/programmes/revenue-programme/" in [entry["link"] for entry in entries]
    assert any(entry["title"].startswith("Programme Recettes") for entry in entries)


def test_feed_link_tag_points_to_the_feed_of_the_current_language(rf):
    request = rf.get("/fr/")

    with translation.override("fr"):
        tag = render_to_string("includes/feed_link.html", request=request)

    assert 'rel="alternate"' in tag
    assert 'type="application/atom+xml"' in tag
    assert 'href="/fr/feeds/updates/"' in tag
