"""Several editors on the embedded SQLite database: a save waits its turn, and a
lock that outlasts the wait answers 503 "busy", never 500."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_scenario(name, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PYTHONWARNINGS": "ignore",
    }
    result = subprocess.run(
        [sys.executable, "-m", "tests.cep_portal.sqlite_scenarios", name],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_simultaneous_saves_of_one_record_each_end_saved_or_told_of_the_conflict(
    tmp_path,
):
    outcome = run_scenario("simultaneous", tmp_path)

    statuses = [result["status"] for result in outcome["results"]]
    saved = [result for result in outcome["results"] if result["status"] == 302]
    refused = [result for result in outcome["results"] if result["status"] == 200]
    assert len(saved) + len(refused) == len(statuses), statuses
    assert len(saved) >= 1
    assert all(result["conflict"] for result in refused)
    assert outcome["saved"].startswith("Edit ")


def test_lock_longer_than_the_wait_answers_busy_and_saves_nothing(tmp_path):
    outcome = run_scenario("locked", tmp_path)

    assert outcome["read"]["status"] == 200  # readers are not held up (WAL)
    assert outcome["save"]["status"] == 503
    assert outcome["save"]["busy"]
    assert outcome["saved_while_locked"] == "Old."
    assert outcome["save_after"]["status"] == 302
    assert outcome["saved_after"] == "New."


def test_sqlite_waits_for_the_lock_in_wal_mode_with_immediate_transactions(settings):
    options = settings.DATABASES["default"].get("OPTIONS", {})
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
        return

    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 20
    assert "journal_mode=WAL" in options["init_command"]
