"""Booking throughput and latency, each as a ratio against a baseline from the same run.

1. The process-local store: hold-create + release pairs per second, straight on the store.
2. The Redis store: the latency of one hold (create, 4 seats) against a bare PING round
   trip to the same server; a hold should cost about one round trip. Then what a PING, a
   hold and a release cost the server itself: commands run and server CPU.
3. A real server (gunicorn, one process, threads, process-local store) on a scratch
   database: requests per second of POST /api/v1/holds against GET /api/v1/auth/me, a
   trivial endpoint behind the same token authentication, at the same concurrency; and
   of a floor hold (``benchmarks.floor_urls``: the same authentication and store step,
   nothing else), which shows how near the trivial endpoint a hold could come at all.
4. The seat page of the 612-seat IMAX hall on the same kind of server, as a signed-in
   customer with two seats picked and a tenth of the hall taken: an unchanged refresh
   (204), a changed refresh (a refresh naming an old revision: the picker drawn) and the
   full page, each against the trivial endpoint and the JSON seat map, with the bytes
   each answer takes on the wire (gzip where the server compresses).

Run with `make bench`. Nothing here asserts a speed; it prints what it measured.
"""

import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks.serverkit import Gunicorn, drive, percentile, scratch_env

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
USERS = int(os.environ.get("BENCH_USERS", "2500"))
ROUNDS = 3  # the two endpoints alternate, so both see the same machine
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "3000"))
STORE_PAIRS = int(os.environ.get("BENCH_STORE_PAIRS", "50000"))
REDIS_ROUNDS = int(os.environ.get("BENCH_REDIS_ROUNDS", "5000"))
REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/14")
PAGE_REQUESTS = int(os.environ.get("BENCH_PAGE_REQUESTS", "1000"))

env = scratch_env(BOOKING_STORE_URL="memory://", TRUSTED_PROXY_COUNT="1")
# The server (not this process) serves the floor hold beside the project's URLs.
server_env = {**env, "DJANGO_SETTINGS_MODULE": "benchmarks.floor_settings"}

import django  # noqa: E402
import requests  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from booking.stores.base import HoldRequest, SeatClaim  # noqa: E402
from booking.stores.memory import MemoryBookingStore  # noqa: E402
from booking.stores.records import to_us  # noqa: E402
from booking.stores.redis import RedisBookingStore  # noqa: E402
from catalog import models  # noqa: E402
from catalog.management.commands.seed_demo import IMAX, seats_create  # noqa: E402

SEATS = ("A1", "A2", "A3", "A4")


def a_hold(n: int, now) -> HoldRequest:
    return HoldRequest(
        hold_id=str(uuid.UUID(int=n)),
        user_id=1,
        client="192.0.2.1",
        show_id="5b8a6c0e-1111-4000-8000-000000000001",
        claim=SeatClaim(
            seat_ids=SEATS,
            tiers=("PRIME",) * len(SEATS),
            amount=Decimal(400),
            unavailable=frozenset(),
            sales_close_at=now + timedelta(days=1),
            user_limit=10,
            client_limit=10,
        ),
        ttl=timedelta(minutes=10),
    )


def bench_memory_store() -> float:
    store = MemoryBookingStore()
    now = timezone.now()
    started = time.perf_counter()
    for n in range(STORE_PAIRS):
        hold = store.hold_create(a_hold(n, now))
        store.hold_release(hold_id=hold.hold_id, user_id=1)
    return STORE_PAIRS / (time.perf_counter() - started)


# A function that does nothing but answer as the store's functions do: what calling a
# function with a hold's keys and arguments costs, before any work inside it.
FLOOR_LIBRARY = """#!lua name=bms_bench_floor
redis.register_function('bms_bench_floor', function(keys, args)
  return {'OK', '0', '0', {}}
end)
"""


