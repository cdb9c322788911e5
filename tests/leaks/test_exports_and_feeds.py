"""Exports hold only what the reader may see; the sitemap and the feed are
anonymous by nature, whoever asks."""

import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.models import Programme, Tool
from tests.leaks.harness.reading import assert_no_token_of, body_of, json_export
from tests.leaks.harness.records import (
    PUBLIC_PROGRAMMES,
    PUBLIC_TOOLS,
    READERS,
    SECRETS,
    expected,
    secrets_hidden_from,
    visible_names,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("kind", ["programme", "tool"])
def test_list_json_export_holds_only_visible_records_and_links(
    reader, kind, reader_client, catalogue
):
    path = reverse(f"programmes:{kind}-list")

    data = json_export(reader_client(reader), path)

    wanted = visible_names(reader, kind)
    assert sorted(record["name"] for record in data["results"]) == wanted
    assert data["count"] == len(wanted)
    # Links to the other kind name only records the reader may see too: the tools
    # of a programme, or the programmes of a tool.
    other, other_kind = (
        ("tools", "tool") if kind == "programme" else ("programmes", "programme")
    )
    for record in data["results"]:
        linked = sorted(item["name"] for item in record[other])
        lookup = {f"{kind}s__slug": record["slug"]}
        assert linked == expected(other_kind, reader, **lookup), record["slug"]


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("kind", ["programme", "tool"])
def test_list_csv_export_holds_only_visible_records(
    reader, kind, reader_client, catalogue
):
    client = reader_client(reader)

    response = client.get(reverse(f"programmes:{kind}-list"), {"format": "csv"})

    text = body_of(response)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert sorted(row["Name"] for row in rows) == visible_names(reader, kind)
    assert_no_token_of(text, secrets_hidden_from(reader))


def test_export_date_does_not_move_when_only_a_hidden_record_changes(client, catalogue):
    path = reverse("programmes:programme-list")
    before = client.get(path, {"format": "json"})
    before_stamp = json.loads(body_of(before))["catalogue_updated"]

    Programme.objects.filter(slug=SECRETS["draft_programme"].slug).update(
        updated=timezone.now() + timezone.timedelta(days=3)
    )
    after = client.get(path, {"format": "json"})

    assert json.loads(body_of(after))["catalogue_updated"] == before_stamp
    assert after.get("Last-Modified") == before.get("Last-Modified")
    assert after["Content-Disposition"] == before["Content-Disposition"]


@pytest.mark.parametrize("reader", READERS)
def test_sitemap_lists_only_published_public_records_whoever_asks(
    reader, reader_client, catalogue
):
    response = reader_client(reader).get("/sitemap.xml")

    text = body_of(response)
    for name in PUBLIC_PROGRAMMES + PUBLIC_TOOLS:
        record = (
            Programme.objects.filter(name=name).first()
            or Tool.objects.filter(name=name).get()
        )
        assert f"<loc>http://testserver{record.get_absolute_url()}</loc>" in text
    assert "vornalith" not in text


@pytest.mark.parametrize("reader", READERS)
def test_feed_holds_only_published_public_records_whoever_asks(
    reader, reader_client, catalogue
):
    response = reader_client(reader).get(reverse("updates-feed"))

    text = body_of(response)
    for name in PUBLIC_PROGRAMMES + PUBLIC_TOOLS:
        assert name in text
    assert_no_token_of(text, SECRETS.values())
