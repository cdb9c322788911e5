import copy
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from programmes import loader
from programmes.models import Partner, Programme, ProgrammeCoverage, Tool, ToolCoverage
from risk_areas.models import CEPComponent, RiskArea, Threat

pytestmark = pytest.mark.django_db

CATALOGUE = [RiskArea, Threat, CEPComponent, Partner, Programme, Tool]
COVERAGE = [ProgrammeCoverage, ToolCoverage]
SOURCE = "https://www.wcoomd.org/en/topics/enforcement-and-compliance.aspx"


def sample_catalogue():
    """A small catalogue in fixture form, file name -> records."""
    return {
        "risk_areas.json": [
            {
                "model": "risk_areas.riskarea",
                "fields": {"slug": "revenue", "order": 1, "name_en": "Revenue"},
            },
            {
                "model": "risk_areas.riskarea",
                "fields": {"slug": "drugs", "order": 2, "name_en": "Drugs"},
            },
            {
                "model": "risk_areas.threat",
                "fields": {
                    "slug": "undervaluation",
                    "risk_area": ["revenue"],
                    "name_en": "Undervaluation",
                    "name_fr": "Sous-évaluation",
                },
            },
        ],
        "cep_components.json": [
            {
                "model": "risk_areas.cepcomponent",
                "fields": {"slug": "tools", "order": 3, "name_en": "Tools"},
            }
        ],
        "partners.json": [
            {
                "model": "programmes.partner",
                "fields": {"slug": "unodc", "name_en": "UNODC", "kind": "network"},
            },
            {
                "model": "programmes.partner",
                "fields": {"slug": "interpol", "name_en": "INTERPOL"},
            },
        ],
        "programmes.json": [
            {
                "model": "programmes.programme",
                "fields": {
                    "slug": "pccp",
                    "name_en": "Passenger and Cargo Control Programme",
                    "name_fr": "Programme de contrôle des passagers et du fret",
                    "summary_en": "Joint WCO and UNODC programme.",
                    "source_url": SOURCE,
                    "partners": [["unodc"], ["interpol"]],
                    "threats": [["undervaluation"]],
                    "publication_status": "published",
                },
            },
            {
                "model": "programmes.programme",
                "fields": {
                    "slug": "ccp",
                    "name_en": "Container Control Programme",
                    "source_url": SOURCE,
                    "status": "merged",
                    "successor": ["pccp"],
                    "merged_on": "2024-04-01",
                    "start_year": 2004,
                    "end_year": 2024,
                },
            },
            {
                "model": "programmes.programmecoverage",
                "fields": {
                    "programme": ["pccp"],
                    "risk_area": ["drugs"],
                    "level": "primary",
                },
            },
        ],
        "tools.json": [
            {
                "model": "programmes.tool",
                "fields": {
                    "slug": "cen",
                    "name_en": "Customs Enforcement Network",
                    "acronym": "CEN",
                    "kind": "it-system",
                    "source_url": SOURCE,
                    "components": [["tools"]],
                    "programmes": [["pccp"]],
                    "partners": [["interpol"]],
                    "last_reviewed": "2026-11-20",
                },
            },
            {
                "model": "programmes.toolcoverage",
                "fields": {
                    "tool": ["cen"],
                    "risk_area": ["revenue"],
                    "level": "supporting",
                },
            },
        ],
    }


