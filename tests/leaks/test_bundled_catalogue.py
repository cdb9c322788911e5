"""The catalogue the portal ships: its restricted records stay hidden too."""

import io

import pytest
from django.core.management import call_command

from tests.leaks.harness.crawler import crawl
from tests.leaks.harness.records import hidden_from_anonymous
from tests.leaks.harness.seeds import pattern_seeds

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_crawl_of_the_bundled_catalogue_never_reveals_a_restricted_record(client):
    call_command("load_catalogue", stdout=io.StringIO())
    hidden = hidden_from_anonymous()

    result = crawl(client, hidden, pattern_seeds(hidden, ["en"]), languages=["en"])

    # The catalogue marks some genuinely restricted items as restricted.
    assert len(hidden) >= 3
    assert not result.problems, result.report()
