"""Random sequences of store operations and time steps, checked against a reference model,
on every backend.

Invariants: a seat is in at most one live claim; a recorded sale stays sold; the store's
held and sold seats are the model's; amounts add up; statuses only move along allowed
transitions; and the store agrees with the model on every outcome.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from booking.domain import HoldStatus, OrderStatus, Sale
from booking.errors import (
    BookingError,
    OrderNotPending,
    PaymentInProgress,
    SeatLimitReached,
    SeatUnavailable,
)
from booking.stores.memory import MemoryBookingStore
from booking.stores.redis import RedisBookingStore, RedisClusterBookingStore
from tests.booking.conftest import REDIS_TEST_URL
from tests.booking.store_contract import (
    GRACE,
    HOLD_TTL,
    ORDER_TTL,
    PRICE,
    SHOW,
    hold_request,
    order_request,
)
from tests.support.clock import ManualClock

SEATS = [f"A{n}" for n in range(1, 9)]
SEAT_LIMIT = 4

HOLD_MOVES = {
    HoldStatus.HELD: set(HoldStatus),
    HoldStatus.EXPIRED: {HoldStatus.EXPIRED},
    HoldStatus.RELEASED: {HoldStatus.RELEASED},
    HoldStatus.CONVERTED: {HoldStatus.CONVERTED},
}
ORDER_MOVES = {
    OrderStatus.PAYMENT_PENDING: set(OrderStatus),
    OrderStatus.EXPIRED: {OrderStatus.EXPIRED, OrderStatus.CONFIRMED, OrderStatus.CANCELLED},
    OrderStatus.CANCELLED: {OrderStatus.CANCELLED},
    OrderStatus.CONFIRMED: {OrderStatus.CONFIRMED},
}


@dataclass
class ModelClaim:
    user: int
    seats: tuple[str, ...]
    status: str
    until: datetime
    paying: bool = False

    def live(self, now: datetime) -> bool:
        return self.status in ("HELD", "PAYMENT_PENDING") and now < self.until


class StoreMachine(RuleBasedStateMachine):
    holds = Bundle("holds")
    orders = Bundle("orders")

    def __init__(self, store):
        super().__init__()
        self.store = store
        self.clock = ManualClock()
        store.clock = self.clock
        self.model_holds: dict[str, ModelClaim] = {}
        self.model_orders: dict[str, ModelClaim] = {}
        self.store_holds = {}
        self.sold: set[str] = set()
        self.seen_hold_status: dict[str, HoldStatus] = {}
        self.seen_order_status: dict[str, OrderStatus] = {}

    @property
    def now(self) -> datetime:
        return self.clock.now

    def _live(self):
        for claim in (*self.model_holds.values(), *self.model_orders.values()):
            if claim.live(self.now):
                yield claim

    def _taken(self) -> set[str]:
        return self.sold | {seat for claim in self._live() for seat in claim.seats}

    # -- rules --------------------------------------------------------------------------

    @rule(
        target=holds,
        user=st.integers(1, 2),
        seats=st.lists(st.sampled_from(SEATS), min_size=1, max_size=3, unique=True),
    )
    def create_hold(self, user, seats):
        conflict = set(seats) & self._taken()
        users_seats = sum(len(c.seats) for c in self._live() if c.user == user)
        request = hold_request(self.clock, seats, user=user, user_limit=SEAT_LIMIT)
        try:
            held = self.store.hold_create(request)
        except SeatUnavailable as error:
            assert set(error.seat_ids) == conflict
            return multiple()
        except SeatLimitReached:
            assert not conflict
            assert users_seats + len(seats) > SEAT_LIMIT
            return multiple()
        assert not conflict
        assert users_seats + len(seats) <= SEAT_LIMIT
        assert held.expires_at == self.now + HOLD_TTL
        self.model_holds[held.hold_id] = ModelClaim(user, tuple(seats), "HELD", held.expires_at)
        self.store_holds[held.hold_id] = held
        return held.hold_id

    @rule(hold_id=holds)
    def release(self, hold_id):
        claim = self.model_holds[hold_id]
        active = claim.live(self.now)
        try:
            self.store.hold_release(hold_id=hold_id, user_id=None)
        except BookingError:
            assert not active
            return
        assert active
        claim.status = "RELEASED"

    @rule(target=orders, hold_id=holds)
    def make_order(self, hold_id):
        claim = self.model_holds[hold_id]
        active = claim.live(self.now)
        try:
            made = self.store.order_create(order_request(self.clock, self.store_holds[hold_id]))
        except BookingError:
            assert not active
            return multiple()
        assert active
        assert made.expires_at == self.now + ORDER_TTL
        claim.status = "CONVERTED"
        self.model_orders[made.order_id] = ModelClaim(
            claim.user, claim.seats, "PAYMENT_PENDING", made.expires_at
        )
        return made.order_id

    @rule(order_id=orders)
    def cancel(self, order_id):
        claim = self.model_orders[order_id]
        pending = claim.live(self.now)
        try:
            self.store.order_cancel(order_id=order_id, user_id=None)
        except PaymentInProgress:
            assert pending
            assert claim.paying
            return
        except BookingError:
            assert not pending
            return
        assert pending
        assert not claim.paying
        claim.status = "CANCELLED"

    @rule(order_id=orders)
    def start_payment(self, order_id):
        claim = self.model_orders[order_id]
        pending = claim.live(self.now)
        try:
            paying = self.store.order_payment_start(
                order_id=order_id, user_id=claim.user, unavailable=(), grace=GRACE
            )
        except BookingError:
            assert not pending
            return
        assert pending
        if not claim.paying:
            claim.paying = True
            claim.until = max(claim.until, self.now + GRACE)
        assert paying.payment_in_progress

    @rule(order_id=orders)
    def start_payment_late(self, order_id):
        """Payment reaching the store in the last seconds of its window."""
        last_moment = self.model_orders[order_id].until - timedelta(seconds=10)
        if last_moment > self.now:
            self.clock.set(last_moment)
        self.start_payment(order_id)

    @rule(order_id=orders, committed=st.booleans())
    def finish_payment(self, order_id, committed):
        """The database committed the sale (the store records it), or refused it (a seat
        was sold elsewhere: the order fails)."""
        claim = self.model_orders[order_id]
        if not claim.paying or not claim.live(self.now):
            return  # the system records sales only of payments it started, in time
        if committed:
            self.store.sale_record(Sale(order_id, claim.user, SHOW, claim.seats))
            claim.status = "CONFIRMED"
            self.sold |= set(claim.seats)
            return
        try:
            self.store.order_payment_fail(order_id=order_id)
        except OrderNotPending:
            pytest.fail("a payment in progress could not fail")
        claim.status = "CANCELLED"

    # Steps that land on and around every boundary: the grace, the payment window, a hold.
    @rule(seconds=st.sampled_from([1, 60, 119, 120, 121, 181, 240, 299, 300, 599, 600]))
    def advance_time(self, seconds):
        self.clock.advance(seconds=seconds)

    # -- invariants ---------------------------------------------------------------------

    @invariant()
    def no_seat_has_two_live_owners(self):
        owners = [
            seat for hold in self.store.holds_list() if hold.is_active for seat in hold.seat_ids
        ]
        owners += [
            seat
            for order in self.store.orders_list()
            if order.status in (OrderStatus.PAYMENT_PENDING, OrderStatus.CONFIRMED)
            for seat in order.seat_ids
        ]
        assert len(owners) == len(set(owners))

    @invariant()
    def store_claims_agree_with_the_model(self):
        claims = self.store.show_claims(SHOW)
        assert claims.sold == self.sold  # sold seats stay sold: the model never unsells
        assert claims.held == {seat for claim in self._live() for seat in claim.seats}
        assert not claims.held & claims.sold
        free = set(SEATS) - claims.held - claims.sold
        assert len(free) + len(claims.held) + len(claims.sold) == len(SEATS)

    @invariant()
    def amounts_add_up(self):
        for hold in self.store.holds_list():
            assert hold.amount == PRICE * len(hold.seat_ids)
        for order in self.store.orders_list():
            assert order.amount == order.tickets_amount + order.convenience_fee
            assert order.tickets_amount == PRICE * len(order.seat_ids)

    @invariant()
    def statuses_move_only_along_allowed_transitions(self):
        for hold in self.store.holds_list():
            before = self.seen_hold_status.get(hold.hold_id, HoldStatus.HELD)
            assert hold.status in HOLD_MOVES[before], (before, hold.status)
            self.seen_hold_status[hold.hold_id] = hold.status
        for order in self.store.orders_list():
            before = self.seen_order_status.get(order.order_id, OrderStatus.PAYMENT_PENDING)
            assert order.status in ORDER_MOVES[before], (before, order.status)
            self.seen_order_status[order.order_id] = order.status


MODEL_SETTINGS = hypothesis_settings(max_examples=200, stateful_step_count=30, deadline=None)


def empty(store) -> None:
    """Delete every key of a Redis store's prefix, on every node."""
    nodes = {"target_nodes": store.client.PRIMARIES} if hasattr(store.client, "PRIMARIES") else {}
    keys = list(store.client.scan_iter(match=f"{store.keys.prefix}:*", **nodes))
    for key in keys:
        store.client.delete(key)


@pytest.mark.parametrize("backend", ["memory", "redis", "redis-cluster"])
def test_the_store_agrees_with_the_model(backend, request):
    stores = []

    def make_store():
        prefix = f"bms-model-{uuid.uuid4().hex[:12]}"
        if backend == "memory":
            return MemoryBookingStore()
        if backend == "redis":
            store = RedisBookingStore(REDIS_TEST_URL, {"KEY_PREFIX": prefix})
        else:
            url = request.getfixturevalue("redis_cluster_url")
            store = RedisClusterBookingStore(url, {"KEY_PREFIX": prefix})
        stores.append(store)
        return store

    try:
        run_state_machine_as_test(lambda: StoreMachine(make_store()), settings=MODEL_SETTINGS)
    finally:
        for store in stores:
            empty(store)
