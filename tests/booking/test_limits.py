"""Limits that hold across worker processes and at every door.

* Hold creations and seat changes of one user share ``HOLD_RATE_LIMIT`` through the
  API's POST /holds, the site's hold form and PATCH /holds/<id>, on four gunicorn workers.
* Seats held from one client address, across accounts, stop at
  ``MAX_ACTIVE_SEATS_PER_CLIENT``; the address is the socket peer, or X-Forwarded-For
  only behind ``TRUSTED_PROXY_COUNT`` proxies.
* Sign-ups count per address, log-in attempts per username and per address, at the
  site's form, the admin's and the API's token endpoint; a refused attempt hashes no
  password, and the right password is refused too until the window passes.

A limit counted per process, or skipped at one door, fails these tests: every burst is
bigger than the limit and is spread over four workers and over all the doors. Windows
are never slept through: their length is read from Retry-After.
"""

import secrets
import sqlite3
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from types import SimpleNamespace

import pytest
import redis
import requests
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.models import User
from django.core.cache import caches
from django.test import Client

from bookmyshow.ratelimit import RateLimited, rate_limit_hit
from tests.booking.conftest import REDIS_TEST_URL
from tests.support.deployment import Deployment, deployment

TIMEOUT = 30
WRONG = "not-the-password"
SIGNUP_PASSWORD = "Qm7-marigold-Vx2"  # passes every password validator


# -- helpers ------------------------------------------------------------------------------