def write_files(directory, catalogue):
    paths = []
    for name, records in catalogue.items():
        path = directory / name
        path.write_text(
            json.dumps(records, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        paths.append(path)
    return paths


def write_json(directory, name, records):
    path = directory / name
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


def load(*paths, **options):
    out = StringIO()
    call_command(
        "load_catalogue", *map(str, paths), stdout=out, stderr=StringIO(), **options
    )
    return out.getvalue()


def state():
    """Everything a load could change: counts, texts, links and timestamps."""
    return {
        "counts": {
            model.__name__: model.objects.count() for model in CATALOGUE + COVERAGE
        },
        "records": {
            model.__name__: list(
                model.objects.order_by("slug").values_list(
                    "slug", "name_en", "name_fr", "updated"
                )
            )
            for model in CATALOGUE
        },
        "programmes": list(
            Programme.objects.order_by("slug").values_list(
                "slug", "summary_en", "status", "successor__slug", "merged_on"
            )
        ),
        "tools": list(
            Tool.objects.order_by("slug").values_list("slug", "kind", "source_url")
        ),
        "links": sorted(
            Tool.partners.through.objects.values_list("tool_id", "partner_id")
        ),
        "coverage": sorted(
            ToolCoverage.objects.values_list("tool_id", "risk_area_id", "level")
        ),
    }


@pytest.fixture(autouse=True)
def _in_tmp_path(monkeypatch, tmp_path):
    # Files are passed by bare name, so messages start with the name operators typed.
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def files(tmp_path):
    return write_files(tmp_path, sample_catalogue())


@pytest.fixture
def loaded(files):
    load(*files)
    return files


def bundled_fixtures():
    directory = Path(settings.FIXTURE_DIRS[0])
    missing = [
        name for name in loader.BUNDLED_FIXTURES if not (directory / name).is_file()
    ]
    if missing:
        pytest.skip(f"bundled fixtures not written yet: {', '.join(missing)}")


# Loading good files


def test_load_catalogue_creates_every_record_with_its_links(files):
    output = load(*files)

    pccp = Programme.objects.get(slug="pccp")
    cen = Tool.objects.get(slug="cen")
    assert Programme.objects.get(slug="ccp").successor == pccp
    assert {p.slug for p in pccp.partners.all()} == {"unodc", "interpol"}
    assert [t.slug for t in pccp.threats.all()] == ["undervaluation"]
    assert [a.slug for a in pccp.risk_areas.all()] == ["drugs"]
    assert [c.slug for c in cen.components.all()] == ["tools"]
    assert ToolCoverage.objects.get(tool=cen).level == "supporting"
    assert Threat.objects.get(slug="undervaluation").name_fr == "Sous-évaluation"
    assert "programmes.programme: 2 created, 0 updated, 0 unchanged" in output
    assert "Total: 11 created, 0 updated, 0 unchanged" in output
    assert "Catalogue updated." in output


def test_load_catalogue_fills_the_untranslated_column_with_english(files):
    load(*files)

    assert Programme.objects.filter(name="Container Control Programme").exists()
    assert RiskArea.objects.get(slug="revenue").name == "Revenue"


def test_load_catalogue_gives_fields_a_new_record_does_not_list_their_default(files):
    load(*files)

    partner = Partner.objects.get(slug="interpol")
    ccp = Programme.objects.get(slug="ccp")
    assert partner.kind == "international-organisation"
    assert ccp.publication_status == "draft"
    assert ccp.access == "public"


def test_load_catalogue_resolves_a_reference_to_a_record_listed_later(tmp_path):
    catalogue = sample_catalogue()
    programmes = catalogue["programmes.json"]
    programmes[0], programmes[1] = programmes[1], programmes[0]  # ccp before pccp

    load(*write_files(tmp_path, catalogue))

    assert Programme.objects.get(slug="ccp").successor.slug == "pccp"


def test_load_catalogue_loads_files_given_in_reverse_order(tmp_path):
    paths = write_files(tmp_path, sample_catalogue())

    output = load(*reversed(paths))

    cen = Tool.objects.get(slug="cen")
    assert ToolCoverage.objects.get(tool=cen).risk_area.slug == "revenue"
    assert [p.slug for p in cen.programmes.all()] == ["pccp"]
    assert Threat.objects.get(slug="undervaluation").risk_area.slug == "revenue"
    assert "Total: 11 created, 0 updated, 0 unchanged" in output


def test_load_catalogue_refuses_programmes_that_succeed_each_other(tmp_path):
    def merged_into(slug, successor):
        return {
            "model": "programmes.programme",
            "fields": {
                "slug": slug,
                "name_en": slug.upper(),
                "source_url": SOURCE,
                "status": "merged",
                "merged_on": "2024-04-01",
                "successor": [successor],
            },
        }

    write_json(tmp_path, "circle.json", [merged_into("a", "b"), merged_into("b", "a")])

    with pytest.raises(CommandError) as error:
        call_command("load_catalogue", "circle.json", stdout=StringIO())

    assert str(error.value).startswith(
        'circle.json, record 1 (slug "a"), field "successor": '
        'programmes.programme ["b"] cannot be saved first'
    )
    assert Programme.objects.count() == 0


def test_load_catalogue_resolves_references_to_records_already_in_the_database(
    loaded, tmp_path
):
    path = write_json(
        tmp_path,
        "more.json",
        [
            {
                "model": "programmes.tool",
                "fields": {
                    "slug": "ncen",
                    "name_en": "National Customs Enforcement Network",
                    "kind": "it-system",
                    "source_url": SOURCE,
                    "components": [["tools"]],
                    "programmes": [["ccp"]],
                },
            }
        ],
    )

    output = load(path)

    assert [p.slug for p in Tool.objects.get(slug="ncen").programmes.all()] == ["ccp"]
    assert "programmes.tool: 1 created, 0 updated, 0 unchanged" in output


def test_load_catalogue_second_run_changes_nothing(loaded):
    before = state()

    output = load(*loaded)

    assert state() == before
    assert "programmes.programme: 0 created, 0 updated, 2 unchanged" in output
    assert "Total: 0 created, 0 updated, 11 unchanged" in output
    assert output.strip().endswith("Catalogue unchanged.")


def test_load_catalogue_updates_only_the_record_whose_field_changed(loaded, tmp_path):
    catalogue = sample_catalogue()
    catalogue["programmes.json"][0]["fields"]["summary_en"] = "A new summary."
    untouched = Programme.objects.get(slug="ccp").updated

    output = load(*write_files(tmp_path, catalogue), verbosity=2)

    assert Programme.objects.get(slug="pccp").summary_en == "A new summary."
    assert Programme.objects.get(slug="ccp").updated == untouched
    assert "programmes.programme: 0 created, 1 updated, 1 unchanged" in output
    assert 'updated programmes.programme "pccp": summary_en' in output
    assert "Total: 0 created, 1 updated, 10 unchanged" in output
    assert "Catalogue updated." in output


def test_load_catalogue_counts_a_french_translation_change_as_an_update(
    loaded, tmp_path
):
    catalogue = sample_catalogue()
    catalogue["risk_areas.json"][2]["fields"]["name_fr"] = "Minoration de valeur"

    output = load(*write_files(tmp_path, catalogue))

    assert Threat.objects.get(slug="undervaluation").name_fr == "Minoration de valeur"
    assert "risk_areas.threat: 0 created, 1 updated, 0 unchanged" in output


def test_load_catalogue_sets_many_to_many_fields_to_exactly_the_listed_records(
    loaded, tmp_path
):
    catalogue = sample_catalogue()
    catalogue["programmes.json"][0]["fields"]["partners"] = [["interpol"]]
    before = Programme.objects.get(slug="pccp").updated

    output = load(*write_files(tmp_path, catalogue), verbosity=2)

    pccp = Programme.objects.get(slug="pccp")
    assert [p.slug for p in pccp.partners.all()] == ["interpol"]
    assert pccp.updated > before
    assert 'updated programmes.programme "pccp": partners' in output


def test_load_catalogue_keeps_fields_a_record_does_not_list(loaded, tmp_path):
    Tool.objects.filter(slug="cen").update(summary_en="Written in the admin.")
    path = write_json(
        tmp_path,
        "tools.json",
        [{"model": "programmes.tool", "fields": {"slug": "cen", "acronym": "CEN2"}}],
    )

    load(path)

    cen = Tool.objects.get(slug="cen")
    assert cen.acronym == "CEN2"
    assert cen.summary_en == "Written in the admin."
    assert [c.slug for c in cen.components.all()] == ["tools"]


def test_load_catalogue_reads_what_dumpdata_writes(loaded, tmp_path):
    dump = tmp_path / "dump.json"
    call_command(
        "dumpdata",
        "risk_areas.riskarea",
        "risk_areas.threat",
        "programmes.programme",
        "programmes.tool",
        "programmes.toolcoverage",
        natural_foreign=True,
        natural_primary=True,
        output=str(dump),
        stdout=StringIO(),
    )
    before = state()

    output = load(dump)

    assert state() == before
    assert "Catalogue unchanged." in output


def test_load_catalogue_finds_a_bare_name_in_the_fixtures_directory(
    files, tmp_path, settings
):
    settings.FIXTURE_DIRS = [tmp_path]

    output = load("risk_areas")

    assert RiskArea.objects.count() == 2
    assert "risk_areas.riskarea: 2 created" in output


# Dry run


def test_load_catalogue_dry_run_writes_nothing_and_lists_what_it_would_create(files):
    output = load(*files, dry_run=True)

    assert all(model.objects.count() == 0 for model in CATALOGUE + COVERAGE)
    assert 'would create programmes.programme "ccp"' in output
    assert "programmes.programme: 2 created, 0 updated, 0 unchanged" in output
    assert "Dry run: nothing was written." in output


def test_load_catalogue_dry_run_lists_changed_fields_without_writing(loaded, tmp_path):
    catalogue = sample_catalogue()
    catalogue["tools.json"][0]["fields"]["acronym"] = "CEN-X"
    catalogue["tools.json"][0]["fields"]["partners"] = []
    before = state()

    output = load(*write_files(tmp_path, catalogue), dry_run=True)

    assert state() == before
    assert 'would update programmes.tool "cen": acronym, partners' in output
    assert "programmes.tool: 0 created, 1 updated, 0 unchanged" in output
    assert "Dry run: nothing was written." in output


def test_load_catalogue_dry_run_of_an_unchanged_catalogue_says_so(loaded):
    output = load(*loaded, dry_run=True)

    assert "Catalogue unchanged." in output


# Bad input: one precise message, nothing written


def valid_change():
    """A correct update that comes before the bad record, so a partial write shows."""
    return {
        "model": "programmes.programme",
        "fields": {"slug": "pccp", "summary_en": "X"},
    }


def cen(**fields):
    return {"model": "programmes.tool", "fields": {"slug": "cen", **fields}}


BAD_RECORDS = {
    "unknown model": (
        [valid_change(), {"model": "programmes.gadget", "fields": {"slug": "cen"}}],
        ['bad.json, record 2 (slug "cen"): unknown model "programmes.gadget"'],
    ),
    "record without model": (
        [valid_change(), {"fields": {"slug": "cen"}}],
        ['bad.json, record 2 (slug "cen"): missing "model"'],
    ),
    "model that is not text": (
        [valid_change(), {"model": [[["programmes.tool"]]], "fields": {"slug": "cen"}}],
        ['bad.json, record 2 (slug "cen"): expected "model" as text, found [[['],
    ),
    "record without fields": (
        [valid_change(), {"model": "programmes.tool"}],
        ['bad.json, record 2: missing "fields"'],
    ),
    "record with a pk": (
        [
            valid_change(),
            {"model": "programmes.tool", "pk": 3, "fields": {"slug": "cen"}},
        ],
        ['bad.json, record 2 (slug "cen"): has a "pk"'],
    ),
    "unknown field": (
        [valid_change(), cen(colour="blue")],
        [
            'bad.json, record 2 (slug "cen"), field "colour": '
            "unknown field of programmes.tool"
        ],
    ),
    "missing reference": (
        [valid_change(), cen(programmes=[["pccp"], ["no-such-programme"]])],
        [
            'bad.json, record 2 (slug "cen"), field "programmes": '
            'no programmes.programme ["no-such-programme"] '
            "in the input or the database."
        ],
    ),
    "missing foreign key": (
        [
            valid_change(),
            {
                "model": "risk_areas.threat",
                "fields": {"slug": "x", "risk_area": ["sea"]},
            },
        ],
        [
            'bad.json, record 2 (slug "x"), field "risk_area": '
            'no risk_areas.riskarea ["sea"]'
        ],
    ),
    "reference that is not a natural key": (
        [valid_change(), cen(partners=[3])],
        ['bad.json, record 2 (slug "cen"), field "partners": expected a natural key'],
    ),
    "invalid choice": (
        [valid_change(), cen(kind="gadget")],
        [
            'bad.json, record 2 (slug "cen"), field "kind": '
            "Value 'gadget' is not a valid choice."
        ],
    ),
    "invalid URL": (
        [valid_change(), cen(source_url="wcoomd dot org")],
        ['bad.json, record 2 (slug "cen"), field "source_url": Enter a valid URL.'],
    ),
    "year given as true": (
        [valid_change(), cen(start_year=True)],
        [
            'bad.json, record 2 (slug "cen"), field "start_year": '
            "expected a whole number, found true."
        ],
    ),
    "year with a fraction": (
        [valid_change(), cen(start_year=2020.7)],
        ['field "start_year": expected a whole number, found 2020.7.'],
    ),
    "year given as text": (
        [valid_change(), cen(start_year="2020")],
        ['field "start_year": expected a whole number, found "2020".'],
    ),
    "year out of range": (
        [valid_change(), cen(start_year=1200)],
        ['field "start_year": Ensure this value is greater than or equal to 1900.'],
    ),
    "year too large for the column": (
        [
            valid_change(),
            {
                "model": "programmes.programme",
                "fields": {"slug": "ccp", "end_year": 99999},
            },
        ],
        ['field "end_year": Ensure this value is less than or equal to 2100.'],
    ),
    "risk area order given as false": (
        [
            valid_change(),
            {
                "model": "risk_areas.riskarea",
                "fields": {"slug": "drugs", "order": False},
            },
        ],
        ['field "order": expected a whole number, found false.'],
    ),
    "text given as a number": (
        [valid_change(), cen(acronym=123)],
        ['field "acronym": expected text (a string), found 123.'],
    ),
    "date given as a number": (
        [valid_change(), cen(last_reviewed=20261120)],
        ['field "last_reviewed": expected a date ("2024-04-01"), found 20261120.'],
    ),
    "NUL in a text": (
        [valid_change(), cen(summary_en="Customs\x00Network")],
        [
            'bad.json, record 2 (slug "cen"), field "summary_en": '
            "contains a NUL character (\\u0000), which no text may hold."
        ],
    ),
    "NUL in a slug": (
        [valid_change(), {"model": "programmes.tool", "fields": {"slug": "c\x00en"}}],
        [
            'bad.json, record 2 (slug "c\\u0000en"), field "slug": '
            "contains a NUL character"
        ],
    ),
    "NUL in a natural key": (
        [valid_change(), cen(partners=[["inter\x00pol"]])],
        ['field "partners": contains a NUL character'],
    ),
    "NUL in a field name": (
        [valid_change(), cen(**{"acro\x00nym": "X"})],
        ['bad.json, record 2 (slug "cen"): contains a NUL character'],
    ),
    "NUL in the model": (
        [valid_change(), {"model": "programmes.to\x00ol", "fields": {"slug": "cen"}}],
        ['bad.json, record 2 (slug "cen"): contains a NUL character'],
    ),
    "invalid date": (
        [valid_change(), cen(last_reviewed="20 November")],
        ['bad.json, record 2 (slug "cen"), field "last_reviewed":'],
    ),
    "duplicate slug": (
        [valid_change(), cen(acronym="A"), cen(acronym="B")],
        [
            'bad.json, record 3 (slug "cen"), field "slug": '
            'programmes.tool "cen" is already defined by record 2 of bad.json.'
        ],
    ),
    "coverage set on the tool itself": (
        [valid_change(), cen(risk_areas=[["drugs"]])],
        [
            'bad.json, record 2 (slug "cen"), field "risk_areas": '
            "cannot be set here: list programmes.toolcoverage records instead."
        ],
    ),
    "merged programme without successor": (
        [
            valid_change(),
            {
                "model": "programmes.programme",
                "fields": {"slug": "ccp", "successor": None},
            },
        ],
        [
            'bad.json, record 2 (slug "ccp"), '
            'fields "status", "successor", "merged_on": ',
            "programmes_programme_merged_has_successor_and_date",
        ],
    ),
    "programme that ends before it starts": (
        [
            valid_change(),
            {
                "model": "programmes.programme",
                "fields": {"slug": "ccp", "end_year": 1999},
            },
        ],
        [
            'bad.json, record 2 (slug "ccp"), fields "start_year", "end_year": ',
            "programmes_programme_ends_after_start",
            "(end_year 1999)",
        ],
    ),
    "new tool without a required field": (
        [
            valid_change(),
            {
                "model": "programmes.tool",
                "fields": {
                    "slug": "new-tool",
                    "name_en": "New tool",
                    "source_url": SOURCE,
                    "components": [["tools"]],
                },
            },
        ],
        [
            'bad.json, record 2 (slug "new-tool"), field "kind": '
            "This field cannot be blank."
        ],
    ),
    "name already used by another record": (
        [
            valid_change(),
            {
                "model": "programmes.tool",
                "fields": {
                    "slug": "cen-copy",
                    "name_en": "Customs Enforcement Network",
                    "kind": "report",
                    "source_url": SOURCE,
                    "components": [["tools"]],
                },
            },
        ],
        ['bad.json, record 2 (slug "cen-copy"), field "name_en": ', "already exists"],
    ),
    "programme that succeeds itself": (
        [
            valid_change(),
            {
                "model": "programmes.programme",
                "fields": {"slug": "ccp", "successor": ["ccp"]},
            },
        ],
        [
            'bad.json, record 2 (slug "ccp"), field "successor": ',
            "programmes_programme_not_own_successor",
            '(successor ["ccp"])',
        ],
    ),
}


@pytest.mark.parametrize("case", BAD_RECORDS, ids=str)
def test_load_catalogue_refuses_a_bad_record_and_writes_nothing(loaded, tmp_path, case):
    records, expected = BAD_RECORDS[case]
    path = write_json(tmp_path, "bad.json", copy.deepcopy(records))
    before = state()

    with pytest.raises(CommandError) as error:
        call_command("load_catalogue", "bad.json", stdout=StringIO())

    message = str(error.value)
    assert "\n" not in message
    for text in expected:
        assert text in message
    assert message.endswith("Nothing was written.")
    assert state() == before
    assert (
        Programme.objects.get(slug="pccp").summary_en
        == "Joint WCO and UNODC programme."
    )
    assert path.exists()


BAD_FILES = {
    "bad JSON": ('[{"model": "programmes.tool",, }]', "bad.json: not valid JSON"),
    "not a list": (
        '{"model": "programmes.tool"}',
        "bad.json: expected a list of records",
    ),
    "record that is not an object": (
        '[["cen"]]',
        "bad.json, record 1: expected an object",
    ),
    "not UTF-8": (b"[\xff]", "bad.json: not UTF-8 text (byte 2 cannot be read)."),
    "nested too deeply": (
        "[" * 100_000 + "]" * 100_000,
        "bad.json: not a catalogue file: its lists or objects are nested too deeply.",
    ),
    "a field nested deeply": (
        '[{"model": "programmes.tool", "fields": {"slug": "cen", "summary_en": '
        + "[" * 900
        + '"x"'
        + "]" * 900
        + "}}]",
        'bad.json, record 1 (slug "cen"), field "summary_en": expected text',
    ),
    "a 5,000-digit number": (
        '[{"model": "programmes.tool", "fields": {"slug": "cen", "start_year": '
        + "9" * 5000
        + "}}]",
        "bad.json: not valid catalogue JSON: a number has thousands of digits.",
    ),
    "not a number": (
        '[{"model": "programmes.tool", "fields": {"slug": "cen", "order": NaN}}]',
        "bad.json: not valid catalogue JSON: NaN is not a number",
    ),
    "top level an object of records": (
        '{"records": [{"model": "programmes.tool", "fields": {"slug": "cen"}}]}',
        "bad.json: expected a list of records.",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=str)
def test_load_catalogue_refuses_an_unreadable_file(loaded, tmp_path, case):
    content, expected = BAD_FILES[case]
    path = tmp_path / "bad.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    write_json(tmp_path, "good.json", [cen(acronym="CHANGED")])
    before = state()

    with pytest.raises(CommandError) as error:
        call_command("load_catalogue", "good.json", "bad.json", stdout=StringIO())

    assert str(error.value).startswith(expected)
    assert str(error.value).endswith("Nothing was written.")
    assert state() == before


def test_load_catalogue_refuses_a_missing_file(loaded):
    with pytest.raises(CommandError, match=r"^missing\.json: file not found\."):
        call_command("load_catalogue", "missing.json", stdout=StringIO())


def test_load_catalogue_error_names_the_file_of_the_bad_record_among_several(
    loaded, tmp_path
):
    write_json(tmp_path, "first.json", [valid_change()])
    write_json(tmp_path, "second.json", [cen(kind="gadget")])
    before = state()

    with pytest.raises(CommandError) as error:
        call_command("load_catalogue", "first.json", "second.json", stdout=StringIO())

    assert str(error.value).startswith(
        'second.json, record 1 (slug "cen"), field "kind"'
    )
    assert state() == before


def test_load_catalogue_counts_further_problems_and_lists_them_on_request(
    loaded, tmp_path
):
    write_json(tmp_path, "bad.json", [cen(kind="gadget"), cen(colour="red")])
    errors = StringIO()

    with pytest.raises(CommandError) as error:
        call_command("load_catalogue", "bad.json", verbosity=2, stderr=errors)

    assert "(and 1 more problem;" in str(error.value)
    assert 'bad.json, record 2 (slug "cen"), field "colour"' in errors.getvalue()


CLI_BAD_FILES = {
    "bad record": (json.dumps([cen(kind="gadget")]), "bad.json, record 1"),
    "nested too deeply": ("[" * 100_000 + "]" * 100_000, "bad.json: not a catalogue"),
    "huge number": ("[" + "7" * 5000 + "]", "bad.json: not valid catalogue JSON"),
    "NUL in a text": (
        json.dumps([cen(name_en="C\x00EN", kind="report", source_url=SOURCE)]),
        'bad.json, record 1 (slug "cen"), field "name_en": contains a NUL',
    ),
}


@pytest.mark.parametrize("case", CLI_BAD_FILES)
def test_load_catalogue_command_line_exits_non_zero_without_traceback(tmp_path, case):
    content, expected = CLI_BAD_FILES[case]
    database = tmp_path / "cli.sqlite3"
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=environment, check=True)
    (tmp_path / "bad.json").write_text(content, encoding="utf-8")

    result = subprocess.run(
        [*manage, "load_catalogue", "bad.json"],
        env=environment,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith(f"CommandError: {expected}")
    assert result.stderr.strip().endswith("Nothing was written.")


# loaddata reads the same files


def test_loaddata_loads_the_same_files_and_load_catalogue_then_finds_nothing_to_do(
    files,
):
    call_command("loaddata", *map(str, files), verbosity=0)
    call_command("loaddata", *map(str, files), verbosity=0)

    output = load(*files)

    assert Programme.objects.get(slug="ccp").successor.slug == "pccp"
    assert ToolCoverage.objects.count() == 1
    assert "Catalogue unchanged." in output


# The bundled catalogue


@pytest.fixture(scope="class")
def first_load(class_records):
    """What the first load of the bundled catalogue printed; loaded once a class."""
    bundled_fixtures()
    return load()


class TestBundledCatalogueLoad:
    def test_loads_and_covers_every_risk_area_and_component(self, first_load):
        output = first_load

        assert "Catalogue updated." in output
        risk_areas = RiskArea.objects.annotate(
            tool_count=Count("tools", distinct=True),
            programme_count=Count("programmes", distinct=True),
        )
        assert [area.slug for area in risk_areas] == [
            "revenue",
            "drugs",
            "ipr-health-safety",
            "security",
            "environment",
        ]
        thin = [area.slug for area in risk_areas if area.tool_count < 3]
        assert thin == [], "risk areas with fewer than three tools"
        assert [area.slug for area in risk_areas if area.programme_count < 1] == []
        components = CEPComponent.objects.annotate(tool_count=Count("tools"))
        assert components.count() == 4
        assert [c.slug for c in components if c.tool_count < 1] == []

    def test_second_load_changes_nothing(self, first_load):
        before = state()

        output = load()

        assert state() == before
        assert "0 created, 0 updated" in output
        assert output.strip().endswith("Catalogue unchanged.")


def test_bundled_catalogue_loads_with_loaddata():
    bundled_fixtures()

    call_command(
        "loaddata",
        "risk_areas",
        "cep_components",
        "partners",
        "programmes",
        "tools",
        verbosity=0,
    )

    assert RiskArea.objects.count() == 5
    assert CEPComponent.objects.count() == 4
    assert (
        Programme.objects.filter(status="merged", successor__isnull=False).count() == 2
    )
    assert "Catalogue unchanged." in load()