def bench_redis_store() -> dict[str, float]:
    """Median microseconds of a PING, of a hold (each then released, untimed), of calling
    a function that does nothing, bare and with the same keys and arguments as a hold, in
    alternation; then of the store's own Python for a hold (the call to Redis answered at
    once with a hold's reply)."""
    prefix = f"bms-bench-{uuid.uuid4().hex[:8]}"
    store = RedisBookingStore(REDIS_URL, {"KEY_PREFIX": prefix})
    now = timezone.now()
    requests = [a_hold(n, now) for n in range(REDIS_ROUNDS)]  # the caller's work: untimed
    store.client.function_load(FLOOR_LIBRARY, replace=True)
    fcall, sent = store.client.fcall, []

    def recording(*call):
        sent.append(call)
        return fcall(*call)

    store.client.fcall = recording
    first = store.hold_create(replace(requests[0], hold_id=str(uuid.uuid4())))
    store.client.fcall = fcall
    store.hold_release(hold_id=first.hold_id, user_id=1)
    _, *keys_and_args = sent[0]  # the hold's function, its keys and its arguments

    def timed(step: Callable[[], Any]) -> tuple[float, Any]:
        started = time.perf_counter()
        result = step()
        return time.perf_counter() - started, result

    samples: dict[str, list[float]] = {
        name: [] for name in ("ping", "hold", "bare", "empty", "python")
    }
    try:
        for request in requests:
            samples["ping"].append(timed(store.client.ping)[0])
            seconds, hold = timed(lambda request=request: store.hold_create(request))
            samples["hold"].append(seconds)
            store.hold_release(hold_id=hold.hold_id, user_id=1)
            samples["bare"].append(timed(lambda: fcall("bms_bench_floor", 0))[0])
            samples["empty"].append(timed(lambda: fcall("bms_bench_floor", *keys_and_args))[0])
        answer = ["OK", str(to_us(first.as_of)), str(to_us(first.expires_at)), []]
        store.client.fcall = lambda *call: answer
        for request in requests:
            samples["python"].append(timed(lambda request=request: store.hold_create(request))[0])
    finally:
        store.client.fcall = fcall
        store.client.function_delete("bms_bench_floor")
        keys = list(store.client.scan_iter(match=f"{prefix}:*"))
        if keys:
            store.client.delete(*keys)
    return {name: percentile(values, 0.5) * 1e6 for name, values in samples.items()}


def redis_server_work() -> dict[str, tuple[float, float]]:
    """What a PING, a hold and a release cost the Redis server itself: commands run
    inside the function and server CPU (``INFO commandstats`` and ``INFO cpu`` read before
    and after, so other clients of a shared server blur it a little)."""
    prefix = f"bms-bench-{uuid.uuid4().hex[:8]}"
    store = RedisBookingStore(REDIS_URL, {"KEY_PREFIX": prefix})
    now, rounds = timezone.now(), 1000
    requests = [a_hold(n, now) for n in range(rounds)]
    requests = [  # a customer, an address and four seats of their own each: all succeed
        replace(
            r,
            user_id=n,
            client=f"192.0.{n // 256}.{n % 256}",
            claim=replace(r.claim, seat_ids=tuple(f"R{n}S{i}" for i in range(4))),
        )
        for n, r in enumerate(requests)
    ]

    def server() -> tuple[int, float]:
        calls = sum(
            stat["calls"]
            for name, stat in store.client.info("commandstats").items()
            if name not in ("cmdstat_fcall", "cmdstat_ping", "cmdstat_info")
        )
        cpu = store.client.info("cpu")
        return calls, cpu["used_cpu_user"] + cpu["used_cpu_sys"]

    def per_step(step) -> tuple[float, float]:
        calls, cpu = server()
        for request in requests:
            step(request)
        after_calls, after_cpu = server()
        return (after_calls - calls) / rounds, (after_cpu - cpu) / rounds

    try:
        return {
            "PING": per_step(lambda request: store.client.ping()),
            "hold": per_step(store.hold_create),
            "release": per_step(
                lambda request: store.hold_release(hold_id=request.hold_id, user_id=None)
            ),
        }
    finally:
        keys = list(store.client.scan_iter(match=f"{prefix}:*"))
        if keys:
            store.client.delete(*keys)


