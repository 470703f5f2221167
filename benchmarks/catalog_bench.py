"""Finding a show at catalog size, each page as a ratio against a trivial endpoint of the
same server in the same run.

The catalog is ``seed_demo --large`` (500 movies, 200 theatres in 20 cities, 30,000
shows) on a scratch SQLite database, served by gunicorn (one process, threads, the
process-local store). Measured, in alternating rounds so that every endpoint sees the same
machine: ``GET /api/v1/auth/me`` (trivial, behind token authentication), the home page of
a city, a search results page, and a movie's buy-tickets page filtered to IMAX evenings.
The goal is each page within 3x the trivial endpoint's cost.

Run with `make bench` (or alone: `.venv/bin/python benchmarks/catalog_bench.py`).
Nothing here asserts a speed; it prints what it measured.
"""

import os
import statistics
import sys
import time
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks.serverkit import Gunicorn, drive, scratch_env

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
ROUNDS = 3
REQUESTS = int(os.environ.get("BENCH_CATALOG_REQUESTS", "400"))
CITY = "mumbai"

env = scratch_env(BOOKING_STORE_URL="memory://")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from catalog import models  # noqa: E402


def seed() -> tuple[list[str], str, str]:
    """The large catalog; tokens for the clients; a buy-tickets path with IMAX evening
    shows in the city and a search that finds movies."""
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", "--large", verbosity=0)
    print(
        f"seed_demo --large: {time.perf_counter() - started:.1f} s "
        f"({models.Movie.objects.count()} movies, {models.Theatre.objects.count()} theatres, "
        f"{models.Show.objects.count()} shows)"
    )
    tokens = [
        Token.objects.create(user=User.objects.create_user(f"bench-{n}")).key
        for n in range(CLIENTS)
    ]
    tomorrow = timezone.localdate() + timedelta(days=1)
    show = (
        models.Show.objects.filter(
            format="IMAX",
            screen__theatre__city__iexact=CITY,
            start_time__date=tomorrow,
            start_time__hour__gte=17,
            start_time__hour__lt=21,
        )
        .order_by("movie__title")
        .first()
    )
    assert show is not None, "no IMAX evening show in the city tomorrow"
    buy = f"/movies/{show.movie_id}/buytickets/{tomorrow}/?format=IMAX&timeOfDay=evening"
    return tokens, buy, "/movies/?q=golden"


def main() -> None:
    tokens, buy, search = seed()
    cookies = {"city": CITY}
    endpoints = {
        "GET /api/v1/auth/me (trivial)": "/api/v1/auth/me",
        f"home page ({CITY})": "/",
        "search results (q=golden)": search,
        "buy-tickets, IMAX evenings": buy,
    }
    rates: dict[str, list[float]] = {name: [] for name in endpoints}
    with Gunicorn(env, workers=1, threads=CLIENTS) as server:
        for _ in range(ROUNDS):
            for name, path in endpoints.items():
                url = server.url + path
                rps, statuses, _ = drive(
                    tokens,
                    REQUESTS,
                    lambda s, i, n, url=url: s.get(url, cookies=cookies).status_code,
                )
                assert set(statuses) == {200}, (name, set(statuses))
                rates[name].append(rps)
    trivial = statistics.median(rates["GET /api/v1/auth/me (trivial)"])
    print(
        f"finding a show in the large catalog (1 process, {CLIENTS} connections, {ROUNDS} "
        f"rounds of {REQUESTS} requests each; goal: each page ≤ 3.00 × trivial):"
    )
    print(f"  {'':34} {'req/s':>7} {'cost × trivial':>15}")
    for name, rate in rates.items():
        median = statistics.median(rate)
        print(f"  {name:34} {median:7,.0f} {trivial / median:15.2f}")


if __name__ == "__main__":
    main()
