"""The Redis store: the contract on a real server, and what only Redis can get wrong:
keys in the show's slot, nothing written by a refused step, functions a restart forgot,
keys that outlive their show's last write."""

import logging
from datetime import timedelta

import pytest

from booking.errors import (
    HoldChanged,
    HoldNotActive,
    OrderNotPending,
    SalesClosed,
    SeatLimitReached,
    SeatUnavailable,
)
from booking.stores.redis import RedisBookingStore
from booking.stores.redis_functions import LIBRARY_NAME
from tests.booking.conftest import REDIS_TEST_URL
from tests.booking.store_contract import (
    SHOW,
    StoreContract,
    hold_request,
    order_request,
    seat_claim,
)
from tests.support.clock import ManualClock


@pytest.fixture
def redis_store(redis_prefix):
    return RedisBookingStore(REDIS_TEST_URL, {"KEY_PREFIX": redis_prefix})


def keyspace(store) -> dict[str, tuple]:
    """Every key of the store, with its type, value and whether it expires."""
    found = {}
    for key in store.client.scan_iter(match=f"{store.keys.prefix}:*"):
        kind = store.client.type(key)
        value = {
            "string": store.client.get,
            "hash": store.client.hgetall,
            "zset": lambda k: store.client.zrange(k, 0, -1, withscores=True),
            "set": store.client.smembers,
        }[kind](key)
        found[key] = (kind, value, store.client.pttl(key) > 0)
    return found


class TestRedisStore(StoreContract):
    @pytest.fixture
    def store(self, redis_store):
        return redis_store


@pytest.fixture
def store(redis_store):
    return redis_store


@pytest.fixture
def clock(store):
    store.clock = ManualClock()
    return store.clock


@pytest.fixture
def hold(store, clock):
    return lambda seats, **options: store.hold_create(hold_request(clock, seats, **options))


@pytest.fixture
def refused(store):
    """A refused step leaves Redis exactly as it was: the keyspace compared before and
    after."""

    def check(step, error):
        before = keyspace(store)
        with pytest.raises(error):
            step()
        assert keyspace(store) == before

    return check


def test_refused_holds_write_nothing(store, hold, refused):
    hold(["A1"], user=1, user_limit=2, client_limit=3)
    refused(lambda: hold(["A1"], user=2), SeatUnavailable)
    refused(lambda: hold(["A2", "A3"], user=1, user_limit=2), SeatLimitReached)
    refused(lambda: hold(["A4"], user=3, client_limit=1), SeatLimitReached)
    refused(lambda: hold(["A5"], user=4, close_in=timedelta(0)), SalesClosed)


def test_refused_changes_orders_payments_and_cancels_write_nothing(store, clock, hold, refused):
    held = hold(["A1"], user=1)
    hold(["A2"], user=2)
    refused(
        lambda: store.hold_change_seats(
            hold_id=held.hold_id, user_id=1, claim=seat_claim(clock, ["A2"])
        ),
        SeatUnavailable,
    )
    refused(lambda: store.order_create(order_request(clock, held, seats=("A9",))), HoldChanged)
    made = store.order_create(order_request(clock, held))
    refused(
        lambda: store.order_payment_start(
            order_id=made.order_id, user_id=1, unavailable={"A1"}, grace=timedelta(1)
        ),
        SeatUnavailable,
    )
    refused(lambda: store.hold_release(hold_id=held.hold_id, user_id=1), HoldNotActive)
    store.order_cancel(order_id=made.order_id, user_id=1)
    refused(lambda: store.order_cancel(order_id=made.order_id, user_id=1), OrderNotPending)


def test_every_key_of_a_show_carries_its_hash_tag_and_expires(store, clock, hold):
    store.order_create(order_request(clock, hold(["A1"])))
    for key, (_kind, _value, expires) in keyspace(store).items():
        name = key.removeprefix(f"{store.keys.prefix}:")
        if name in ("holds", "orders", "shows"):
            continue  # indexes that trim themselves on every write
        assert expires, key
        if name.startswith("{show:"):
            assert name.startswith(f"{{show:{SHOW}}}:"), key


def test_indexes_drop_entries_whose_records_ended_long_ago(store, clock, hold):
    old = hold(["A1"])
    clock.advance(days=3)  # its record expired a day ago: its index entry may go now
    hold(["A2"], hold_id="5b8a6c0e-aaaa-4000-8000-000000000001")  # one write in 16 trims
    assert len(store.client.zrange(store.keys.index("hold"), 0, -1)) == 2
    hold(["A3"], hold_id="5b8a6c0e-aaaa-4000-8000-000000000010")  # this one does
    members = store.client.zrange(store.keys.index("hold"), 0, -1)
    assert len(members) == 2
    assert old.hold_id not in " ".join(members)


def test_functions_a_restarted_redis_forgot_are_loaded_again(store, hold):
    store.client.function_delete(LIBRARY_NAME)
    held = hold(["A1"])
    store.client.function_delete(LIBRARY_NAME)
    assert store.hold_get(held.hold_id).seat_ids == ("A1",)


def test_holds_renew_the_lifetime_of_the_show_keys_once_an_hour(store, clock, hold):
    show = store.keys.show(SHOW)
    show_keys = (show.claims, show.versions, show.counts)
    hold(["A1"])
    lifetime = store.client.pttl(show.claims)
    assert lifetime > timedelta(days=7).total_seconds() * 1000
    for key in show_keys:
        store.client.pexpire(key, 60_000)
    clock.advance(minutes=59)
    hold(["A2"], user=2)
    assert all(store.client.pttl(key) <= 60_000 for key in show_keys)
    clock.advance(minutes=2)
    hold(["A3"], user=3)
    assert all(store.client.pttl(key) > lifetime - 60_000 for key in show_keys)


def test_an_evicting_redis_is_reported_at_start_up(store, caplog, redis_prefix):
    store.client.config_set("maxmemory-policy", "volatile-lru")
    try:
        with caplog.at_level(logging.ERROR):
            RedisBookingStore(REDIS_TEST_URL, {"KEY_PREFIX": redis_prefix})
    finally:
        store.client.config_set("maxmemory-policy", "noeviction")
    assert "maxmemory-policy is volatile-lru" in caplog.text
