"""`make serve`'s server: gunicorn with gunicorn.conf.py, DEBUG off, collected
static files served by WhiteNoise with far-future cache headers."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def start_server(env):
    """gunicorn as `make serve` starts it; yields its address, stops it after."""
    process = subprocess.Popen(
        [str(GUNICORN), "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{env['PORT']}"
    try:
        for _ in range(300):  # wait for the worker to take connections
            try:
                fetch(f"{base}/healthz")
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def server_env(tmp, **overrides):
    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed")
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "DJANGO_STATIC_ROOT": str(tmp / "static"),
        "DJANGO_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "HOST": "127.0.0.1",
        "PORT": str(free_port()),
        "WEB_CONCURRENCY": "1",
        "PYTHONWARNINGS": "ignore",
        **overrides,
    }


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = server_env(tmp_path_factory.mktemp("serve"))
    for command in (["migrate", "-v0"], ["collectstatic", "--no-input", "-v0"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True
        )
    yield from start_server(env)


def test_served_pages_do_not_name_a_version_in_the_server_header(server):
    status, headers, _ = fetch(f"{server}/healthz")

    assert status == 200
    assert not re.search(r"\d|python", headers.get("Server", ""), re.IGNORECASE)


def test_served_page_links_hashed_static_files_cached_for_years(server):
    status, _, page = fetch(f"{server}/")
    stylesheet = re.search(r'href="(/static/css/base\.[0-9a-f]{12}\.css)"', page)

    assert status == 200
    assert stylesheet, "base.css is not linked under its hashed name"
    status, headers, _ = fetch(server + stylesheet.group(1))
    assert status == 200
    assert "max-age=315360000" in headers["Cache-Control"]
    assert "immutable" in headers["Cache-Control"]


def test_served_page_runs_with_debug_off(server):
    status, _, page = fetch(f"{server}/no-such-page/")

    assert status == 404
    assert "Page not found" in page
    assert "URLconf" not in page  # Django's debug page would list the patterns


def test_served_site_reconnects_after_postgresql_drops_its_connection(tmp_path):
    suite_database = os.environ.get("DATABASE_URL", "")
    if not suite_database.startswith("postgres"):
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")
    import psycopg

    name = f"cep_serve_{os.getpid()}"
    # The maintenance database is enough for /healthz; the name marks the
    # server's own connections.
    address = urlsplit(suite_database)._replace(
        path="/postgres", query=f"application_name={name}"
    )
    env = server_env(tmp_path, DATABASE_URL=urlunsplit(address))
    server = start_server(env)
    base = next(server)
    try:
        before, _, _ = fetch(f"{base}/healthz")
        with psycopg.connect(
            urlunsplit(address._replace(query="")), autocommit=True
        ) as admin:
            dropped = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE application_name = %s",
                [name],
            ).fetchone()[0]

        after, _, body = fetch(f"{base}/healthz")
    finally:
        server.close()

    assert before == 200
    assert dropped == 1  # the worker kept its connection between requests
    assert after == 200, body
