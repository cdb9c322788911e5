"""Peak memory of streaming the tool list export, on a scratch catalogue.

Creates a throwaway SQLite database with N published tools (each with coverage,
a component, a threat, a programme and a partner), then streams the CSV and the
JSON export of /tools/ exactly as the page builds it, measuring the peak of
Python's allocations with tracemalloc. It runs at N/10 and at N tools: a
streaming export needs about the same memory for both.

    .venv/bin/python bench/export_memory.py              # 100000 tools
    .venv/bin/python bench/export_memory.py --tools 20000

Not part of the test suite: it takes a minute or two at the default size.
"""

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(database):
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "cep_portal.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def populate(count):
    from programmes.models import (
        Partner,
        Programme,
        PublicationStatus,
        Tool,
        ToolCoverage,
    )
    from risk_areas.models import CEPComponent, RiskArea, Threat

    source = "https://www.wcoomd.org/en/topics/enforcement-and-compliance.aspx"
    areas = [
        RiskArea.objects.create(name_en=name, name=name, slug=slug, order=number)
        for number, (name, slug) in enumerate(
            [
                ("Revenue", "revenue"),
                ("Drugs", "drugs"),
                ("IPR, health and safety", "ipr-health-safety"),
                ("Security", "security"),
                ("Environment", "environment"),
            ]
        )
    ]
    components = [
        CEPComponent.objects.create(name_en=name, name=name, slug=f"component-{number}")
        for number, name in enumerate(
            ["Partnerships", "Technology", "Tools", "Operations"]
        )
    ]
    threats = [
        Threat.objects.create(
            name_en=f"Threat {number}",
            name=f"Threat {number}",
            slug=f"threat-{number}",
            risk_area=areas[number % 5],
        )
        for number in range(20)
    ]
    partners = [
        Partner.objects.create(
            name_en=f"Partner {n}", name=f"Partner {n}", slug=f"p-{n}"
        )
        for n in range(20)
    ]
    programmes = [
        Programme.objects.create(
            name_en=f"Programme {number}",
            name=f"Programme {number}",
            slug=f"programme-{number}",
            publication_status=PublicationStatus.PUBLISHED,
            source_url=source,
        )
        for number in range(10)
    ]
    kinds = [value for value, _label in Tool.Kind.choices]
    batch = 5000
    for start in range(0, count, batch):
        numbers = range(start, min(start + batch, count))
        tools = Tool.objects.bulk_create(
            Tool(
                name_en=f"Tool {number:06} =SUM(A1)",
                name=f"Tool {number:06} =SUM(A1)",
                slug=f"tool-{number}",
                kind=kinds[number % len(kinds)],
                summary_en="An instrument customs administrations use, " * 3,
                summary="An instrument customs administrations use, " * 3,
                publication_status=PublicationStatus.PUBLISHED,
                source_url=source,
            )
            for number in numbers
        )
        ToolCoverage.objects.bulk_create(
            ToolCoverage(tool=tool, risk_area=areas[n % 5], level="primary")
            for n, tool in enumerate(tools)
        )
        links = [
            (Tool.components.through, "cepcomponent", components),
            (Tool.threats.through, "threat", threats),
            (Tool.programmes.through, "programme", programmes),
            (Tool.partners.through, "partner", partners),
        ]
        for through, field, records in links:
            through.objects.bulk_create(
                through(tool=tool, **{field: records[n % len(records)]})
                for n, tool in enumerate(tools)
            )


def measure(limit, export_format):
    from django.contrib.auth.models import AnonymousUser
    from django.http import QueryDict
    from django.test import RequestFactory
    from django.utils import translation

    from programmes.exports import ToolExporter
    from programmes.filters import ToolFilter
    from programmes.models import Tool
    from programmes.views.downloads import download

    request = RequestFactory(SERVER_NAME="localhost").get(
        "/tools/", {"format": export_format}
    )
    request.user = AnonymousUser()
    with translation.override("en"):
        visible = Tool.objects.visible_to(request.user)
        queryset = visible.filter(pk__in=visible.order_by("pk").values("pk")[:limit])
        rows = ToolFilter(QueryDict(), queryset, request=request).qs
        tracemalloc.start()
        started = time.perf_counter()
        response = download(request, ToolExporter, export_format, [rows], {})
        size = sum(len(chunk) for chunk in response.streaming_content)
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return size, peak, elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tools", type=int, default=100_000, help="tools to create")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        setup(Path(scratch) / "bench.sqlite3")
        started = time.perf_counter()
        populate(options.tools)
        print(f"created {options.tools} tools in {time.perf_counter() - started:.1f} s")
        for export_format in ("csv", "json"):
            for limit in (max(options.tools // 10, 1), options.tools):
                size, peak, elapsed = measure(limit, export_format)
                streamed, peak = size / 2**20, peak / 2**20
                print(
                    f"{export_format}: {limit:>7} tools  {streamed:7.1f} MiB streamed"
                    f"  peak Python memory {peak:6.1f} MiB  ({elapsed:.1f} s)"
                )


if __name__ == "__main__":
    main()