def concurrently[T](calls: list[Callable[[], T]]) -> list[T]:
    """Run every call in a thread of its own, all released at once; their results in
    order. Every thread is joined before this returns or raises."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], T]) -> T:
        start.wait(timeout=TIMEOUT)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def error_code(response: requests.Response) -> str | None:
    try:
        return response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


def assert_limited(response: requests.Response, *, api: bool, window: int) -> None:
    """A 429 with a Retry-After inside the window (and the API's JSON envelope)."""
    assert response.status_code == 429, response.text[:300]
    assert 1 <= int(response.headers["Retry-After"]) <= window
    if api:
        assert error_code(response) == "RATE_LIMITED"
        assert response.json()["error"]["details"]["retryAfter"] == int(
            response.headers["Retry-After"]
        )


def csrf_cookies(site: Deployment, path: str) -> dict[str, str]:
    """The cookies of a browser that has loaded the form at ``path`` (its CSRF token
    among them). Requests go without a shared session object, which threads could not
    share, and leave no keep-alive connection to hold up the server's shutdown."""
    page = requests.get(f"{site.server.url}{path}", timeout=TIMEOUT)
    assert page.status_code == 200, page.text[:300]
    return page.cookies.get_dict()


def site_login(site: Deployment, user: int) -> dict[str, str]:
    """Log in through the site's form: the session's cookies, with its rotated CSRF
    token."""
    cookies = csrf_cookies(site, "/accounts/login/")
    response = requests.post(
        f"{site.server.url}/accounts/login/",
        data={
            "csrfmiddlewaretoken": cookies["csrftoken"],
            "username": site.seed["users"][user]["username"],
            "password": site.seed["password"],
        },
        cookies=cookies,
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert response.status_code == 302, response.text[:300]
    cookies |= response.cookies.get_dict()
    assert "sessionid" in cookies
    return cookies


def free_seats(site: Deployment) -> list[str]:
    seat_map = requests.get(f"{site.api}/shows/{site.show_id}/seatmap", timeout=TIMEOUT).json()
    taken = set(seat_map["unavailableSeatIds"]) | set(seat_map["heldSeatIds"])
    return [seat["seatId"] for seat in seat_map["layout"] if seat["seatId"] not in taken]


# -- 1. hold creations and seat changes: one allowance per user, through every door ------------


def test_one_users_holds_and_seat_changes_share_one_limit_across_workers_and_doors():
    with deployment(workers=4, HOLD_RATE_LIMIT="12/min") as site:
        token = {"Authorization": f"Token {site.seed['users'][0]['token']}"}
        first = requests.post(
            f"{site.api}/holds",
            json={"showId": site.show_id, "seatIds": ["A1"], "quantity": 1},
            headers=token,
            timeout=TIMEOUT,
        )
        assert first.status_code == 201, first.text  # the window's first attempt
        hold_id = first.json()["holdId"]
        cookies = site_login(site, 0)
        seats = [seat for seat in free_seats(site) if seat != "A1"]

        def api_create(seat: str) -> requests.Response:
            return requests.post(
                f"{site.api}/holds",
                json={"showId": site.show_id, "seatIds": [seat], "quantity": 1},
                headers=token,
                timeout=TIMEOUT,
            )

        def form_create(seat: str) -> requests.Response:
            return requests.post(
                f"{site.server.url}/shows/{site.show_id}/hold/",
                data={
                    "csrfmiddlewaretoken": cookies["csrftoken"],
                    "seats": [seat],
                    "form_token": secrets.token_urlsafe(16),
                },
                cookies=cookies,
                allow_redirects=False,
                timeout=TIMEOUT,
            )

        def api_change(seat: str) -> requests.Response:
            return requests.patch(
                f"{site.api}/holds/{hold_id}",
                json={"seatIds": [seat], "quantity": 1},
                headers=token,
                timeout=TIMEOUT,
            )

        doors = {"POST /holds": api_create, "hold form": form_create, "PATCH": api_change}
        # 14 attempts per door: more than the 11 left, so every door must meet the limit.
        burst = [(door, seats[n % len(seats)]) for n in range(14) for door in doors]
        responses = concurrently([partial(doors[door], seat) for door, seat in burst])

        served: Counter[str] = Counter()
        refused: Counter[str] = Counter()
        for (door, _), response in zip(burst, responses, strict=True):
            if response.status_code == 429:
                refused[door] += 1
                assert_limited(response, api=door != "hold form", window=60)
                if door == "hold form":
                    assert "changing seats too quickly" in response.text
            else:  # a hold, a changed hold, or a seat conflict or limit (409): all served
                served[door] += 1
                assert response.status_code in (200, 201, 302, 409), (door, response.text[:300])
        assert 1 + sum(served.values()) == 12, (served, refused)
        assert set(refused) == set(doors), refused


# -- 2. seats per client address, across accounts ---------------------------------------------


@pytest.mark.parametrize(
    ("trusted_proxies", "expected_held"),
    [(0, 5), (1, 30)],
    ids=["peer-address-counts", "forwarded-address-counts"],
)
def test_seats_held_from_one_address_across_accounts_are_limited(trusted_proxies, expected_held):
    """30 accounts, one seat each, each request saying it is from another address in
    X-Forwarded-For. With no trusted proxy all come from 127.0.0.1 and 5 seats is all
    they get between them; behind one trusted proxy they are 30 clients. (Side by side
    single seats, some refused, would leave single seats between them: the no-single-seat
    rule is off here, so every refusal is the limit's.)"""
    with deployment(
        workers=4,
        users=30,
        SEED_EXTRA_ROWS="3",
        MAX_ACTIVE_SEATS_PER_CLIENT="5",
        TRUSTED_PROXY_COUNT=str(trusted_proxies),
        ORPHAN_SEAT_RULE="0",
    ) as site:
        seats = free_seats(site)
        assert len(seats) >= 30

        def hold(user: int) -> requests.Response:
            return requests.post(
                f"{site.api}/holds",
                json={"showId": site.show_id, "seatIds": [seats[user]], "quantity": 1},
                headers={
                    "Authorization": f"Token {site.seed['users'][user]['token']}",
                    "X-Forwarded-For": f"203.0.113.{user + 1}",
                },
                timeout=TIMEOUT,
            )

        responses = concurrently([partial(hold, user) for user in range(30)])
        held = [r for r in responses if r.status_code == 201]
        assert len(held) == expected_held, [(r.status_code, r.text[:200]) for r in responses]
        for response in responses:
            if response.status_code != 201:
                assert response.status_code == 409, response.text
                assert response.json()["error"]["code"] == "SEAT_LIMIT_REACHED"
                assert response.json()["error"]["details"] == {"limit": 5, "scope": "client"}
        assert len(set(seats[:30]) - set(free_seats(site))) == expected_held


# -- 3. sign-ups per address ------------------------------------------------------------------


class CountingHasher(MD5PasswordHasher):
    """MD5, counting the calls that hash a password (MD5's ``verify`` hashes through
    ``encode``, so a check counts twice: only zero and non-zero matter here)."""

    calls: Counter[str] = Counter()

    def encode(self, password, salt):
        CountingHasher.calls["encode"] += 1
        return super().encode(password, salt)

    def verify(self, password, encoded):
        CountingHasher.calls["verify"] += 1
        return super().verify(password, encoded)

    def harden_runtime(self, password, encoded):
        CountingHasher.calls["harden_runtime"] += 1
        return super().harden_runtime(password, encoded)


@pytest.fixture
def hashes(settings) -> Callable[[], int]:
    """The counting hasher in place of every other; returns a count of hashes so far."""
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.calls.clear()
    return lambda: sum(CountingHasher.calls.values())


def signup_form(n: int, csrf: str = "") -> dict[str, str]:
    return {
        "csrfmiddlewaretoken": csrf,
        "username": f"newfan{n}",
        "first_name": f"New Fan {n}",
        "email": f"newfan{n}@example.com",
        "password1": SIGNUP_PASSWORD,
        "password2": SIGNUP_PASSWORD,
    }


@pytest.mark.django_db
def test_the_sixth_sign_up_from_one_address_in_an_hour_is_refused_before_hashing(hashes):
    for n in range(5):
        before = hashes()
        response = Client().post("/accounts/signup/", signup_form(n))
        assert response.status_code == 302, response.content[:500]
        assert hashes() > before
    before = hashes()
    refused = Client().post("/accounts/signup/", signup_form(5))
    assert refused.status_code == 429
    assert 3500 <= int(refused["Retry-After"]) <= 3600
    assert b"Too many new accounts" in refused.content
    assert hashes() == before  # no password hashed for a refused sign-up
    assert not User.objects.filter(username="newfan5").exists()
    other_network = Client(REMOTE_ADDR="198.51.100.9").post("/accounts/signup/", signup_form(6))
    assert other_network.status_code == 302  # per address, not for everyone


@pytest.fixture(scope="module")
def auth_site() -> Iterator[Deployment]:
    """Four workers with the default sign-up and log-in limits, shared by the sign-up and
    the log-in test: their counters are apart (sign-ups per address; log-ins per username
    and per address, which a sign-up does not touch)."""
    with deployment(workers=4) as site:
        yield site


def test_five_sign_ups_from_one_address_succeed_on_four_workers_and_the_rest_are_refused(
    auth_site,
):
    site = auth_site

    browsers = [csrf_cookies(site, "/accounts/signup/") for _ in range(8)]

    def sign_up(n: int) -> requests.Response:
        return requests.post(
            f"{site.server.url}/accounts/signup/",
            data=signup_form(n, browsers[n]["csrftoken"]),
            cookies=browsers[n],
            allow_redirects=False,
            timeout=TIMEOUT,
        )

    responses = concurrently([partial(sign_up, n) for n in range(8)])
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {302: 5, 429: 3}, [(r.status_code, r.text[:300]) for r in responses]
    for response in responses:
        if response.status_code == 429:
            assert_limited(response, api=False, window=3600)
    with sqlite3.connect(site.env["SQLITE_PATH"]) as db:
        [(created,)] = db.execute(
            "SELECT count(*) FROM auth_user WHERE username LIKE 'newfan%'"
        ).fetchall()
    assert created == 5


# -- 4. log-in attempts per username and per address, at three doors ---------------------------

DOORS = ("site", "admin", "api")


def log_in(door: str, username: str, password: str, address: str = "127.0.0.1"):
    """One log-in attempt at a door, from ``address``; the response and whether it
    logged in."""
    client = Client(REMOTE_ADDR=address)
    if door == "api":
        response = client.post(
            "/api/v1/auth/token",
            {"username": username, "password": password},
            content_type="application/json",
        )
        return response, response.status_code == 200 and "token" in response.json()
    path = "/accounts/login/" if door == "site" else "/admin/login/?next=/admin/"
    response = client.post(path, {"username": username, "password": password})
    return response, response.status_code == 302 and "_auth_user_id" in client.session


def assert_login_refused(door: str, response) -> None:
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    if door == "api":
        assert response.json()["error"]["code"] == "RATE_LIMITED"
    else:
        assert b"Too many log-in attempts" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("door", DOORS)
def test_the_eleventh_wrong_password_for_a_username_is_refused_before_any_hash(door, user, hashes):
    """Ten wrong passwords, from ten addresses and through all three doors, use up the
    username's minute: the eleventh attempt, and then the right password, are refused
    at ``door`` without hashing; once the window has passed the right password works."""
    user.is_staff = True  # the admin door lets staff in
    user.save()
    for n in range(10):
        before = hashes()
        response, logged_in = log_in(DOORS[n % 3], "asha", WRONG, f"198.51.100.{n + 1}")
        assert response.status_code == (401 if DOORS[n % 3] == "api" else 200)
        assert not logged_in
        assert hashes() > before
    before = hashes()
    eleventh, _ = log_in(door, "asha", WRONG, "198.51.100.11")
    assert_login_refused(door, eleventh)
    right, logged_in = log_in(door, "Asha ", "pass-word-123", "198.51.100.12")
    assert_login_refused(door, right)  # a limit, not a way round it: no spelling helps
    right, logged_in = log_in(door, "asha", "pass-word-123", "198.51.100.12")
    assert_login_refused(door, right)
    assert not logged_in
    assert hashes() == before
    caches["ratelimit"].clear()  # the window passes (the counters' keys expire)
    _, logged_in = log_in(door, "asha", "pass-word-123", "198.51.100.12")
    assert logged_in


@pytest.mark.django_db
@pytest.mark.parametrize("door", DOORS)
def test_the_eleventh_username_from_one_address_is_refused_before_any_hash(door, hashes):
    for n in range(10):
        before = hashes()
        response, _ = log_in(door, f"nobody{n}", WRONG)
        assert response.status_code == (401 if door == "api" else 200)
        assert hashes() > before  # an unknown user costs one hash too (timing)
    before = hashes()
    refused, _ = log_in(door, "nobody10", WRONG)
    assert_login_refused(door, refused)
    assert hashes() == before
    elsewhere, _ = log_in(door, "nobody10", WRONG, "198.51.100.1")
    assert elsewhere.status_code == (401 if door == "api" else 200)


def test_wrong_passwords_for_one_username_are_counted_across_four_workers(auth_site):
    site = auth_site
    username = site.seed["users"][0]["username"]

    def guess() -> requests.Response:
        return requests.post(
            f"{site.api}/auth/token",
            json={"username": username, "password": WRONG},
            timeout=TIMEOUT,
        )

    responses = concurrently([guess] * 15)
    assert Counter(r.status_code for r in responses) == {401: 10, 429: 5}
    for response in responses:
        if response.status_code == 429:
            assert_limited(response, api=True, window=60)
    right = requests.post(
        f"{site.api}/auth/token",
        json={"username": username, "password": site.seed["password"]},
        timeout=TIMEOUT,
    )
    assert_limited(right, api=True, window=60)


# -- 5. a flood of guesses and the seat map -----------------------------------------------------


def test_seat_map_latency_under_a_flood_of_guesses_before_and_after_the_limit(capsys):
    """Not a timed assertion: prints the seat map's latency, idle, while 16 concurrent
    guesses are each hashed (PBKDF2, the production hasher), and while 16 threads keep
    guessing once the limit refuses them without hashing."""
    with deployment(workers=4, LOGIN_RATE_LIMIT="1/min", TRUSTED_PROXY_COUNT="1") as site:
        seat_map_url = f"{site.api}/shows/{site.show_id}/seatmap"
        concurrently([partial(requests.get, seat_map_url, timeout=TIMEOUT)] * 16)  # warm up

        def guess(n: int) -> int:
            return requests.post(
                f"{site.api}/auth/token",
                json={"username": f"flood{n}", "password": WRONG},
                headers={"X-Forwarded-For": f"203.0.113.{n + 1}"},
                timeout=TIMEOUT,
            ).status_code

        def seat_map_latencies(until: Callable[[], bool], at_least: int) -> list[float]:
            latencies: list[float] = []
            while not until() or len(latencies) < at_least:
                started = time.perf_counter()
                requests.get(seat_map_url, timeout=TIMEOUT).raise_for_status()
                latencies.append(time.perf_counter() - started)
            return latencies

        def keep_guessing(n: int, stop: threading.Event) -> Counter[int]:
            statuses: Counter[int] = Counter()
            while not stop.is_set():
                statuses[guess(n)] += 1
            return statuses

        idle = seat_map_latencies(lambda: True, at_least=10)
        phases: dict[str, tuple[list[float], Counter[int]]] = {}
        with ThreadPoolExecutor(max_workers=16) as pool:  # one guess each: all hashed
            once = [pool.submit(guess, n) for n in range(16)]
            latencies = seat_map_latencies(lambda: all(f.done() for f in once), at_least=5)
            phases["hashing"] = (latencies, Counter(f.result() for f in once))
        stop = threading.Event()
        with ThreadPoolExecutor(max_workers=16) as pool:  # all refused before hashing
            try:
                flood = [pool.submit(keep_guessing, n, stop) for n in range(16)]
                until = time.monotonic() + 1.5
                latencies = seat_map_latencies(lambda: time.monotonic() > until, at_least=5)
            finally:
                stop.set()
            phases["limited"] = (latencies, sum((f.result() for f in flood), Counter()))

        assert phases["hashing"][1] == {401: 16}
        assert set(phases["limited"][1]) == {429}
        with capsys.disabled():
            print("\nseat map latency (ms), 4 workers x 4 threads, PBKDF2:")
            for phase, latencies, statuses in (
                ("idle", idle, Counter()),
                *((name, *phases[name]) for name in phases),
            ):
                ms = sorted(1000 * latency for latency in latencies)
                print(
                    f"  {phase:>8}: n={len(ms):3d} median={statistics.median(ms):7.1f} "
                    f"p90={ms[int(0.9 * (len(ms) - 1))]:7.1f} max={ms[-1]:7.1f}  "
                    f"guesses={dict(statuses)}"
                )


# -- the counters themselves ------------------------------------------------------------------


@pytest.fixture
def redis_counters(settings, redis_prefix) -> Iterator[redis.Redis]:
    """The ``ratelimit`` cache on the test Redis, as the deployments have it."""
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": redis_prefix,
        },
    }
    client = redis.Redis.from_url(REDIS_TEST_URL)
    yield client
    client.close()


