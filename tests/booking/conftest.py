import os
import uuid

import pytest
from rest_framework.test import APIClient

from tests.support.clock import ManualClock

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
BACKENDS = {
    "memory": "booking.stores.memory.MemoryBookingStore",
    "redis": "booking.stores.redis.RedisBookingStore",
    "redis-cluster": "booking.stores.redis.RedisClusterBookingStore",
}


def redis_test_client():
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL, decode_responses=True, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail(
            f"No Redis answers at {REDIS_TEST_URL}: start one (.ci/run does) or set REDIS_TEST_URL."
        )
    return client


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own on the test Redis database; its keys are deleted
    afterwards."""
    prefix = f"bms-test-{uuid.uuid4().hex[:12]}"
    client = redis_test_client()
    yield prefix
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


def store_setting(request: pytest.FixtureRequest, backend: str) -> dict:
    """``BOOKING_STORE`` for a backend, on a scratch Redis prefix or the session's cluster
    (emptied after the test)."""
    if backend == "memory":
        return {"BACKEND": BACKENDS[backend], "LOCATION": "memory://", "OPTIONS": {}}
    if backend == "redis":
        location = REDIS_TEST_URL
        prefix = request.getfixturevalue("redis_prefix")
    else:
        request.getfixturevalue("redis_cluster_client")  # flushes the cluster afterwards
        location = request.getfixturevalue("redis_cluster_url")
        prefix = "bms-test"
    return {"BACKEND": BACKENDS[backend], "LOCATION": location, "OPTIONS": {"KEY_PREFIX": prefix}}


@pytest.fixture(params=["memory", "redis", "redis-cluster"])
def booking_backend(request, settings):
    """Runs a test once per booking store: the process-local one, a real Redis and a real
    three-master Redis Cluster."""
    from booking.stores import get_store

    settings.BOOKING_STORE = store_setting(request, request.param)
    get_store.cache_clear()
    yield request.param
    get_store.cache_clear()


@pytest.fixture
def clock(booking_backend):
    """The store's clock, moved by hand (it starts at the real time, to the second)."""
    from booking.stores import get_store

    manual = ManualClock()
    get_store().clock = manual
    return manual


@pytest.fixture
def restart_store(booking_backend, settings):
    """Simulates losing all live booking state: a new process for the memory store, a
    Redis restart without persistence for the Redis stores."""
    from booking.stores import get_store

    def restart() -> None:
        store = get_store()
        if booking_backend == "redis":
            keys = list(store.client.scan_iter(match=f"{store.keys.prefix}:*"))
            if keys:
                store.client.delete(*keys)
        elif booking_backend == "redis-cluster":
            store.client.flushall()
        clock = store.clock
        get_store.cache_clear()
        get_store().clock = clock

    return restart


@pytest.fixture
def api(user):
    """The JSON API as ``user`` (signed in; no token, no CSRF)."""
    client = APIClient()
    client.force_authenticate(user)
    return client
