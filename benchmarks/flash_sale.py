"""A flash sale: many clients hold, order and pay for seats of one big show served by
several gunicorn workers on the Redis store, retrying every failure with the same
Idempotency-Key as a careful client would. With ``--stall`` the link to Redis stalls
(longer than the store's socket timeout) and recovers over and over during the sale.

It fails (exit status 1) on any ghost ticket (a ticket code the API showed that check-in
does not admit), any seat sold twice, any disagreement between the database, the store
and the paid orders, or any 5xx other than a 503 while Redis stalled. It prints what it
measured, with holds per second against a trivial endpoint measured in the same run.

    python benchmarks/flash_sale.py [--clients 50] [--workers 4] [--stall]
"""

import argparse
import os
import random
import sys
import threading
import time
import uuid
from collections import Counter
from contextlib import ExitStack
from datetime import timedelta
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import requests

from benchmarks.serverkit import Gunicorn, drive, percentile, scratch_env
from benchmarks.tcp_proxy import FaultProxy

CUSTOMER = {"name": "Fan", "email": "fan@example.com", "phone": "9876543210"}
RETRIES = 40  # a client keeps trying through stalls, with the same key


class Sale:
    """What the clients saw: every status, every ticket code shown, hold latencies."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: Counter[int] = Counter()
        self.tickets: dict[str, str] = {}  # ticket code -> order id, as shown
        self.hold_latencies: list[float] = []
        self.confirmations = 0

    def record(self, status: int) -> None:
        with self.lock:
            self.statuses[status] += 1


def call(sale: Sale, session: requests.Session, method: str, url: str, **kwargs):
    """One request, retried while the answer is a 503 or the connection failed; the
    first answer that is neither."""
    for _ in range(RETRIES):
        try:
            response = session.request(method, url, timeout=30, **kwargs)
        except requests.RequestException:
            sale.record(0)
            time.sleep(0.2)
            continue
        sale.record(response.status_code)
        if response.status_code != 503:
            return response
        time.sleep(0.2)
    return None


def buyer(sale: Sale, api: str, token: str, show_id: str, picks, stop_at: float) -> None:
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    for seats in picks:
        if time.monotonic() > stop_at:
            return
        key = uuid.uuid4().hex
        started = time.perf_counter()
        held = call(
            sale,
            session,
            "POST",
            f"{api}/holds",
            json={"showId": show_id, "seatIds": seats, "quantity": len(seats)},
            headers={"Idempotency-Key": f"h-{key}"},
        )
        with sale.lock:
            sale.hold_latencies.append(time.perf_counter() - started)
        if held is None or held.status_code != 201:
            continue
        order = call(
            sale,
            session,
            "POST",
            f"{api}/orders",
            json={"holdId": held.json()["holdId"], "customer": CUSTOMER},
            headers={"Idempotency-Key": f"o-{key}"},
        )
        if order is None or order.status_code != 201:
            continue
        paid = call(
            sale,
            session,
            "POST",
            f"{api}/orders/{order.json()['orderId']}/confirm-payment",
            headers={"Idempotency-Key": f"p-{key}"},
        )
        if paid is not None and paid.status_code == 200:
            with sale.lock:
                sale.tickets[paid.json()["ticketCode"]] = paid.json()["orderId"]
                sale.confirmations += 1


def stall_now_and_then(proxy: FaultProxy, stop: threading.Event) -> None:
    """The link to Redis stalls for 1.5 s (past the 1 s socket timeout) every 3 s."""
    while not stop.wait(1.5):
        proxy.set_mode("stall")
        stop.wait(1.5)
        proxy.set_mode("forward")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rows", type=int, default=40, help="rows of 60 seats (at most 702)")
    parser.add_argument("--seconds", type=float, default=120, help="stop buying after this")
    parser.add_argument("--min-confirmations", type=int, default=1000)
    parser.add_argument("--stall", action="store_true", help="stall the Redis link on and off")
    parser.add_argument(
        "--redis", default=os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/14")
    )
    options = parser.parse_args()
    prefix = f"bms-flash-{uuid.uuid4().hex[:8]}"

    redis_host, redis_port = options.redis.split("//")[1].split("/")[0].split(":")
    with ExitStack() as stack:
        proxy = stack.enter_context(FaultProxy((redis_host, int(redis_port))))
        store_url = f"redis://{proxy.address}/{options.redis.rsplit('/', 1)[1]}"
        env = scratch_env(
            BOOKING_STORE_URL=store_url,
            BOOKING_STORE_KEY_PREFIX=prefix,
            MAX_ACTIVE_SEATS_PER_CLIENT="100000",  # every client shares this machine's address
        )
        return run(options, env, proxy, stack, prefix)


def run(options, env, proxy: FaultProxy, stack: ExitStack, prefix: str) -> int:
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from booking import selectors
    from booking.domain import OrderStatus
    from booking.models import Booking, SoldSeat
    from booking.stores import get_store
    from catalog import models

    call_command("migrate", verbosity=0)
    theatre = models.Theatre.objects.create(name="Flash", city="Mumbai", address="x")
    screen = models.Screen.objects.create(theatre=theatre, name="Audi 1")
    tier = models.SeatTier.objects.create(screen=screen, code="CLASSIC", name="Classic")
    letters = [chr(ord("A") + n) for n in range(26)]
    rows = [*letters, *(a + b for a in letters for b in letters)][: options.rows]
    for position, label in enumerate(rows):
        models.SeatRow.objects.create(
            screen=screen, tier=tier, label=label, position=position, seat_count=60
        )
    show = models.Show.objects.create(
        movie=models.Movie.objects.create(title="Opening Night"),
        screen=screen,
        start_time=timezone.now() + timedelta(days=1),
    )
    models.ShowPrice.objects.create(show=show, tier=tier, price=Decimal(300))
    all_seats = [f"{row}{n}" for row in rows for n in range(1, 61)]
    tokens = [
        Token.objects.create(user=User.objects.create_user(f"fan{n}")).key
        for n in range(options.clients)
    ]
    staff = User.objects.create_superuser("door", "door@example.com", "door-pass")
    staff_token = Token.objects.create(user=staff).key
    rng = random.Random(2026)
    per_client = len(all_seats) // options.clients + 20
    picks = [
        [rng.sample(all_seats, rng.choice((1, 1, 2))) for _ in range(per_client)]
        for _ in range(options.clients)
    ]
    sale = Sale()
    stop_stalls = threading.Event()
    try:
        server = stack.enter_context(Gunicorn(env, workers=options.workers, threads=4))
        api = f"{server.url}/api/v1"
        me_rps, _, _ = drive(tokens, 2000, lambda s, i, n: s.get(f"{api}/auth/me").status_code)
        stalls = threading.Thread(target=stall_now_and_then, args=(proxy, stop_stalls))
        if options.stall:
            stalls.start()
        stop_at = time.monotonic() + options.seconds
        started = time.perf_counter()
        buyers = [
            threading.Thread(target=buyer, args=(sale, api, token, str(show.id), picks[i], stop_at))
            for i, token in enumerate(tokens)
        ]
        for thread in buyers:
            thread.start()
        for thread in buyers:
            thread.join()
        elapsed = time.perf_counter() - started
        stop_stalls.set()
        if stalls.is_alive():
            stalls.join()
        proxy.set_mode("forward")

        # From outside: every ticket code shown must be admitted at the door.
        door = requests.Session()
        door.headers["Authorization"] = f"Token {staff_token}"
        not_admitted = [
            code
            for code in sale.tickets
            if door.post(
                f"{api}/staff/check-in", json={"ticketCode": code, "showId": str(show.id)}
            ).status_code
            != 200
        ]
        requests.get(f"{api}/shows/{show.id}/seatmap", timeout=30)  # the next touch
    finally:
        stop_stalls.set()
    store = get_store()
    sold_db = list(SoldSeat.objects.filter(show_id=str(show.id)).values_list("seat_id", flat=True))
    bookings = list(Booking.objects.all())
    in_store = store.orders_get([str(b.pk) for b in bookings])
    unrecorded = [
        b.pk
        for b in bookings
        if str(b.pk) not in in_store or in_store[str(b.pk)].status is not OrderStatus.CONFIRMED
    ]
    sold_store = store.show_claims(str(show.id)).sold
    paid_seats = Counter(seat for booking in bookings for seat in booking.seat_ids)
    seat_map = selectors.seat_map_get(show_id=str(show.id))
    keys = list(store.client.scan_iter(match=f"{prefix}:*"))
    if keys:
        store.client.delete(*keys)

    booking_rps = sum(sale.statuses.values()) / elapsed
    stalling = ", the Redis link stalling 1.5 s in every 3 s" if options.stall else ""
    print(
        f"flash sale: {options.clients} clients, {len(all_seats)} seats, gunicorn "
        f"{options.workers} workers, Redis store{stalling}"
    )
    print(f"  statuses: {dict(sorted(sale.statuses.items()))} (0: connection failed)")
    print(
        f"  confirmations: {sale.confirmations}, tickets shown: {len(sale.tickets)}, "
        f"bookings: {len(bookings)}, seats sold: {len(sold_db)}"
    )
    print(f"  ghost tickets (shown, not admitted): {len(not_admitted)}")
    print(f"  seats sold twice: {sum(1 for n in paid_seats.values() if n > 1)}")
    print(f"  GET /api/v1/auth/me   {me_rps:8,.0f} req/s  (baseline)")
    p50 = percentile(sale.hold_latencies, 0.5) * 1000
    p99 = percentile(sale.hold_latencies, 0.99) * 1000
    print(f"  booking requests      {booking_rps:8,.0f} req/s  (holds, orders, payments)")
    print(f"  a hold, retries included: p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    print(f"  ratio booking requests / baseline: {booking_rps / me_rps:.2f}")

    failures = []
    if not_admitted:
        failures.append(f"ghost tickets: {not_admitted[:5]}")
    if set(sale.tickets) != {b.ticket_code for b in bookings}:
        failures.append("a booking's ticket was never shown, or a shown one has no booking")
    if any(status >= 500 and status != 503 for status in sale.statuses):
        failures.append("some requests got a 5xx other than 503")
    if not options.stall and (503 in sale.statuses or 0 in sale.statuses):
        failures.append("requests failed without any fault injected")
    if len(sold_db) != len(set(sold_db)) or max(paid_seats.values(), default=1) > 1:
        failures.append("a seat was sold twice")
    if set(sold_db) != set(paid_seats) or set(sold_store) != set(sold_db):
        failures.append("sold seats in the database, the store and the paid orders differ")
    if unrecorded:
        failures.append(f"{len(unrecorded)} sales not CONFIRMED in the store after a touch")
    if not set(sold_db) <= seat_map.unavailable_seat_ids:
        failures.append("the seat map shows a sold seat as available")
    if sale.confirmations < options.min_confirmations:
        failures.append(f"only {sale.confirmations} confirmations")
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