def test_a_window_that_expires_inside_the_increment_still_ends(redis_counters, monkeypatch):
    """Django's Redis ``incr`` checks that the key exists, then increments it: if the
    window's key expires between the two, INCR makes a new key holding 1 with no expiry.
    That counter must not live for ever (refusing everyone with Retry-After: 1)."""
    rate_limit_hit(scope="login-addr", ident="10.0.0.1", rate="2/min")
    exists = redis.Redis.exists

    def exists_then_expire(self, *names):
        found = exists(self, *names)
        self.delete(*names)  # the window's time is up just now
        return found

    monkeypatch.setattr(redis.Redis, "exists", exists_then_expire)
    rate_limit_hit(scope="login-addr", ident="10.0.0.1", rate="2/min")
    monkeypatch.undo()
    for key in redis_counters.keys("*rl:login-addr:10.0.0.1"):
        assert redis_counters.ttl(key) != -1, "a counter with no expiry"
    rate_limit_hit(scope="login-addr", ident="10.0.0.1", rate="2/min")
    rate_limit_hit(scope="login-addr", ident="10.0.0.1", rate="2/min")
    with pytest.raises(RateLimited) as refused:
        rate_limit_hit(scope="login-addr", ident="10.0.0.1", rate="2/min")
    assert refused.value.retry_after > 50  # a fresh window, not one that opened in 1970


@pytest.mark.parametrize("skew", [-700, -0.5, 0.5, 700])
def test_retry_after_stays_within_the_window_whatever_this_servers_clock_says(skew, monkeypatch):
    """The window is opened by one server and refused by another, whose clock may be
    off (or which read its clock a moment before the one that opened the window)."""
    rate_limit_hit(scope="hold", ident="7", rate="1/min")
    real = time.time
    monkeypatch.setattr("bookmyshow.ratelimit.time", SimpleNamespace(time=lambda: real() + skew))
    with pytest.raises(RateLimited) as refused:
        rate_limit_hit(scope="hold", ident="7", rate="1/min")
    assert 1 <= refused.value.retry_after <= 60
