"""Print how often search puts the expected records in the top three, per database.

    .venv/bin/python bench/relevance.py                  # SQLite, and PostgreSQL
    .venv/bin/python bench/relevance.py --postgres URL   # the server to use
    .venv/bin/python bench/relevance.py --sqlite-only    # leave PostgreSQL out
    .venv/bin/python bench/relevance.py --verbose        # list the misses

Each database gets a throwaway copy (SQLite in memory, a test_ database on the
PostgreSQL server), migrated and loaded with the bundled catalogue, then the
queries of tests/programmes/search/relevance_queries.json run through the search
page's `search_all()` as an anonymous reader, each in its interface language.

Per database it prints the share of queries with every expected record among the
first three of its kind, the share of expected records found there, and how many
queries found nothing at all (the zero-result count). It exits with 2 when any
expected record is missed or any query finds nothing.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/cep_relevance_bench"


def run_backend(verbose):
    """In a child process whose DATABASE_URL names the database to measure."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cep_portal.settings")
    import django

    django.setup()
    from django.db import connection

    from tests.programmes.search import test_relevance

    missing = test_relevance.missing_fixtures()
    if missing:
        print(f"{connection.vendor}: fixtures missing ({', '.join(missing)})")
        return 1
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        test_relevance.load_catalogue()
        cases = test_relevance.load_cases()
        evaluation = test_relevance.evaluate(cases)
        print(evaluation.summary())
        if verbose:
            for failure in evaluation.failures:
                print(f"  miss: {failure}")
            for query in evaluation.empty:
                print(f"  nothing found: {query!r}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 2 if evaluation.failures or evaluation.empty else 0


def postgres_reachable(url):
    code = (
        "import psycopg, sys; "
        "from dj_database_url import parse; "
        "s = parse(sys.argv[1]); "
        "psycopg.connect(host=s['HOST'], port=s['PORT'] or 5432, user=s['USER'], "
        "password=s['PASSWORD'] or None, dbname='postgres', connect_timeout=3).close()"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, url], capture_output=True, check=False
    )
    return result.returncode == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL"))
    parser.add_argument(
        "--sqlite-only", action="store_true", help="leave PostgreSQL out"
    )
    parser.add_argument(
        "--verbose", action="store_true", help="list the misses and empty queries"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return run_backend(args.verbose)

    backends = [("sqlite", "sqlite:///:memory:")]
    postgres = args.postgres or DEFAULT_POSTGRES
    if not args.sqlite_only:
        if postgres_reachable(postgres):
            backends.append(("postgresql", postgres))
        else:
            print(f"postgresql: not reachable at {postgres}, skipped")
    status = 0
    for _name, url in backends:
        command = [sys.executable, __file__, "--child"]
        if args.verbose:
            command.append("--verbose")
        env = {**os.environ, "DATABASE_URL": url}
        result = subprocess.run(command, env=env, cwd=ROOT, check=False)
        status = max(status, result.returncode)
    return status


if __name__ == "__main__":
    sys.exit(main())
