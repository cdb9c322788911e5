"""Print how often search puts the expected record in the top three, per database.

    .venv/bin/python bench/relevance.py                  # SQLite, and PostgreSQL
    .venv/bin/python bench/relevance.py --postgres URL   # the server to use
    .venv/bin/python bench/relevance.py --verbose        # list the misses

Each database gets a throwaway copy (SQLite in memory, a test_ database on the
PostgreSQL server), migrated and loaded with the bundled catalogue, then the
queries of tests/programmes/search/relevance_queries.json run as an anonymous reader.
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
        passed, checks, failures = test_relevance.evaluate(cases)
        print(test_relevance.summary(passed, checks, len(cases)))
        if verbose:
            for failure in failures:
                print(f"  miss: {failure}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0 if not failures else 2


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
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return run_backend(args.verbose)

    backends = [("sqlite", "sqlite:///:memory:")]
    postgres = args.postgres or DEFAULT_POSTGRES
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
