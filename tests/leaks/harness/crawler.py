"""Fetching every seed and every same-site link found on the way, breadth first."""

import html
from collections import deque
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from tests.leaks.harness.reading import (
    answer,
    answers_alike,
    canonical,
    excerpt,
    leaked_tokens,
    links_of,
    same_site,
    skipped,
)
from tests.leaks.harness.records import LANGUAGES
from tests.leaks.harness.seeds import Seed

# Stops a crawl that keeps finding new addresses (a link generator gone wrong).
MAX_CRAWL = 6000


@dataclass
class Crawl:
    fetched: dict  # canonical url -> status
    problems: list

    def report(self):
        shown = "\n".join(self.problems[:400])
        more = len(self.problems) - 400
        tail = f"\n… and {more} more" if more > 0 else ""
        count = len(self.problems)
        return f"{count} problems in {len(self.fetched)} pages:\n{shown}{tail}"


def language_of(url):
    first = urlsplit(url).path.split("/")[1]
    return first if first in LANGUAGES else settings.LANGUAGE_CODE


def worth_following(link, page, languages):
    """Links into `languages`; a language switch only between pages without a query.

    Every page links to itself in each language: following that from every
    filtered list would crawl each filter combination five times over.
    """
    language = language_of(link)
    if language not in languages:
        return False
    return language == language_of(page) or not urlsplit(link).query


def problems_with(seed, where, status, text, found_on, hidden):
    """What is wrong with one answer, on its own."""
    problems = [
        f"{where} shows {token!r}: …{excerpt(text, token)}…"
        for token in leaked_tokens(text, seed.url, hidden)
    ]
    if status == 403:
        problems.append(f"{where} answers 403: it should not admit existence")
    if seed.expect == "missing" and status != 404:
        problems.append(f"{where} answers {status}, not 404")
    if seed.expect == "found" and status != 200:
        problems.append(f"{where} answers {status}, not 200")
    if found_on and status == 404:
        problems.append(f"{where} is a broken link: 404")
    return problems


class Crawler:
    """One reader's crawl: fetches each address once, stand-ins included."""

    def __init__(self, client, hidden, languages=LANGUAGES, follow=True):
        self.client = client
        self.hidden = hidden
        self.languages = languages
        self.follow = follow
        self.result = Crawl({}, [])
        self.queue = deque()
        self.seen = set()
        # Answers to the never-existing values that secret ones are compared with;
        # many secret addresses share one.
        self.stand_ins = {}

    def enqueue(self, seed, found_on=""):
        key = canonical(seed.url)
        if key not in self.seen:
            self.seen.add(key)
            self.queue.append((seed, found_on))

    def stand_in(self, url):
        if url not in self.stand_ins:
            self.stand_ins[url] = answer(self.client.get(url))
        return self.stand_ins[url]

    def run(self, seeds):
        for seed in seeds:
            self.enqueue(seed)
        while self.queue:
            if len(self.result.fetched) >= MAX_CRAWL:
                self.result.problems.append(
                    f"gave up after {MAX_CRAWL} pages: links keep multiplying"
                )
                break
            self.visit(*self.queue.popleft())
        return self.result

    def visit(self, seed, found_on):
        problems = self.result.problems
        where = seed.url + (f" (linked from {found_on})" if found_on else "")
        try:
            response = self.client.get(seed.url)
            status, text = answer(response)
        except Exception as error:  # noqa: BLE001 - one broken page must not hide the rest
            problems.append(f"{where} fails: {type(error).__name__}: {error}")
            self.result.fetched[canonical(seed.url)] = 500
            return
        self.result.fetched[canonical(seed.url)] = status
        problems += problems_with(seed, where, status, text, found_on, self.hidden)
        if seed.compare_with:
            try:
                theirs = self.stand_in(seed.compare_with)
            except Exception as error:  # noqa: BLE001
                problems.append(f"{seed.compare_with} fails: {error!r}")
                return
            if not answers_alike((status, text), seed.secret, theirs, seed.stand_in):
                problems.append(
                    f"{where} answers differently from {seed.compare_with}, "
                    "so the secret record's existence shows"
                )
        if status in {301, 302}:
            links = [response["Location"]]
        elif status == 200 and self.follow:
            links = links_of(response, text)
        else:
            links = []
        for link in links:
            url = same_site(html.unescape(link), seed.url)
            if url is None or skipped(url):
                continue
            if worth_following(url, seed.url, self.languages):
                self.enqueue(Seed(url), seed.url)


def crawl(client, hidden, seeds, languages=LANGUAGES, follow=True):
    """Fetch every seed and every same-site link found, breadth first.

    No response may carry a token of the `hidden` records, unless the URL asked
    for it. Links found on pages that answer 200 must work. A seed carrying a
    secret value must answer word for word as its stand-in does.
    """
    return Crawler(client, hidden, languages, follow).run(seeds)
