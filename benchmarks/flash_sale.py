"""A flash sale: many clients fire hold attempts at one show served by several gunicorn
workers on the Redis store, then order and pay for what they won.

It fails (exit status 1) if any seat is sold twice (in the database or the store), if any
seat sold is not accounted for by exactly one paid order, or if any request got a 5xx. It
prints holds per second, p50 and p99 latency, and the ratio against a trivial endpoint
measured in the same run.

    python benchmarks/flash_sale.py [--attempts 2000] [--clients 50] [--workers 4]
"""

import argparse
import os
import random
import sys
import threading
import uuid
from collections import Counter
from datetime import timedelta
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks.serverkit import Gunicorn, drive, percentile, scratch_env

ROWS, SEATS_PER_ROW = "ABCDEFGHJK", 24  # 240 seats


def checkout_all(api: str, tokens: list[str], won: dict[int, list[dict]]) -> list[int]:
    """Every client, at once, orders and pays for each hold it won; returns the statuses."""
    import requests

    statuses: list[int] = []
    lock = threading.Lock()

    def checkout(index: int) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Token {tokens[index]}"
        for held in won[index]:
            order = session.post(
                f"{api}/orders",
                json={
                    "holdId": held["holdId"],
                    "customer": {"name": "Fan", "email": "fan@example.com", "phone": "9876543210"},
                },
            )
            codes = [order.status_code]
            if order.ok:
                paid = session.post(f"{api}/orders/{order.json()['orderId']}/confirm-payment")
                codes.append(paid.status_code)
            with lock:
                statuses.extend(codes)

    threads = [threading.Thread(target=checkout, args=(i,)) for i in range(len(tokens))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--redis", default=os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/14")
    )
    options = parser.parse_args()
    prefix = f"bms-flash-{uuid.uuid4().hex[:8]}"
    env = scratch_env(BOOKING_STORE_URL=options.redis, BOOKING_STORE_KEY_PREFIX=prefix)

    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from booking.models import Booking, SoldSeat
    from booking.stores import get_store
    from catalog import models

    call_command("migrate", verbosity=0)
    theatre = models.Theatre.objects.create(name="Flash", city="Mumbai", address="x")
    screen = models.Screen.objects.create(theatre=theatre, name="Audi 1")
    tier = models.SeatTier.objects.create(screen=screen, code="CLASSIC", name="Classic")
    for position, label in enumerate(ROWS):
        models.SeatRow.objects.create(
            screen=screen, tier=tier, label=label, position=position, seat_count=SEATS_PER_ROW
        )
    show = models.Show.objects.create(
        movie=models.Movie.objects.create(title="Opening Night"),
        screen=screen,
        start_time=timezone.now() + timedelta(days=1),
    )
    models.ShowPrice.objects.create(show=show, tier=tier, price=Decimal(300))
    all_seats = [f"{row}{n}" for row in ROWS for n in range(1, SEATS_PER_ROW + 1)]
    tokens = [
        Token.objects.create(user=User.objects.create_user(f"fan{n}")).key
        for n in range(options.clients)
    ]

    won: dict[int, list[dict]] = {i: [] for i in range(options.clients)}
    lock = threading.Lock()
    rng = random.Random(2026)
    picks = [rng.sample(all_seats, rng.randint(1, 4)) for _ in range(options.attempts)]
    try:
        with Gunicorn(env, workers=options.workers, threads=4) as server:
            api = f"{server.url}/api/v1"
            me_rps, me_statuses, _ = drive(
                tokens, options.attempts, lambda s, i, n: s.get(f"{api}/auth/me").status_code
            )

            def hold(session, index, n):
                response = session.post(
                    f"{api}/holds",
                    json={"showId": str(show.id), "seatIds": picks[n], "quantity": len(picks[n])},
                )
                if response.status_code == 201:
                    with lock:
                        won[index].append(response.json())
                return response.status_code

            hold_rps, hold_statuses, latencies = drive(tokens, options.attempts, hold)

            checkout_statuses = checkout_all(api, tokens, won)
        sold_db = list(
            SoldSeat.objects.filter(show_id=str(show.id)).values_list("seat_id", flat=True)
        )
        sold_store = get_store().show_claims(show_id=str(show.id), now=timezone.now()).sold
        paid_seats = Counter(seat for booking in Booking.objects.all() for seat in booking.seat_ids)
        held_seats = Counter(seat for holds in won.values() for h in holds for seat in h["seatIds"])
    finally:
        client = get_store().client
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)

    statuses = Counter(me_statuses + hold_statuses + checkout_statuses)
    print(
        f"flash sale: {options.attempts} hold attempts by {options.clients} clients on "
        f"{len(all_seats)} seats, gunicorn {options.workers} workers, Redis store"
    )
    print(f"  statuses: {dict(sorted(statuses.items()))}")
    print(
        f"  holds won: {sum(len(h) for h in won.values())}, seats sold: {len(sold_db)}, "
        f"orders paid: {Booking.objects.count()}"
    )
    print(f"  GET /api/v1/auth/me   {me_rps:8,.0f} req/s  (baseline)")
    p50, p99 = percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000
    print(f"  POST /api/v1/holds    {hold_rps:8,.0f} req/s  p50 {p50:.1f} ms  p99 {p99:.1f} ms")
    print(f"  ratio holds / baseline: {hold_rps / me_rps:.2f}")

    failures = []
    if any(status >= 500 for status in statuses):
        failures.append("some requests got a 5xx")
    if max(held_seats.values(), default=1) > 1:
        failures.append("a seat was in two winning holds")
    if len(sold_db) != len(set(sold_db)) or max(paid_seats.values(), default=1) > 1:
        failures.append("a seat was sold twice")
    if set(sold_db) != set(sold_store) or set(sold_db) != set(paid_seats):
        failures.append("sold seats in the database, the store and the paid orders differ")
    if set(sold_db) != set(held_seats):
        failures.append("a won hold was not sold, or a sold seat was never won")
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
