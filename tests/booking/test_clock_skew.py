"""One clock for every app server: on Redis, expiry and the sales window are judged on
the Redis server's ``TIME``, so two app servers whose clocks differ by minutes agree on
every hold (simulated by moving this process's clock between requests)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from booking.stores import get_store
from booking.stores.records import from_us
from tests.booking.conftest import REDIS_TEST_URL

SKEW = timedelta(seconds=700)


@pytest.fixture(params=["fast", "slow"])
def skewed(request, monkeypatch):
    """Makes this process an app server whose clock is 700 s fast or slow."""
    real_now = timezone.now
    sign = 1 if request.param == "fast" else -1

    def server_b() -> None:
        monkeypatch.setattr(timezone, "now", lambda: real_now() + sign * SKEW)

    return server_b


@pytest.fixture
def redis_store(settings, redis_prefix):
    settings.BOOKING_STORE = {
        "BACKEND": "booking.stores.redis.RedisBookingStore",
        "LOCATION": REDIS_TEST_URL,
        "OPTIONS": {"KEY_PREFIX": redis_prefix},
    }
    get_store.cache_clear()
    yield get_store()
    get_store.cache_clear()


def api_as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def redis_now(store):
    seconds, micros = store.client.time()
    return from_us(seconds * 1_000_000 + micros)


def test_two_app_servers_with_clocks_minutes_apart_agree_on_a_hold(
    redis_store, skewed, user, other_user, show
):
    body = {"showId": str(show.id), "seatIds": ["B1"], "quantity": 1}
    held = api_as(user).post("/api/v1/holds", body, format="json").json()
    skewed()  # every request from here on is served by server B
    on_b = api_as(user).get(f"/api/v1/holds/{held['holdId']}").json()
    assert (on_b["status"], on_b["expiresAt"]) == ("HELD", held["expiresAt"])
    rival = api_as(other_user).post("/api/v1/holds", body, format="json")
    assert rival.status_code == 409
    assert rival.json()["error"]["code"] == "SEAT_UNAVAILABLE"
    # A hold made on server B lasts as long, by the one clock, as one made on A.
    other = api_as(other_user).post("/api/v1/holds", {**body, "seatIds": ["B2"]}, format="json")
    expires = timezone.datetime.fromisoformat(other.json()["expiresAt"])
    assert abs(expires - (redis_now(redis_store) + timedelta(seconds=600))) < timedelta(seconds=2)
