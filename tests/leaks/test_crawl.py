"""Every address of the site, as each reader: no word of a hidden record.

Every URL pattern, filled with every record's slug, in every language, plus
every filter value, search query and export format, plus every same-site link
found on the pages. Asking for a secret record must answer exactly as asking for
one that was never there.
"""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import resolve, reverse

from tests.leaks.harness.crawler import crawl
from tests.leaks.harness.records import LANGUAGES, SECRETS, secrets_hidden_from
from tests.leaks.harness.seeds import (
    REQUIRED_PAGES,
    Seed,
    pattern_seeds,
    query_seeds,
    require,
    search_seeds,
    url_patterns,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("channel", sorted(REQUIRED_PAGES))
def test_public_channel_is_registered(channel):
    require(channel)


def crawl_in(language, client, hidden, thorough=True):
    """The crawl of the pages in `language`: every pattern, and the search words.

    Filters, exports and compare picks are asked in the default language only.
    Pages link to their other languages only where they take no query, and every
    such page is a seed of its own language's crawl: so the crawls of several
    languages, run apart to share the cores, fetch what one crawl of all of them
    would.
    """
    if language == settings.LANGUAGE_CODE:
        queries = query_seeds(client, hidden, [language], thorough)
    else:
        queries = search_seeds([language])
    seeds = pattern_seeds(hidden, [language]) + queries
    return crawl(client, hidden, seeds, languages=[language])


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_crawl_as_anonymous_shows_no_restricted_or_draft_word(
    client, catalogue, language
):
    result = crawl_in(language, client, secrets_hidden_from("anonymous"))

    assert not result.problems, result.report()


# Signed-in readers: every pattern in English and one other language, with the
# search words and secret values in that language.
@pytest.mark.slow
@pytest.mark.parametrize(
    ("reader", "language"),
    [("outsider", "en"), ("outsider", "ar"), ("member", "en"), ("member", "fr")],
)
def test_crawl_signed_in_shows_no_word_of_a_record_hidden_from_the_reader(
    reader, language, reader_client, catalogue
):
    client = reader_client(reader)

    result = crawl_in(language, client, secrets_hidden_from(reader), thorough=False)

    assert not result.problems, result.report()


def test_crawl_notices_a_record_shown_to_the_wrong_reader(
    client, catalogue, monkeypatch
):
    # The crawl itself must be able to fail: with visibility switched off, the
    # secret words show and the secret pages answer.
    monkeypatch.setattr(
        "programmes.models.EditorialQuerySet.visible_to", lambda self, user: self.all()
    )
    seeds = [Seed(reverse("programmes:programme-list"))] + [
        Seed(reverse("programmes:tool-detail", kwargs={"slug": secret.slug}), "missing")
        for secret in SECRETS.values()
        if secret.kind == "tool"
    ]

    result = crawl(client, secrets_hidden_from("anonymous"), seeds, follow=False)

    assert any("zyxquartzrp" in problem for problem in result.problems)
    assert any("not 404" in problem for problem in result.problems)


def test_crawl_reaches_every_url_pattern_of_the_site(client, catalogue):
    seeds = pattern_seeds(secrets_hidden_from("anonymous"), ["en"])

    reached = {resolve(urlsplit(seed.url).path).view_name for seed in seeds}

    assert reached == {name for name, _pattern in url_patterns()}
