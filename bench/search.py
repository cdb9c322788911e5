"""Search latency at 1,000, 10,000 and 100,000 tools, on SQLite and PostgreSQL.

    .venv/bin/python bench/search.py                         # both databases
    .venv/bin/python bench/search.py --sizes 1000,10000      # fewer sizes
    .venv/bin/python bench/search.py --sqlite-only --repeat 5
    .venv/bin/python bench/search.py --postgres-only --sizes 1000,10000,30000
    .venv/bin/python bench/search.py --postgres URL          # the server to use

For each database it builds a throwaway copy (SQLite: a file in a temporary
directory; PostgreSQL: a test_ database on the server), migrates it, loads the
bundled catalogue and grows it with synthetic tools (programmes/synthetic.py, fixed
seed) to each size in turn. At each size it times a fixed set of queries taken from
the relevance set, each run --repeat times after one warm-up run:

- search: `search_all(q, user)` as an anonymous reader, what /search/ computes;
- tool list: GET /tools/?q= through Django's test Client (the whole page: search,
  count, facets, one page of cards), in the query's interface language, the page
  not in the cache.

It prints p50 and p95 per size, database and entry point with the three slowest
queries, and the p50 ratio between the largest and the smallest size.
"""

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/cep_search_bench"
DEFAULT_SIZES = "1000,10000,100000"
SEED = 2024

# (query, interface language): a cross-section of the relevance set - single words,
# phrases, acronyms, old names, operations, misspellings and French.
QUERIES = [
    ("fake medicines", "en"),
    ("who works on fake medicines?", "en"),
    ("counterfeit", "en"),
    ("ivory", "en"),
    ("timber exports", "en"),
    ("pangolin scales", "en"),
    ("ozone", "en"),
    ("cigarettes smuggling", "en"),
    ("tax evasion", "en"),
    ("looted antiquities", "en"),
    ("money laundering", "en"),
    ("cash couriers", "en"),
    ("small arms", "en"),
    ("explosives precursors", "en"),
    ("fentanyl", "en"),
    ("cocaine containers", "en"),
    ("CEN", "en"),
    ("RILO", "en"),
    ("SAFE", "en"),
    ("Container Control Programme", "en"),
    ("Operation Demeter", "en"),
    ("Pangea", "en"),
    ("e-waste", "en"),
    ("scrap metal shipped to Africa", "en"),
    ("counterfiet", "en"),
    ("narcotcs", "en"),
    ("contrefaçon", "fr"),
    ("médicaments falsifiés", "fr"),
    ("espèces menacées", "fr"),
    ("stupefiants", "fr"),
]


def percentile(samples, share):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(repeat, action, *args, prepare=None):
    action(*args)  # warm-up: caches, compiled patterns, the database's buffers
    samples = []
    for _ in range(repeat):
        if prepare:
            prepare()
        started = time.perf_counter()
        action(*args)
        samples.append(time.perf_counter() - started)
    return samples


def measure(repeat):
    """{entry point: [(seconds, query), ...]} over every query at the current size."""
    from django.contrib.auth.models import AnonymousUser
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from programmes import cached
    from programmes.search import search_all

    reader, client = AnonymousUser(), Client()

    def page_not_cached():
        # The page itself is not in the cache; the small tables every page
        # reads are, as on a running site.
        cache.clear()
        cached.risk_areas(), cached.components(), cached.partners()

    samples = {"search": [], "tool list": []}

    def search(query, language):
        with translation.override(language):
            return search_all(query, reader).total

    def tool_list(query, language):
        with translation.override(language):
            url = reverse("programmes:tool-list")
        response = client.get(url, {"q": query})
        if response.status_code != 200:
            raise RuntimeError(f"{url}?q={query} answered {response.status_code}")

    for query, language in QUERIES:
        for point, action, prepare in (
            ("search", search, None),
            ("tool list", tool_list, page_not_cached),
        ):
            seconds = timed(repeat, action, query, language, prepare=prepare)
            samples[point] += [(value, query) for value in seconds]
    return samples


