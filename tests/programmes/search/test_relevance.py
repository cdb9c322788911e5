"""Does search find the right record for the words staff actually type?

relevance_queries.json lists realistic queries, each with the programme and/or
tool that must be among the first three results (a "language" runs it as a
reader of that language would). The test loads the bundled catalogue and runs
them all; bench/relevance.py prints the same score for each database.
"""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from programmes.models import Programme, Tool
from programmes.search import search_queryset

CASES_FILE = Path(__file__).with_name("relevance_queries.json")
FIXTURES = ["risk_areas", "cep_components", "partners", "programmes", "tools"]
TOP = 3


def load_cases():
    return json.loads(CASES_FILE.read_text(encoding="utf-8"))


def missing_fixtures():
    directory = Path(settings.FIXTURE_DIRS[0])
    return [name for name in FIXTURES if not (directory / f"{name}.json").is_file()]


def load_catalogue():
    call_command("loaddata", *FIXTURES, verbosity=0)


def top_slugs(model, query, user, count=TOP):
    records = search_queryset(model.objects.visible_to(user), query)
    return list(records.values_list("slug", flat=True)[:count])


def evaluate(cases, user=None):
    """(checks passed, checks run, failures): one check per expected record."""
    user = user or AnonymousUser()
    passed, failures = 0, []
    checks = 0
    for case in cases:
        with translation.override(case.get("language", "en")):
            for key, model in (("programme", Programme), ("tool", Tool)):
                expected = case.get(key)
                if not expected:
                    continue
                checks += 1
                found = top_slugs(model, case["query"], user)
                if expected in found:
                    passed += 1
                else:
                    failures.append(
                        f"{case['query']!r}: expected {key} {expected}, top {TOP}: "
                        f"{', '.join(found) or 'nothing'}"
                    )
    return passed, checks, failures


def summary(passed, checks, queries):
    return (
        f"relevance ({connection.vendor}): {passed}/{checks} expected results in the "
        f"top {TOP} over {queries} queries ({passed / checks:.0%})"
    )


def test_relevance_cases_are_realistic_and_many():
    cases = load_cases()

    assert len(cases) >= 40
    assert all(case.get("programme") or case.get("tool") for case in cases)
    assert len({case["query"] for case in cases}) == len(cases)


@pytest.mark.django_db
def test_relevance_expected_records_rank_in_the_top_three():
    missing = missing_fixtures()
    if missing:
        pytest.skip(f"catalogue fixtures not written yet: {', '.join(missing)}")
    load_catalogue()
    cases = load_cases()

    passed, checks, failures = evaluate(cases)

    print(summary(passed, checks, len(cases)))
    assert not failures, "\n".join([summary(passed, checks, len(cases)), *failures])
