"""Does search find the right record for the words staff actually type?

relevance_queries.json lists realistic queries, each with the programme and/or
tool that must be among the first three of their kind on the search page (a
"language" runs it as a reader of that interface language would). The test loads
the bundled catalogue and runs them all through `search_all()`, as the search page
does; bench/relevance.py prints the same figures for each database.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from programmes.search import search_all

CASES_FILE = Path(__file__).with_name("relevance_queries.json")
FIXTURES = ["risk_areas", "cep_components", "partners", "programmes", "tools"]
TOP = 3
EXPECTED_KINDS = ("programme", "tool")
LANGUAGES = {code for code, _name in settings.LANGUAGES}


def load_cases():
    return json.loads(CASES_FILE.read_text(encoding="utf-8"))


def missing_fixtures():
    directory = Path(settings.FIXTURE_DIRS[0])
    return [name for name in FIXTURES if not (directory / f"{name}.json").is_file()]


def load_catalogue():
    call_command("loaddata", *FIXTURES, verbosity=0)


def top_slugs(results, key, count=TOP):
    """The slugs of the first `count` hits of kind `key` on the results page."""
    for group in results.groups:
        if group.kind.key == key:
            return [hit.object.slug for hit in group.hits[:count]]
    return []


@dataclass
class Evaluation:
    """What the relevance set scored: per query and per expected record."""

    queries: int = 0
    answered: int = 0  # queries with every expected record in the top three
    checks: int = 0  # expected records
    passed: int = 0  # expected records in the top three of their kind
    empty: list = field(default_factory=list)  # queries that found nothing at all
    failures: list = field(default_factory=list)

    def summary(self):
        answered = self.answered / self.queries if self.queries else 0
        return (
            f"relevance ({connection.vendor}): {self.answered}/{self.queries} queries "
            f"({answered:.0%}) with every expected record in the top {TOP}; "
            f"{self.passed}/{self.checks} expected records; "
            f"{len(self.empty)} queries found nothing"
        )


def evaluate(cases, user=None):
    """Run every case as `user` (anonymous by default), in the case's language."""
    user = user or AnonymousUser()
    evaluation = Evaluation(queries=len(cases))
    for case in cases:
        with translation.override(case.get("language", "en")):
            results = search_all(case["query"], user)
        if not any(group.hits for group in results.groups):
            evaluation.empty.append(case["query"])
        misses = 0
        for key in EXPECTED_KINDS:
            expected = case.get(key)
            if not expected:
                continue
            evaluation.checks += 1
            found = top_slugs(results, key)
            if expected in found:
                evaluation.passed += 1
                continue
            misses += 1
            evaluation.failures.append(
                f"{case['query']!r}: expected {key} {expected}, top {TOP}: "
                f"{', '.join(found) or 'nothing'}"
            )
        evaluation.answered += not misses
    return evaluation


def test_relevance_cases_are_realistic_and_many():
    cases = load_cases()

    assert len(cases) >= 150
    assert all(case.get("programme") or case.get("tool") for case in cases)
    assert len({case["query"] for case in cases}) == len(cases)
    assert {case.get("language", "en") for case in cases} <= LANGUAGES


# What the search reached when the set was last measured (bench/relevance.py):
# (queries with every expected record in the top three, queries that found nothing).
# A change to the search may raise the first and lower the second, never the reverse;
# raise the floor with it. TODO issue 9: every query answered, none empty, on both.
FLOOR = {"sqlite": (203, 12), "postgresql": (198, 17)}


@pytest.mark.django_db
def test_relevance_does_not_fall_below_what_was_measured():
    missing = missing_fixtures()
    if missing:
        pytest.skip(f"catalogue fixtures not written yet: {', '.join(missing)}")
    load_catalogue()
    answered, empty = FLOOR[connection.vendor]

    evaluation = evaluate(load_cases())

    print(evaluation.summary())
    report = "\n".join([evaluation.summary(), *evaluation.failures])
    assert evaluation.answered >= answered, report
    assert len(evaluation.empty) <= empty, report
