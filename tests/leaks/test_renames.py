"""A renamed record's old address leads to the new one, unless the reader may
not see the record: then the old address is as unknown as the new."""

from urllib.parse import parse_qsl, urlsplit

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from programmes.models import Programme
from tests.leaks.harness.reading import body_of
from tests.leaks.harness.records import READERS, SECRETS, shown_to

pytestmark = pytest.mark.django_db

PROGRAMME = ("programmes.Programme", "revenue-programme", "revenue-assurance")
TOOL = ("programmes.Tool", "valuation-guide", "valuation-handbook")
PARTNER = ("programmes.Partner", "unodc", "unodc-wco")
RISK_AREA = ("risk_areas.RiskArea", "drugs", "drugs-precursors")
COMPONENT = ("risk_areas.CEPComponent", "tools", "instruments")


def rename(model, old, new):
    record = model.objects.get(slug=old)
    record.slug = new
    record.save()
    return record


@pytest.mark.parametrize(
    ("url_name", "renamed"),
    [
        ("programmes:programme-detail", PROGRAMME),
        ("programmes:tool-detail", TOOL),
        ("programmes:partner-detail", PARTNER),
        ("risk_areas:riskarea-detail", RISK_AREA),
        ("risk_areas:cepcomponent-detail", COMPONENT),
    ],
)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_renamed_record_old_address_answers_301_to_the_new_one(
    client, catalogue, url_name, renamed, language
):
    model_path, old, new = renamed
    rename(apps.get_model(model_path), old, new)
    with translation.override(language):
        old_url = reverse(url_name, kwargs={"slug": old})
        new_url = reverse(url_name, kwargs={"slug": new})

    response = client.get(old_url)

    assert response.status_code == 301
    assert response["Location"] == new_url


@pytest.mark.parametrize(
    ("list_name", "parameter", "renamed"),
    [
        ("programmes:programme-list", "partner", PARTNER),
        ("programmes:programme-list", "risk_area", RISK_AREA),
        ("programmes:programme-list", "component", COMPONENT),
        ("programmes:tool-list", "programme", PROGRAMME),
        ("programmes:tool-list", "partner", PARTNER),
        ("programmes:tool-list", "risk_area", RISK_AREA),
        ("programmes:tool-list", "component", COMPONENT),
    ],
)
def test_list_filtered_by_an_old_slug_answers_301_with_the_new_one(
    client, catalogue, list_name, parameter, renamed
):
    model_path, old, new = renamed
    rename(apps.get_model(model_path), old, new)
    path = reverse(list_name)

    response = client.get(path, {parameter: old, "sort": "name"})

    assert response.status_code == 301
    location = urlsplit(response["Location"])
    assert location.path == path
    assert dict(parse_qsl(location.query)) == {parameter: new, "sort": "name"}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(
    "key", ["restricted_programme", "draft_programme", "restricted_tool"]
)
def test_renamed_secret_record_old_address_redirects_only_members_who_may_see_it(
    reader, key, reader_client, catalogue
):
    secret = SECRETS[key]
    rename(secret.model, secret.slug, f"{secret.slug}-renamed")
    url_name = f"programmes:{secret.kind}-detail"

    response = reader_client(reader).get(
        reverse(url_name, kwargs={"slug": secret.slug})
    )

    if shown_to(reader, secret):
        assert response.status_code == 301
        assert response["Location"] == reverse(
            url_name, kwargs={"slug": f"{secret.slug}-renamed"}
        )
    else:
        assert response.status_code == 404
        assert "renamed" not in body_of(response)


@pytest.mark.parametrize("reader", READERS)
def test_tool_list_filtered_by_a_secret_programme_old_slug_redirects_only_members(
    reader, reader_client, catalogue
):
    secret = SECRETS["restricted_programme"]
    rename(Programme, secret.slug, "sealed-harbour")
    path = reverse("programmes:tool-list")

    response = reader_client(reader).get(path, {"programme": secret.slug})

    if reader == "member":
        assert response.status_code == 301
        assert response["Location"] == f"{path}?programme=sealed-harbour"
    else:
        assert response.status_code == 200
        assert "sealed-harbour" not in body_of(response)
        assert len(response.context["ignored"]) == 1
