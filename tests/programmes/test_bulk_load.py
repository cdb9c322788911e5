"""Large loads: written in batches, recorded in the history, with progress shown.

The record-by-record behaviour (messages, merging, dry runs) is in test_loader.py;
these tests are about what changes when a file holds thousands of records.
"""

import copy
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programmes.management.commands import load_catalogue as command
from programmes.models import Tool, ToolCoverage
from tests.programmes.test_loader import SOURCE, load, sample_catalogue, write_files

pytestmark = pytest.mark.django_db


def many_tools(count, *, start=0, name="Tool"):
    """`count` tools linked to the sample catalogue, each covering two risk areas."""
    records = []
    for number in range(start, start + count):
        slug = f"tool-{number}"
        records.append(
            {
                "model": "programmes.tool",
                "fields": {
                    "slug": slug,
                    "name_en": f"{name} {number}",
                    "name_fr": f"Outil {number}",
                    "kind": "instrument",
                    "source_url": SOURCE,
                    "components": [["tools"]],
                    "programmes": [["pccp"]],
                    "partners": [["interpol"], ["unodc"]],
                    "threats": [["undervaluation"]],
                },
            }
        )
        for area, level in (("revenue", "primary"), ("drugs", "supporting")):
            records.append(
                {
                    "model": "programmes.toolcoverage",
                    "fields": {"tool": [slug], "risk_area": [area], "level": level},
                }
            )
    return records


@pytest.fixture
def catalogue(tmp_path):
    load(*write_files(tmp_path, sample_catalogue()))


def load_counting_queries(tmp_path, records):
    (path,) = write_files(tmp_path, {"many.json": records})
    with CaptureQueriesContext(connection) as queries:
        load(path)
    return len(queries)


def test_queries_grow_with_batches_not_with_records(catalogue, tmp_path):
    small = load_counting_queries(tmp_path, many_tools(30))  # 90 records
    large = load_counting_queries(tmp_path, many_tools(300, start=1000))  # 900

    assert Tool.objects.filter(slug__startswith="tool-").count() == 330
    assert ToolCoverage.objects.filter(tool__slug__startswith="tool-").count() == 660
    # Lookups, inserts, links and history go a batch of rows per query: ten
    # times the records take at most twice the queries, far fewer than records.
    assert large <= 2 * small
    assert large < 900 / 10


def test_a_large_load_links_every_record_as_listed(catalogue, tmp_path):
    load(*write_files(tmp_path, {"many.json": many_tools(120)}))

    tool = Tool.objects.get(slug="tool-77")
    assert tool.name_fr == "Outil 77"
    assert sorted(tool.partners.values_list("slug", flat=True)) == ["interpol", "unodc"]
    assert list(tool.programmes.values_list("slug", flat=True)) == ["pccp"]
    assert list(tool.threats.values_list("slug", flat=True)) == ["undervaluation"]
    levels = dict(tool.coverage.values_list("risk_area__slug", "level"))
    assert levels == {"revenue": "primary", "drugs": "supporting"}


def test_a_large_load_records_one_version_per_record_with_its_links(
    catalogue, tmp_path
):
    (path,) = write_files(tmp_path, {"many.json": many_tools(50)})
    load(path)

    tool = Tool.objects.get(slug="tool-7")
    (version,) = tool.history.all()
    assert version.history_type == "+"
    assert version.history_change_reason == f"Loaded from {path} by load_catalogue"
    linked = {link.partner.slug for link in version.partners.all()}
    assert linked == {"interpol", "unodc"}
    (coverage_version,) = ToolCoverage.history.filter(tool_id=tool.pk, level="primary")
    assert coverage_version.history_type == "+"


def test_reloading_a_changed_large_file_updates_only_what_changed(catalogue, tmp_path):
    records = many_tools(60)
    (path,) = write_files(tmp_path, {"many.json": records})
    load(path)
    before = dict(Tool.objects.values_list("slug", "updated"))

    changed = copy.deepcopy(records)
    tool_9 = next(r for r in changed if r["fields"].get("slug") == "tool-9")
    tool_9["fields"]["name_fr"] = "Outil neuf"
    tool_9["fields"]["partners"] = [["unodc"]]
    (path,) = write_files(tmp_path, {"many.json": changed})
    output = load(path, verbosity=2)

    assert "programmes.tool: 0 created, 1 updated, 59 unchanged" in output
    assert 'updated programmes.tool "tool-9": name_fr, partners' in output
    tool = Tool.objects.get(slug="tool-9")
    assert tool.name_fr == "Outil neuf"
    assert list(tool.partners.values_list("slug", flat=True)) == ["unodc"]
    assert tool.updated > before["tool-9"]
    after = dict(Tool.objects.values_list("slug", "updated"))
    assert {slug for slug in after if after[slug] != before[slug]} == {"tool-9"}
    latest = tool.history.first()
    assert latest.history_type == "~"
    assert [link.partner.slug for link in latest.partners.all()] == ["unodc"]


def test_a_duplicate_name_deep_in_a_large_file_writes_nothing_and_is_named(
    catalogue, tmp_path
):
    records = many_tools(80)
    records[-3]["fields"]["name_en"] = "Tool 5"  # tool-79's coverage is last
    (path,) = write_files(tmp_path, {"many.json": records})

    with pytest.raises(CommandError) as raised:
        load(path)

    assert "many.json, record 238" in str(raised.value)
    assert "Nothing was written" in str(raised.value)
    assert not Tool.objects.filter(slug__startswith="tool-").exists()


def test_a_long_load_says_how_far_it_has_got(catalogue, tmp_path, monkeypatch):
    monkeypatch.setattr(command.Progress, "SHORT", 100)
    monkeypatch.setattr(command.Progress, "EVERY", 0)
    (path,) = write_files(tmp_path, {"many.json": many_tools(40)})
    err = StringIO()

    call_command("load_catalogue", str(path), stdout=StringIO(), stderr=err)

    lines = err.getvalue().splitlines()
    assert lines[-1] == "Checked and merged 120 of 120 records (100%)"
    assert len(lines) > 3


def test_a_short_or_quiet_load_shows_no_progress(catalogue, tmp_path):
    (path,) = write_files(tmp_path, {"many.json": many_tools(10)})
    err = StringIO()

    call_command("load_catalogue", str(path), stdout=StringIO(), stderr=err)

    assert err.getvalue() == ""