def seed_show() -> tuple[tuple[str, str], list[str], list[str]]:
    """Two shows of one large hall (the API's holds, the floor holds), its seats, and a
    token per customer."""
    call_command("migrate", verbosity=0)
    theatre = models.Theatre.objects.create(name="Bench", city="Mumbai", address="x")
    screen = models.Screen.objects.create(theatre=theatre, name="Bench")
    tier = models.SeatTier.objects.create(screen=screen, code="PRIME", name="Prime")
    labels = [a + b for a in ["", *"ABC"] for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
    rows = labels[: ROUNDS * REQUESTS // 99 + 1]
    # Pairs of seats between aisles: single seats held side by side from many clients at
    # once never strand a seat (the no-single-seat rule is on, and costs what it costs).
    pairs = list(range(2, 99, 2))
    for position, label in enumerate(rows):
        models.SeatRow.objects.create(
            screen=screen,
            tier=tier,
            label=label,
            position=position,
            seat_count=99,
            aisle_after=pairs,
        )
    movie = models.Movie.objects.create(title="Bench")
    shows = [
        models.Show.objects.create(
            movie=movie, screen=screen, start_time=timezone.now() + timedelta(days=1)
        )
        for _ in range(2)
    ]
    for show in shows:
        models.ShowPrice.objects.create(show=show, tier=tier, price=Decimal(200))
    seats = [f"{label}{n}" for label in rows for n in range(1, 100)]
    tokens = [
        Token.objects.create(user=User.objects.create_user(f"bench{n}")).key for n in range(USERS)
    ]
    return (str(shows[0].id), str(shows[1].id)), seats[: ROUNDS * REQUESTS], tokens


def as_customer(tokens: list[str], n: int) -> dict[str, str]:
    """Request ``n`` comes from customer ``n % USERS``, each from an address of their own
    (behind one trusted proxy), as in a real sale: no one holds more than a few seats."""
    customer = n % len(tokens)
    return {
        "Authorization": f"Token {tokens[customer]}",
        "X-Forwarded-For": f"10.{customer // 65536 % 256}.{customer // 256 % 256}.{customer % 256}",
    }


def main() -> None:
    print(
        f"memory store: {bench_memory_store():,.0f} hold-create + release pairs/s "
        "(4 seats, one thread)"
    )
    timed = bench_redis_store()
    ping = timed["ping"]
    print(
        f"redis store: hold {timed['hold']:,.0f} µs, PING {ping:,.0f} µs (medians of "
        f"{REDIS_ROUNDS}); hold / PING = {timed['hold'] / ping:.2f}"
    )
    for name, what in (
        ("bare", "a function that does nothing"),
        ("empty", "the same, given a hold's keys and arguments"),
        ("python", "the store's Python for a hold, Redis answering at once"),
    ):
        print(f"  {what}: {timed[name]:,.0f} µs ({timed[name] / ping:.2f} × PING)")
    for step, (commands, cpu) in redis_server_work().items():
        print(f"  on the server, a {step}: {commands:.1f} commands, {cpu * 1e6:,.0f} µs of CPU")
    (show_id, floor_show_id), seats, tokens = seed_show()
    rates: dict[str, list[float]] = {"me": [], "hold": [], "floor": []}
    usage: dict[str, list[tuple[float, float]]] = {name: [] for name in rates}
    with Gunicorn(server_env, workers=1, threads=CLIENTS) as server:
        api = f"{server.url}/api/v1"
        clients = tokens[:CLIENTS]

        def measured(name: str, request: Callable[..., int]) -> tuple[float, list[int]]:
            """Drive ``request``; note the server's processor time and thread waits."""
            seconds, waits = server.worker_usage()
            rps, statuses, _ = drive(clients, REQUESTS, request)
            after_seconds, after_waits = server.worker_usage()
            usage[name].append(
                ((after_seconds - seconds) / REQUESTS * 1e6, (after_waits - waits) / REQUESTS)
            )
            return rps, statuses

        def me(s: requests.Session, i: int, n: int) -> int:
            return s.get(f"{api}/auth/me", headers=as_customer(tokens, n)).status_code

        for round_number in range(ROUNDS):
            first = round_number * REQUESTS

            def hold(s: requests.Session, i: int, n: int, first: int = first) -> int:
                return s.post(
                    f"{api}/holds",
                    json={"showId": show_id, "seatIds": [seats[first + n]], "quantity": 1},
                    headers=as_customer(tokens, first + n),
                ).status_code

            def floor(s: requests.Session, i: int, n: int, first: int = first) -> int:
                return s.post(
                    f"{server.url}/bench/floor-hold",
                    json={"showId": floor_show_id, "seatIds": [seats[first + n]]},
                    headers=as_customer(tokens, first + n),
                ).status_code

            for name, request, status in (
                ("me", me, 200),
                ("hold", hold, 201),
                ("floor", floor, 201),
            ):
                rps, statuses = measured(name, request)
                assert set(statuses) == {status}, (name, set(statuses))
                rates[name].append(rps)
    print(
        f"server (1 process, memory store): {CLIENTS} connections, {ROUNDS} rounds of "
        f"{REQUESTS} requests each way, from {USERS} customers:"
    )
    for label, name in (
        ("GET  /api/v1/auth/me", "me"),
        ("POST /api/v1/holds  ", "hold"),
        ("POST a floor hold   ", "floor"),
    ):
        cpu, waits = (statistics.median(part) for part in zip(*usage[name], strict=True))
        print(
            f"  {label}  {statistics.median(rates[name]):8,.0f} req/s, the server's processor "
            f"{cpu:,.0f} µs and {waits:.0f} thread waits a request"
        )
    for label, name in (("holds", "hold"), ("floor holds", "floor")):
        ratios = sorted(
            rate / baseline for rate, baseline in zip(rates[name], rates["me"], strict=True)
        )
        print(
            f"  ratio {label} / baseline: {statistics.median(ratios):.2f} "
            f"(rounds: {', '.join(f'{ratio:.2f}' for ratio in ratios)})"
        )
    bench_seat_page(seed_imax(), tokens)


def seed_imax() -> str:
    """A show of the demo's 612-seat IMAX hall, in the scratch database."""
    theatre = models.Theatre.objects.create(name="Bench IMAX", city="Mumbai", address="x")
    screen = models.Screen.objects.create(theatre=theatre, name="IMAX")
    seats_create(screen, IMAX)
    show = models.Show.objects.create(
        movie=models.Movie.objects.create(title="Bench IMAX"),
        screen=screen,
        start_time=timezone.now() + timedelta(days=1),
    )
    for spec in IMAX:
        models.ShowPrice.objects.create(
            show=show, tier=screen.tiers.get(code=spec.code), price=Decimal(spec.base_price)
        )
    return str(show.id)


def on_the_wire(response: requests.Response) -> tuple[int, int]:
    """(body bytes as sent, header bytes) of a streamed response."""
    body = len(response.raw.read(decode_content=False))
    headers = sum(len(name) + len(value) + 4 for name, value in response.raw.headers.items())
    return body, headers + len(f"HTTP/1.1 {response.status_code} {response.reason}\r\n\r\n")


def bench_seat_page(show_id: str, tokens: list[str]) -> None:
    customer = User.objects.get(auth_token__key=tokens[0])
    browser = Client()
    browser.force_login(customer)
    cookies = {"sessionid": browser.cookies["sessionid"].value}
    with Gunicorn(env, workers=1, threads=CLIENTS) as server:
        api = f"{server.url}/api/v1"
        # Others hold 88 seats, two by two, as best available gives them.
        for n in range(44):
            requests.post(
                f"{api}/holds",
                json={"showId": show_id, "quantity": 2, "bestAvailable": True},
                headers=as_customer(tokens, 100 + n),
                timeout=10,
            ).raise_for_status()
        page = f"{server.url}/shows/{show_id}/seats/"
        picked = "seats=Q14&seats=Q15"
        htmx = {"HX-Request": "true"}
        shown = requests.get(f"{page}?{picked}", headers=htmx, cookies=cookies, timeout=10).text
        revision = shown.split('name="v" value="', 1)[1].split('"', 1)[0]
        me = {"Authorization": f"Token {tokens[0]}"}
        endpoints = {
            "GET /api/v1/auth/me (trivial)": (f"{api}/auth/me", me, 200),
            "GET /api/v1/shows/{id}/seatmap (JSON)": (f"{api}/shows/{show_id}/seatmap", {}, 200),
            "unchanged refresh (204)": (f"{page}?v={revision}&{picked}", htmx, 204),
            "changed refresh (the picker)": (f"{page}?v=old&{picked}", htmx, 200),
            "full render (the whole page)": (f"{page}?{picked}", {}, 200),
        }
        rates: dict[str, list[float]] = {name: [] for name in endpoints}
        for _ in range(ROUNDS):
            for name, (url, headers, expected) in endpoints.items():
                rps, statuses, _ = drive(
                    tokens[:CLIENTS],
                    PAGE_REQUESTS,
                    lambda s, i, n, url=url, headers=headers: (
                        s.get(url, headers=headers, cookies=cookies).status_code
                    ),
                )
                assert set(statuses) == {expected}, (name, set(statuses))
                rates[name].append(rps)
        sizes = {}
        for name, (url, headers, _) in endpoints.items():
            with requests.get(url, headers=headers, cookies=cookies, stream=True) as response:
                sizes[name] = (on_the_wire(response), response.headers.get("Content-Encoding"))
    trivial, json_map = (statistics.median(rates[name]) for name in list(endpoints)[:2])
    print(
        "seat page of the 612-seat hall (1 process, memory store, signed in, 2 seats picked, "
        f"88 seats held by others): {CLIENTS} connections, {ROUNDS} rounds of "
        f"{PAGE_REQUESTS} requests each:"
    )
    print(f"  {'':38} {'req/s':>7} {'cost × trivial':>15} {'cost × JSON map':>16}  on the wire")
    for name, rate in rates.items():
        median = statistics.median(rate)
        (body, headers), encoding = sizes[name]
        print(
            f"  {name:38} {median:7,.0f} {trivial / median:15.2f} {json_map / median:16.2f}"
            f"  {body:,} B body ({encoding or 'plain'}) + {headers:,} B headers"
        )


if __name__ == "__main__":
    main()
