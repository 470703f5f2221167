"""The Redis store's keys: tagged by show, expiring, and indexes that trim themselves."""

from datetime import timedelta

import pytest
from django.utils import timezone

from booking import services
from booking.domain import Customer
from booking.stores import get_store

pytestmark = pytest.mark.usefixtures("redis_store")
INDEXES = {"holds", "orders", "queues"}


@pytest.fixture
def redis_store(settings, redis_prefix):
    settings.BOOKING_STORE_KEY_PREFIX = redis_prefix
    settings.BOOKING_STORE_URL = "redis://127.0.0.1:6379/15"
    get_store.cache_clear()
    yield get_store()
    get_store.cache_clear()


def keys(store):
    return list(store.client.scan_iter(match=f"{store.prefix}:*"))


def test_every_key_expires_or_is_a_self_trimming_index(redis_store, user, show):
    now = timezone.now()
    hold = services.hold_create(user_id=user.id, show_id=str(show.id), seat_ids=["B1"], now=now)
    order = services.order_create(
        user_id=user.id,
        hold_id=hold.hold_id,
        now=now,
        customer=Customer(name="A", email="a@example.com", phone="9876543210"),
    )
    services.order_confirm_payment(
        user_id=user.id, order_id=order.order_id, idempotency_key=None, now=now
    )
    written = keys(redis_store)
    assert any(f"{{show:{show.id}}}:claims" in key for key in written)
    for key in written:
        name = key.removeprefix(f"{redis_store.prefix}:")
        if name in INDEXES:
            continue
        assert redis_store.client.pttl(key) > 0, key
        if name.startswith("{show:"):
            assert name.startswith(f"{{show:{show.id}}}:"), key


def test_indexes_drop_entries_whose_records_have_expired(redis_store, user, show):
    long_ago = timezone.now() - timedelta(days=3)
    old = services.hold_create(user_id=user.id, show_id=str(show.id), seat_ids=["B1"], now=long_ago)
    services.hold_create(user_id=user.id, show_id=str(show.id), seat_ids=["B2"], now=timezone.now())
    members = redis_store.client.zrange(f"{redis_store.prefix}:holds", 0, -1)
    assert len(members) == 1
    assert old.hold_id not in members[0]
