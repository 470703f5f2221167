"""The Redis store on a real three-master Redis Cluster: the whole contract, each show on
one slot, and indexes written only after a step succeeded."""

import pytest
from redis.cluster import key_slot

from booking.errors import SeatUnavailable
from booking.stores.redis import RedisClusterBookingStore
from tests.booking.store_contract import SHOW, StoreContract, hold_request, order_request
from tests.support.clock import ManualClock


@pytest.fixture
def cluster_store(redis_cluster_url, redis_cluster_client):
    return RedisClusterBookingStore(redis_cluster_url, {"KEY_PREFIX": "bms-test"})


class TestRedisClusterStore(StoreContract):
    @pytest.fixture
    def store(self, cluster_store):
        return cluster_store


def all_keys(client) -> set[str]:
    return set(client.scan_iter(match="bms-test:*", target_nodes=client.PRIMARIES))


def test_every_key_of_a_show_lives_in_its_slot(cluster_store, redis_cluster_client):
    clock = ManualClock()
    held = cluster_store.hold_create(hold_request(clock, ["A1", "A2"]))
    cluster_store.order_create(order_request(clock, held))
    slot = key_slot(f"{{show:{SHOW}}}".encode())
    show_keys = {key for key in all_keys(redis_cluster_client) if "{show:" in key}
    assert len(show_keys) == 5  # claims, versions, counts, hold, order
    assert {key_slot(key.encode()) for key in show_keys} == {slot}


def test_a_refused_hold_writes_no_index_either(cluster_store, redis_cluster_client):
    clock = ManualClock()
    cluster_store.hold_create(hold_request(clock, ["A1"], user=1))
    before = all_keys(redis_cluster_client)
    with pytest.raises(SeatUnavailable):
        cluster_store.hold_create(hold_request(clock, ["A1"], user=2))
    assert all_keys(redis_cluster_client) == before
