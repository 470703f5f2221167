import os
import uuid

import pytest

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


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


@pytest.fixture(params=["memory", "redis"])
def booking_backend(request, settings):
    """Runs a test once per booking store: the process-local one and a real Redis."""
    from booking.stores import get_store

    if request.param == "redis":
        settings.BOOKING_STORE_KEY_PREFIX = request.getfixturevalue("redis_prefix")
        settings.BOOKING_STORE_URL = REDIS_TEST_URL
    get_store.cache_clear()
    yield request.param
    get_store.cache_clear()


@pytest.fixture
def restart_store(booking_backend, settings):
    """Simulates losing all live booking state: a new process for the memory store, a
    Redis restart without persistence for the Redis store."""
    from booking.stores import get_store

    def restart() -> None:
        if booking_backend == "redis":
            client = redis_test_client()
            keys = list(client.scan_iter(match=f"{settings.BOOKING_STORE_KEY_PREFIX}:*"))
            if keys:
                client.delete(*keys)
        get_store.cache_clear()

    return restart
