"""dump_catalogue: the whole catalogue as a file load_catalogue reads back."""

import copy
import json
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError

from programmes.models import Programme, Tool
from risk_areas.models import SlugHistory
from tests import factories


def dump(*args):
    out = StringIO()
    call_command("dump_catalogue", *map(str, args), stdout=out)
    return out.getvalue()


def load(*paths, **options):
    out = StringIO()
    call_command(
        "load_catalogue", *map(str, paths), stdout=out, stderr=StringIO(), **options
    )
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_dump_flush_load_dump_gives_the_same_file_with_renames_and_publishers(
    tmp_path, client, django_user_model
):
    load()  # the bundled catalogue
    editor = django_user_model.objects.create_user("editor")
    programme = Programme.objects.order_by("slug").first()
    old_address = programme.get_absolute_url()
    programme.slug = "renamed-programme"
    programme.publish(editor)
    programme.save()
    tool = Tool.objects.get(slug="cen")
    tool.slug = "customs-enforcement-network"
    tool.save()
    first = tmp_path / "first.json"
    dump(first)

    call_command("flush", interactive=False, verbosity=0)
    ContentType.objects.clear_cache()
    assert not Programme.objects.exists()
    load(first)
    second = dump()

    assert second.encode() == first.read_bytes()
    response = client.get(old_address)
    assert response.status_code == 301
    assert response["Location"] == "/programmes/renamed-programme/"
    assert client.get("/tools/cen/")["Location"] == tool.get_absolute_url()
    assert Programme.objects.get(slug="renamed-programme").published_by is None
    assert Programme.objects.get(slug="renamed-programme").published_at is not None
    assert "Catalogue unchanged." in load(first)


@pytest.mark.django_db
def test_dump_holds_no_primary_keys_users_or_timestamps(django_user_model):
    area = factories.make_risk_area("Drugs")
    partner = factories.make_partner("UNODC")
    programme = factories.make_programme(
        "Drugs Programme", risk_areas=[area], partners=[partner]
    )
    programme.publish(django_user_model.objects.create_user("editor"))
    programme.save()

    records = json.loads(dump())

    assert all(set(record) == {"model", "fields"} for record in records)
    fields = {name for record in records for name in record["fields"]}
    assert not fields & {"pk", "id", "created", "updated", "published_by"}
    assert "search_vector" not in fields
    (dumped,) = [r for r in records if r["model"] == "programmes.programme"]
    assert dumped["fields"]["partners"] == [["unodc"]]
    assert dumped["fields"]["name_en"] == "Drugs Programme"
    assert dumped["fields"]["published_at"]
    coverage = [r for r in records if r["model"] == "programmes.programmecoverage"]
    assert coverage == [
        {
            "model": "programmes.programmecoverage",
            "fields": {
                "programme": ["drugs-programme"],
                "risk_area": ["drugs"],
                "level": "primary",
            },
        }
    ]


@pytest.mark.django_db
def test_dump_to_a_file_writes_what_it_prints(tmp_path):
    factories.make_tool("Customs Enforcement Network")
    path = tmp_path / "catalogue.json"

    dump(path)

    assert path.read_text(encoding="utf-8") == dump()
    assert not list(tmp_path.glob(".*partial"))


@pytest.mark.django_db
def test_dump_to_an_unwritable_place_says_so(tmp_path):
    with pytest.raises(CommandError, match=r"missing/c\.json: cannot be written"):
        dump(tmp_path / "missing" / "c.json")


@pytest.mark.django_db
def test_dump_lists_links_and_old_slugs_in_slug_order():
    partners = [factories.make_partner(name) for name in ("Zeta", "Alpha", "Mu")]
    programme = factories.make_programme(partners=partners)
    for slug in ("second", "first"):
        programme.slug = slug
        programme.save()

    records = json.loads(dump())

    (dumped,) = [r for r in records if r["model"] == "programmes.programme"]
    assert dumped["fields"]["partners"] == [["alpha"], ["mu"], ["zeta"]]
    old = [r["fields"] for r in records if r["model"] == "risk_areas.slughistory"]
    assert old == [
        {
            "content_type": ["programmes", "programme"],
            "record": ["first"],
            "slug": "revenue-programme",
        },
        {
            "content_type": ["programmes", "programme"],
            "record": ["first"],
            "slug": "second",
        },
    ]


OLD_SLUG = {
    "model": "risk_areas.slughistory",
    "fields": {
        "content_type": ["programmes", "programme"],
        "record": ["revenue-programme"],
        "slug": "old-name",
    },
}


def old_slug(**fields):
    record = copy.deepcopy(OLD_SLUG)
    record["fields"].update(fields)
    return record


BAD_OLD_SLUGS = {
    "record missing": (
        old_slug(record=["no-such-programme"]),
        'field "record": no programmes.programme ["no-such-programme"] in the input',
    ),
    "slug in use": (
        old_slug(slug="revenue-programme"),
        'field "slug": programmes.programme "revenue-programme" has this slug today',
    ),
    "not a slug": (old_slug(slug="old name!"), 'field "slug": expected a slug'),
    "not a catalogue model": (
        old_slug(content_type=["auth", "user"]),
        'field "content_type": expected one of',
    ),
    "an id": (
        {**old_slug(), "fields": {**OLD_SLUG["fields"], "object_id": 3}},
        'field "object_id": unknown field of risk_areas.slughistory',
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", BAD_OLD_SLUGS)
def test_load_catalogue_refuses_a_bad_old_slug(tmp_path, monkeypatch, case):
    record, expected = BAD_OLD_SLUGS[case]
    factories.make_programme()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "old.json").write_text(json.dumps([record]), encoding="utf-8")

    with pytest.raises(CommandError) as error:
        load("old.json")

    assert str(error.value).startswith("old.json, record 1")
    assert expected in str(error.value)
    assert not SlugHistory.objects.exists()


@pytest.mark.django_db
def test_load_catalogue_refuses_an_old_slug_given_twice(tmp_path, monkeypatch):
    factories.make_programme()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "old.json").write_text(json.dumps([OLD_SLUG, OLD_SLUG]))

    with pytest.raises(CommandError, match='record 2.*"old-name" is already given'):
        load("old.json")


@pytest.mark.django_db
def test_load_catalogue_moves_an_old_slug_to_the_record_the_file_names(
    tmp_path, monkeypatch, client
):
    factories.make_programme()
    other = factories.make_programme("Other Programme")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "old.json").write_text(json.dumps([OLD_SLUG]))
    load("old.json")
    (tmp_path / "moved.json").write_text(
        json.dumps([old_slug(record=["other-programme"])])
    )

    output = load("moved.json", verbosity=2)

    assert "risk_areas.slughistory: 0 created, 1 updated, 0 unchanged" in output
    response = client.get("/programmes/old-name/")
    assert response["Location"] == other.get_absolute_url()
