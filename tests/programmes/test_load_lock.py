"""Concurrent load_catalogue runs: one at a time, each reporting what it did.

Each test runs the loads as separate processes on a database they share: the
test database itself on PostgreSQL, a database file on SQLite (the suite's
in-memory one cannot be shared between processes). A holder process takes the
load lock and keeps it until the test tells it to finish.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

# On PostgreSQL the loads share the test database: nothing may stay uncommitted.
pytestmark = pytest.mark.django_db(transaction=True)
HOLDER = """
import os, sys
sys.path.insert(0, {base!r})
os.environ["DJANGO_SETTINGS_MODULE"] = "cep_portal.settings"
import django
django.setup()
from django.db import transaction
from programmes.loader.lock import lock_catalogue
from risk_areas.models import RiskArea

with transaction.atomic():
    lock_catalogue(wait=0)
    RiskArea.objects.create(name="Held", name_en="Held", slug="held", order=1)
    print("locked", flush=True)
    sys.stdin.readline()
"""
RECORDS = [
    {
        "model": "risk_areas.riskarea",
        "fields": {"slug": "held", "name_en": "Held", "order": 1},
    },
    {
        "model": "risk_areas.riskarea",
        "fields": {"slug": "drugs", "name_en": "Drugs", "order": 2},
    },
]


@pytest.fixture
def shared_database(tmp_path):
    """The DATABASE_URL of a migrated database that several processes can open."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        return (
            f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        )
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    run(url, tmp_path, "migrate", "-v0", check=True)
    return url


def command(*args):
    return [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args]


def run(url, cwd, *args, **options):
    return subprocess.run(
        command(*args),
        env={**os.environ, "DATABASE_URL": url},
        cwd=cwd,
        capture_output=True,
        text=True,
        **options,
    )


@pytest.fixture
def holder(shared_database, tmp_path):
    """A process holding the load lock, with a record written, until released."""
    script = tmp_path / "holder.py"
    script.write_text(HOLDER.format(base=str(settings.BASE_DIR)))
    process = subprocess.Popen(
        [sys.executable, str(script)],
        env={**os.environ, "DATABASE_URL": shared_database},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "locked"

    def release():
        process.communicate("\n")
        assert process.returncode == 0

    yield release
    if process.poll() is None:
        process.kill()
        process.wait()


@pytest.fixture
def catalogue_file(tmp_path):
    path = tmp_path / "areas.json"
    path.write_text(json.dumps(RECORDS), encoding="utf-8")
    return path


def test_a_load_that_cannot_wait_is_refused_and_writes_nothing(
    shared_database, holder, catalogue_file, tmp_path
):
    result = run(shared_database, tmp_path, "load_catalogue", "areas.json", "--wait=0")

    holder()
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith(
        "CommandError: another load_catalogue run is writing the catalogue"
    )
    assert result.stderr.strip().endswith("Nothing was written.")
    check = run(shared_database, tmp_path, "load_catalogue", "areas.json", "--dry-run")
    assert 'would create risk_areas.riskarea "drugs"' in check.stdout


def test_a_second_load_waits_for_the_first_then_reports_what_it_did(
    shared_database, holder, catalogue_file, tmp_path
):
    second = subprocess.Popen(
        command("load_catalogue", "areas.json", "--wait=600", "-v2"),
        env={**os.environ, "DATABASE_URL": shared_database},
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    waiting = second.stderr.readline()

    holder()
    output, errors = second.communicate()
    assert waiting.startswith("Another load_catalogue run is writing the catalogue")
    assert second.returncode == 0, errors
    # The first run's record was committed before the second read it.
    assert "risk_areas.riskarea: 1 created, 0 updated, 1 unchanged" in output
    assert 'created risk_areas.riskarea "drugs"' in output


def test_a_load_that_waits_in_vain_says_so_and_writes_nothing(
    shared_database, holder, catalogue_file, tmp_path
):
    result = run(
        shared_database, tmp_path, "load_catalogue", "areas.json", "--wait=0.5"
    )

    holder()
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    waiting, refusal = result.stderr.strip().splitlines()
    assert waiting.startswith("Another load_catalogue run is writing the catalogue")
    assert refusal.startswith("CommandError: another load_catalogue run is writing")
    assert "within 0.5 s" in refusal
    check = run(shared_database, tmp_path, "load_catalogue", "areas.json", "--dry-run")
    assert 'would create risk_areas.riskarea "drugs"' in check.stdout
