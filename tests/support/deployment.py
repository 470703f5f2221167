"""A production-like deployment for black-box tests: gunicorn workers on the Redis store
and a database of the test's own, faults injected between them by proxies, everything
seen from outside as a client sees it.

Whatever fails, the server's process group is stopped and the deployment's Redis keys
deleted. The test process's own environment is left untouched.
"""

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests

from benchmarks.serverkit import Gunicorn

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


@dataclass
class Deployment:
    server: Gunicorn
    env: dict[str, str]
    seed: dict
    prefix: str

    @property
    def api(self) -> str:
        return f"{self.server.url}/api/v1"

    @property
    def show_id(self) -> str:
        return self.seed["show_id"]

    def client(self, user: int = 0) -> requests.Session:
        """An API client logged in with a user's token."""
        session = requests.Session()
        session.headers["Authorization"] = f"Token {self.seed['users'][user]['token']}"
        return session

    def door(self) -> requests.Session:
        """The staff's scanner at the door (a superuser's token)."""
        session = requests.Session()
        session.headers["Authorization"] = f"Token {self.seed['staff_token']}"
        return session

    def check_in(self, ticket_code: str) -> requests.Response:
        return self.door().post(
            f"{self.api}/staff/check-in",
            json={"ticketCode": ticket_code, "showId": self.show_id},
            timeout=30,
        )

    def store(self):
        """The booking store as the deployment's workers see it, straight to Redis."""
        from booking.stores.redis import RedisBookingStore

        return RedisBookingStore(REDIS_URL, {"KEY_PREFIX": self.prefix})


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


@contextlib.contextmanager
def deployment(
    *,
    database_url: str = "",
    redis_url: str = REDIS_URL,
    workers: int = 2,
    users: int = 3,
    **settings: str,
) -> Iterator[Deployment]:
    """Migrate and seed the database (``database_url``, or a scratch SQLite file), then
    serve it with gunicorn on the Redis store at ``redis_url`` (a proxy, say) under a key
    prefix of its own. ``settings`` are more environment variables."""
    prefix = f"bms-deploy-{uuid.uuid4().hex[:10]}"
    scratch = tempfile.mkdtemp(prefix="bms-deploy-")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "SQLITE_PATH", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bookmyshow.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="deployment-test-secret-key-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        BOOKING_STORE_URL=redis_url,
        BOOKING_STORE_KEY_PREFIX=prefix,
        LOG_LEVEL="CRITICAL",
        **settings,
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env["SQLITE_PATH"] = f"{scratch}/site.sqlite3"
    try:
        manage(env, "manage.py", "migrate", "--no-input")
        seed = json.loads(manage(env, "-m", "tests.support.seed", str(users)).splitlines()[-1])
        with Gunicorn(env, workers=workers, threads=4) as server:
            yield Deployment(server=server, env=env, seed=seed, prefix=prefix)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        with contextlib.suppress(Exception):
            store = Deployment(server=None, env=env, seed={}, prefix=prefix).store()  # type: ignore[arg-type]
            keys = list(store.client.scan_iter(match=f"{prefix}:*"))
            if keys:
                store.client.delete(*keys)
