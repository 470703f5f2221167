"""The Redis store when Redis is unreachable or fails mid-operation."""

import time

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from booking import services
from booking.errors import StoreUnavailable
from booking.stores import get_store
from tests.booking.tcp_proxy import BreakableProxy

HOLD = {"seatIds": ["B1", "B2"], "quantity": 2}


@pytest.fixture
def proxy(settings, redis_prefix):
    proxy = BreakableProxy(("127.0.0.1", 6379))
    settings.BOOKING_STORE_KEY_PREFIX = redis_prefix
    settings.BOOKING_STORE_URL = proxy.url
    get_store.cache_clear()
    yield proxy
    proxy.close()
    get_store.cache_clear()


@pytest.fixture
def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_unreachable_redis_is_a_quick_503_with_retry_after(api, show, proxy):
    proxy.set_mode("refuse")
    started = time.monotonic()
    response = api.post("/api/v1/holds", {"showId": str(show.id), **HOLD}, format="json")
    # A bound against hanging, far above the configured sub-second socket timeouts.
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["error"]["code"] == "STORE_UNAVAILABLE"
    seat_map = APIClient().get(f"/api/v1/shows/{show.id}/seatmap")
    assert seat_map.json()["error"]["code"] == "STORE_UNAVAILABLE"


def test_unreachable_redis_is_a_friendly_page(client, show, proxy):
    proxy.set_mode("refuse")
    response = client.get(f"/shows/{show.id}/seats/")
    assert response.status_code == 503
    assert "Booking is briefly unavailable. Please try again in a few seconds." in (
        response.content.decode()
    )


def test_the_store_recovers_when_redis_comes_back_without_a_restart(api, show, proxy):
    proxy.set_mode("refuse")
    failed = api.post("/api/v1/holds", {"showId": str(show.id), **HOLD}, format="json")
    assert failed.status_code == 503
    proxy.set_mode("forward")
    response = api.post("/api/v1/holds", {"showId": str(show.id), **HOLD}, format="json")
    assert response.status_code == 201


def test_a_reply_lost_mid_operation_leaves_all_or_nothing(user, show, proxy, redis_prefix):
    proxy.set_mode("swallow")
    with pytest.raises(StoreUnavailable):
        services.hold_create(
            user_id=user.id, show_id=str(show.id), seat_ids=["B1", "B2", "B3"], now=timezone.now()
        )
    proxy.set_mode("forward")
    claims = get_store().show_claims(show_id=str(show.id), now=timezone.now())
    # The script either ran completely (all three seats held) or not at all.
    assert claims.held in (frozenset(), frozenset({"B1", "B2", "B3"}))
    holds = get_store().holds_list()
    assert [set(h.seat_ids) for h in holds] == ([{"B1", "B2", "B3"}] if claims.held else [])


def test_scripts_forgotten_by_a_restarted_redis_are_loaded_again(
    user, show, settings, redis_prefix
):
    settings.BOOKING_STORE_KEY_PREFIX = redis_prefix
    settings.BOOKING_STORE_URL = "redis://127.0.0.1:6379/15"
    get_store.cache_clear()
    get_store().client.script_flush()
    hold = services.hold_create(
        user_id=user.id, show_id=str(show.id), seat_ids=["B1"], now=timezone.now()
    )
    assert get_store().hold_get(hold_id=hold.hold_id) == hold
    [prime] = get_store().queue_stats()
    assert (prime.waiting, prime.processed, prime.rejected) == (0, 1, 0)
