"""The last line of defence, on SQLite and PostgreSQL: processes that each believe they
may sell the same seats (separate process-local stores) race to confirm; one sale wins."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 6
POSTGRES_ADMIN = os.environ.get(
    "POSTGRES_TEST_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture
def sqlite_env(tmp_path):
    return {"SQLITE_PATH": str(tmp_path / "race.sqlite3")}


@pytest.fixture
def postgres_env():
    import psycopg

    name = f"bms_race_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.fail(f"No PostgreSQL at {POSTGRES_ADMIN} ({exc}); set POSTGRES_TEST_URL.")
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {"DATABASE_URL": POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}"}
    finally:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_racing_confirmations_from_processes_sell_each_seat_once(request, database):
    env = request.getfixturevalue(f"{'sqlite' if database == 'sqlite' else 'postgres'}_env")
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "SQLITE_PATH", "DJANGO_SETTINGS_MODULE")
    }
    result = subprocess.run(
        [sys.executable, "-m", "tests.booking.confirm_race", str(PROCESSES)],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["vendor"] == database
    codes = sorted(code for code, _ in report["outcomes"])
    assert codes == ["CONFIRMED"] + ["SEAT_UNAVAILABLE"] * (PROCESSES - 1), report
    assert report["bookings"] == 1
    assert report["sold"] == ["B1", "B2"]
