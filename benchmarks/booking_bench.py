"""Booking throughput, as ratios against baselines measured in the same run.

1. The process-local store: hold-create + release pairs per second, straight on the store.
2. A real server (gunicorn, one process, threads) on a scratch SQLite database:
   requests per second of POST /api/v1/holds against GET /api/v1/auth/me, a trivial
   endpoint behind the same token authentication, at the same concurrency.

Run with `make bench`. Nothing here asserts a speed; it prints what it measured.
"""

import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8123"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "3000"))
STORE_PAIRS = int(os.environ.get("BENCH_STORE_PAIRS", "50000"))

scratch = tempfile.mkdtemp(prefix="bms-bench-")
SERVER_ENV = {
    **os.environ,
    "SQLITE_PATH": f"{scratch}/bench.sqlite3",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "HOLD_RATE_LIMIT": "100000000/min",
    "MAX_ACTIVE_SEATS_PER_USER": "100000",
    "BOOKING_STORE_URL": "memory://",
    "LOG_LEVEL": "WARNING",
}
os.environ.update(SERVER_ENV)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookmyshow.settings")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

import requests  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from booking.domain import Hold, HoldStatus  # noqa: E402
from booking.stores.memory import MemoryBookingStore  # noqa: E402
from catalog import models  # noqa: E402


def bench_store() -> float:
    store = MemoryBookingStore()
    now = timezone.now()
    partitions = [("show", "PRIME")]
    started = time.perf_counter()
    for n in range(STORE_PAIRS):
        hold = Hold(
            hold_id=str(n),
            user_id=1,
            show_id="show",
            seat_ids=("A1", "A2", "A3", "A4"),
            status=HoldStatus.HELD,
            created_at=now,
            expires_at=now + timedelta(minutes=10),
            amount=Decimal(400),
        )
        store.hold_create(hold=hold, partitions=partitions, unavailable=(), seat_limit=10, now=now)
        store.hold_release(show_id="show", hold_id=hold.hold_id, partitions=partitions, now=now)
    return STORE_PAIRS / (time.perf_counter() - started)


def seed_show() -> tuple[str, list[str], list[str]]:
    call_command("migrate", verbosity=0)
    theatre = models.Theatre.objects.create(name="Bench", city="Mumbai", address="x")
    screen = models.Screen.objects.create(theatre=theatre, name="Bench")
    tier = models.SeatTier.objects.create(screen=screen, code="PRIME", name="Prime")
    labels = [a + b for a in ["", *"ABC"] for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
    rows_needed = REQUESTS // 99 + 1
    for position, label in enumerate(labels[:rows_needed]):
        models.SeatRow.objects.create(
            screen=screen, tier=tier, label=label, position=position, seat_count=99
        )
    movie = models.Movie.objects.create(title="Bench")
    show = models.Show.objects.create(
        movie=movie, screen=screen, start_time=timezone.now() + timedelta(days=1)
    )
    models.ShowPrice.objects.create(show=show, tier=tier, price=Decimal(200))
    seats = [f"{label}{n}" for label in labels[:rows_needed] for n in range(1, 100)]
    tokens = [
        Token.objects.create(user=User.objects.create_user(f"bench{n}")).key for n in range(CLIENTS)
    ]
    return str(show.id), seats[:REQUESTS], tokens


def drive(make_request, tokens: list[str]) -> tuple[float, list[int]]:
    """Send REQUESTS requests from CLIENTS threads; return requests/s and status codes."""
    counter = iter(range(REQUESTS))
    lock = threading.Lock()
    statuses: list[int] = []
    barrier = threading.Barrier(CLIENTS + 1)

    def client(token: str) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Token {token}"
        barrier.wait()
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            status = make_request(session, n)
            with lock:
                statuses.append(status)

    threads = [threading.Thread(target=client, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return REQUESTS / (time.perf_counter() - started), statuses


def wait_for_server(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def main() -> None:
    print(f"store: {bench_store():,.0f} hold-create + release pairs/s (4 seats, one thread)")
    show_id, seats, tokens = seed_show()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bookmyshow.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "1",
            "--threads",
            str(CLIENTS),
            "--worker-class",
            "gthread",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=SERVER_ENV,
    )
    base = f"http://127.0.0.1:{PORT}/api/v1"
    try:
        wait_for_server(f"{base}/auth/me")
        me_rps, me_statuses = drive(lambda s, n: s.get(f"{base}/auth/me").status_code, tokens)
        hold_rps, hold_statuses = drive(
            lambda s, n: (
                s.post(
                    f"{base}/holds", json={"showId": show_id, "seatIds": [seats[n]], "quantity": 1}
                ).status_code
            ),
            tokens,
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert set(me_statuses) == {200}, set(me_statuses)
    assert set(hold_statuses) == {201}, set(hold_statuses)
    print(f"server, {CLIENTS} clients, {REQUESTS} requests each:")
    print(f"  GET  /api/v1/auth/me  {me_rps:8,.0f} req/s  (baseline)")
    print(f"  POST /api/v1/holds    {hold_rps:8,.0f} req/s")
    print(f"  ratio holds / baseline: {hold_rps / me_rps:.2f}")


if __name__ == "__main__":
    main()
