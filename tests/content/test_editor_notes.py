"""Editor notes stay in the admin: no public page, download or feed shows them."""

import pytest
from django.urls import reverse

from risk_areas.models import CEPComponent
from tests import factories

pytestmark = pytest.mark.django_db

NOTE = "Sources disagree: zebracrossing-note"


@pytest.fixture
def noted():
    revenue = factories.make_risk_area(name="Revenue")
    component = factories.make_component(name="Tools", editor_notes=NOTE)
    partner = factories.make_partner(name="UNODC", editor_notes=NOTE)
    programme = factories.make_programme(
        name="Revenue Programme",
        risk_areas=[revenue],
        partners=[partner],
        editor_notes=NOTE,
    )
    tool = factories.make_tool(
        name="Revenue Package",
        risk_areas=[revenue],
        components=[component],
        programmes=[programme],
        partners=[partner],
        editor_notes=NOTE,
    )
    return {"programme": programme, "tool": tool, "partner": partner, "area": revenue}


def public_addresses(noted):
    programme, tool = noted["programme"], noted["tool"]
    lists = [reverse("programmes:programme-list"), reverse("programmes:tool-list")]
    return [
        reverse("home"),
        programme.get_absolute_url(),
        tool.get_absolute_url(),
        noted["partner"].get_absolute_url(),
        noted["area"].get_absolute_url(),
        CEPComponent.objects.get().get_absolute_url(),
        *lists,
        *(f"{url}?format={kind}" for url in lists for kind in ("csv", "json")),
        reverse("programmes:partner-list"),
        f"{reverse('programmes:search')}?q=revenue",
        f"{reverse('programmes:search')}?q=revenue&format=json",
        reverse("programmes:coverage"),
        f"{reverse('programmes:coverage')}?format=csv",
        f"{reverse('programmes:compare')}?programme={programme.slug}"
        f"&programme={tool.slug}",
        reverse("updates-feed"),
        reverse("sitemap"),
    ]


def test_editor_notes_never_appear_on_a_public_page_download_or_feed(client, noted):
    for address in public_addresses(noted):
        response = client.get(address)

        assert response.status_code == 200, address
        body = b"".join(response) if response.streaming else response.content
        assert b"zebracrossing" not in body, address


def test_search_does_not_find_records_by_their_editor_notes(client, noted):
    response = client.get(reverse("programmes:search"), {"q": "zebracrossing"})

    assert response.status_code == 200
    assert "Revenue Programme" not in response.content.decode()
    assert "Revenue Package" not in response.content.decode()


def test_the_admin_shows_editor_notes_in_a_collapsed_fieldset(admin_client, noted):
    for record in [noted["programme"], noted["tool"], noted["partner"]]:
        meta = record._meta
        url = reverse(
            f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk]
        )

        response = admin_client.get(url)

        page = response.content.decode()
        assert "Editor notes" in page
        assert NOTE in page
        assert "Never shown on the public site" in page
        assert 'class="module collapse' in page or "<details" in page
