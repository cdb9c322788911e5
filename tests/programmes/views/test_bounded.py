"""Every page is bounded: the same queries and a small page at any catalogue size.

Each page is read by an anonymous reader on the bundled catalogue, then again
after `generate_catalogue` has added 1,500 tools and 200 programmes: the number
of queries must not change, stay at most MAX_QUERIES, and no page may weigh
more than MAX_BYTES. A long related list shows its count and first few records
with a link to all of them; a list paginates.
"""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from programmes import cached
from programmes.models import Programme, Tool
from tests.factories import shared_records

pytestmark = pytest.mark.django_db

MAX_QUERIES = 10
MAX_BYTES = 200_000
GROWN_TOOLS = 1_500
GROWN_PROGRAMMES = 200

PAGES = {
    "home": "/",
    "programme list": "/programmes/",
    "programme list, filtered": "/programmes/?risk_area=drugs&risk_area=environment",
    "tool list": "/tools/",
    "tool list, filtered": "/tools/?component=tools&kind=operation&risk_area=drugs",
    "tool list, by threat": "/tools/?threat=undervaluation",
    "partner list": "/partners/",
    "search": "/search/?q=drugs",
    "programme": "/programmes/environment-programme/",
    "tool": "/tools/cen/",
    "partner": "/partners/unodc/",
    "risk areas": "/risk-areas/",
    "risk area": "/risk-areas/environment/",
    "components": "/components/",
    "component": "/components/tools/",
    "coverage": "/coverage/",
    "coverage, filtered": "/coverage/?component=tools&kind=guidance&page=2",
    "compare programmes": (
        "/compare/?programme=environment-programme&programme=drugs-and-precursors-programme"
    ),
    "compare tools": "/compare/?tool=cen&tool=cencomm",
}


def measure(client):
    # As on a running site: the small tables every page reads are in the cache
    # for the catalogue's version (each page then reads the version only).
    cached.risk_areas(), cached.components(), cached.partners()
    measured = {}
    for name, url in PAGES.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        measured[name] = (len(queries), len(response.content))
    return measured


@pytest.fixture(scope="module")
def sizes(django_db_setup, django_db_blocker):
    """{page: (queries, bytes)} on the bundled catalogue and on the grown one."""
    # Built once for the module, before the suite's per-test settings apply.
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    storages = {**settings.STORAGES, "staticfiles": plain}
    with shared_records(django_db_blocker), override_settings(STORAGES=storages):
        call_command("load_catalogue", stdout=StringIO())
        client = Client()
        bundled = measure(client)
        call_command(
            "generate_catalogue",
            "--tools",
            Tool.objects.count() + GROWN_TOOLS,
            "--programmes",
            Programme.objects.count() + GROWN_PROGRAMMES,
            "--seed",
            "1",
            stdout=StringIO(),
        )
        grown = measure(client)
        yield {"bundled": bundled, "grown": grown}


@pytest.mark.parametrize("page", PAGES)
def test_a_page_runs_the_same_queries_whatever_the_catalogue_size(sizes, page):
    assert sizes["grown"][page][0] == sizes["bundled"][page][0]


@pytest.mark.parametrize("page", PAGES)
def test_a_page_runs_at_most_ten_queries(sizes, page):
    assert sizes["grown"][page][0] <= MAX_QUERIES


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("size", ["bundled", "grown"])
def test_a_page_stays_small_at_any_size(sizes, page, size):
    assert sizes[size][page][1] < MAX_BYTES