def run_database(sizes, repeat):
    """In a child process whose DATABASE_URL names the database to measure."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cep_portal.settings")
    # The test Client speaks plain http, as a loopback `make serve` does.
    os.environ.setdefault("DJANGO_SSL_REDIRECT", "0")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    from programmes.synthetic import grow_catalogue

    # WhiteNoise looks for collected files at start-up; the Client serves from finders.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    vendor = connection.vendor
    test_database = vendor != "sqlite"
    if test_database:
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False
        )
    else:
        call_command("migrate", verbosity=0)
    # The test Client's host, and static files without collectstatic's manifest.
    plain_static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    try:
        with override_settings(
            ALLOWED_HOSTS=["testserver"],
            STORAGES={**settings.STORAGES, "staticfiles": plain_static},
        ):
            started = time.perf_counter()
            call_command("load_catalogue", verbosity=0, stdout=io.StringIO())
            print(f"{vendor}: bundled catalogue loaded in {elapsed(started)}")
            medians = {}
            for size in sizes:
                started = time.perf_counter()
                added = grow_catalogue(size, seed=SEED)
                print(f"{vendor}: {added} synthetic tools added in {elapsed(started)}")
                started = time.perf_counter()
                samples = measure(repeat)
                for point, runs in samples.items():
                    values = [seconds for seconds, _query in runs]
                    p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
                    medians[point, size] = p50
                    print(
                        f"{vendor:>10} {size:>7} tools  {point:<9}  "
                        f"p50 {p50 * 1000:8.1f} ms  p95 {p95 * 1000:8.1f} ms  "
                        f"({len(values)} runs)",
                    )
                    slowest = {}
                    for seconds, query in sorted(runs, reverse=True):
                        slowest.setdefault(query, seconds)
                    print(
                        "    slowest: "
                        + ", ".join(
                            f"{query!r} {seconds * 1000:.0f} ms"
                            for query, seconds in list(slowest.items())[:3]
                        )
                    )
                print(f"{vendor}: measured in {elapsed(started)}")
            if len(sizes) > 1:
                for point in samples:
                    ratio = medians[point, sizes[-1]] / medians[point, sizes[0]]
                    print(
                        f"{vendor:>10} {point:<9} p50 ratio {sizes[-1]}/{sizes[0]}: "
                        f"{ratio:.2f}x"
                    )
    finally:
        if test_database:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


def elapsed(started):
    return f"{time.perf_counter() - started:.1f} s"


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


def sizes_option(value):
    try:
        sizes = sorted({int(size) for size in value.split(",") if size.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"sizes are whole numbers separated by commas, not {value!r}"
        ) from None
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("give at least one size of 1 or more")
    return sizes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=sizes_option,
        default=sizes_option(DEFAULT_SIZES),
        help=f"tool counts to measure at, comma-separated (default {DEFAULT_SIZES})",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed runs of each query (default 3)"
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL"),
        help=f"PostgreSQL server to use (default {DEFAULT_POSTGRES})",
    )
    parser.add_argument(
        "--sqlite-only", action="store_true", help="leave PostgreSQL out"
    )
    parser.add_argument("--postgres-only", action="store_true", help="leave SQLite out")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be 1 or more")
    if args.sqlite_only and args.postgres_only:
        parser.error("--sqlite-only and --postgres-only leave nothing to measure")
    if args.child:
        return run_database(args.sizes, args.repeat)

    postgres = args.postgres or DEFAULT_POSTGRES
    status = 0
    with tempfile.TemporaryDirectory(prefix="cep-search-bench-") as scratch:
        databases = []
        if not args.postgres_only:
            databases.append(f"sqlite:///{Path(scratch) / 'bench.sqlite3'}")
        if not args.sqlite_only:
            if postgres_reachable(postgres):
                databases.append(postgres)
            else:
                print(f"postgresql: not reachable at {postgres}, skipped")
        for url in databases:
            command = [sys.executable, "-u", __file__, "--child"]
            command += ["--repeat", str(args.repeat)]
            command += ["--sizes", ",".join(str(size) for size in args.sizes)]
            env = {**os.environ, "DATABASE_URL": url}
            result = subprocess.run(command, env=env, cwd=ROOT, check=False)
            status = max(status, result.returncode)
    return status


if __name__ == "__main__":
    sys.exit(main())
