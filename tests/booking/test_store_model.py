"""Random sequences of store operations and time steps, checked against a reference model.

Invariants: a seat is in at most one live claim; a sold seat stays sold; amounts add up;
statuses only move along allowed transitions; and the store agrees with the model on
every outcome.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

from booking.domain import Customer, Hold, HoldStatus, Order, OrderStatus, ShowSnapshot
from booking.errors import BookingError, SeatLimitReached, SeatUnavailable
from booking.stores.memory import MemoryBookingStore
from booking.stores.redis import RedisBookingStore
from tests.booking.conftest import redis_test_client

SHOW = "show-1"
SEATS = [f"A{n}" for n in range(1, 7)]
PRICE = Decimal("100.00")
SEAT_LIMIT = 4
HOLD_TTL = timedelta(seconds=600)
ORDER_TTL = timedelta(seconds=300)
PARTITIONS = [(SHOW, "CLASSIC")]
START = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SNAPSHOT = ShowSnapshot(
    show_id=SHOW,
    movie_id="m",
    movie_title="M",
    theatre_id="t",
    theatre_name="T",
    screen_name="S",
    start_time=START + timedelta(days=1),
)
CUSTOMER = Customer(name="A", email="a@example.com", phone="9876543210")

HOLD_MOVES = {
    HoldStatus.HELD: {
        HoldStatus.HELD,
        HoldStatus.EXPIRED,
        HoldStatus.RELEASED,
        HoldStatus.CONVERTED,
    },
    HoldStatus.EXPIRED: {HoldStatus.EXPIRED},
    HoldStatus.RELEASED: {HoldStatus.RELEASED},
    HoldStatus.CONVERTED: {HoldStatus.CONVERTED},
}
ORDER_MOVES = {
    OrderStatus.PAYMENT_PENDING: set(OrderStatus),
    OrderStatus.EXPIRED: {OrderStatus.EXPIRED},
    OrderStatus.CANCELLED: {OrderStatus.CANCELLED},
    OrderStatus.CONFIRMED: {OrderStatus.CONFIRMED},
}


@dataclass
class ModelClaim:
    user: int
    seats: tuple[str, ...]
    status: str
    expires_at: datetime


class StoreMachine(RuleBasedStateMachine):
    holds = Bundle("holds")
    orders = Bundle("orders")

    def __init__(self):
        super().__init__()
        self.store = self.make_store()
        self.now = START
        self.model_holds: dict[str, ModelClaim] = {}
        self.model_orders: dict[str, ModelClaim] = {}
        self.sold: set[str] = set()
        self.seen_hold_status: dict[str, HoldStatus] = {}
        self.seen_order_status: dict[str, OrderStatus] = {}
        self.counter = 0

    def make_store(self):
        return MemoryBookingStore()

    # -- the model ----------------------------------------------------------------------

    def _live(self):
        for claim in self.model_holds.values():
            if claim.status == "HELD" and self.now < claim.expires_at:
                yield claim
        for claim in self.model_orders.values():
            if claim.status == "PAYMENT_PENDING" and self.now < claim.expires_at:
                yield claim

    def _taken(self) -> set[str]:
        return self.sold | {seat for claim in self._live() for seat in claim.seats}

    def _next_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-{self.counter}"

    # -- rules --------------------------------------------------------------------------

    @rule(
        target=holds,
        user=st.integers(1, 3),
        seats=st.lists(st.sampled_from(SEATS), min_size=1, max_size=3, unique=True),
    )
    def create_hold(self, user, seats):
        hold = Hold(
            hold_id=self._next_id("h"),
            user_id=user,
            show_id=SHOW,
            seat_ids=tuple(seats),
            status=HoldStatus.HELD,
            created_at=self.now,
            expires_at=self.now + HOLD_TTL,
            amount=PRICE * len(seats),
        )
        conflict = set(seats) & self._taken()
        users_seats = sum(len(c.seats) for c in self._live() if c.user == user)
        try:
            self.store.hold_create(
                hold=hold,
                partitions=PARTITIONS,
                unavailable=(),
                seat_limit=SEAT_LIMIT,
                now=self.now,
            )
        except SeatUnavailable as error:
            assert set(error.seat_ids) == conflict
            return hold.hold_id
        except SeatLimitReached:
            assert not conflict
            assert users_seats + len(seats) > SEAT_LIMIT
            return hold.hold_id
        assert not conflict
        assert users_seats + len(seats) <= SEAT_LIMIT
        self.model_holds[hold.hold_id] = ModelClaim(user, tuple(seats), "HELD", hold.expires_at)
        return hold.hold_id

    @rule(hold_id=holds)
    def release(self, hold_id):
        claim = self.model_holds.get(hold_id)
        active = claim and claim.status == "HELD" and self.now < claim.expires_at
        try:
            self.store.hold_release(
                show_id=SHOW, hold_id=hold_id, partitions=PARTITIONS, now=self.now
            )
        except BookingError:
            assert not active
            return
        assert active
        claim.status = "RELEASED"

    @rule(target=orders, hold_id=holds)
    def make_order(self, hold_id):
        claim = self.model_holds.get(hold_id)
        active = claim and claim.status == "HELD" and self.now < claim.expires_at
        order = Order(
            order_id=self._next_id("o"),
            hold_id=hold_id,
            user_id=claim.user if claim else 0,
            show=SNAPSHOT,
            seat_ids=claim.seats if claim else ("A1",),
            status=OrderStatus.PAYMENT_PENDING,
            created_at=self.now,
            expires_at=self.now + ORDER_TTL,
            tickets_amount=PRICE * len(claim.seats if claim else "x"),
            convenience_fee=Decimal(0),
            customer=CUSTOMER,
        )
        try:
            self.store.order_create(order=order, partitions=PARTITIONS, now=self.now)
        except BookingError:
            assert not active
            return order.order_id
        assert active
        claim.status = "CONVERTED"
        self.model_orders[order.order_id] = ModelClaim(
            claim.user, claim.seats, "PAYMENT_PENDING", order.expires_at
        )
        return order.order_id

    @rule(order_id=orders, pay=st.booleans())
    def finish_order(self, order_id, pay):
        claim = self.model_orders.get(order_id)
        pending = claim and claim.status == "PAYMENT_PENDING" and self.now < claim.expires_at
        try:
            if pay:
                self.store.order_confirm(
                    show_id=SHOW,
                    order_id=order_id,
                    ticket_code="BMS-TEST01",
                    idempotency_key=None,
                    partitions=PARTITIONS,
                    now=self.now,
                )
            else:
                self.store.order_cancel(
                    show_id=SHOW, order_id=order_id, partitions=PARTITIONS, now=self.now
                )
        except BookingError:
            assert not pending
            return
        assert pending
        claim.status = "CONFIRMED" if pay else "CANCELLED"
        if pay:
            self.sold |= set(claim.seats)

    @rule(seconds=st.sampled_from([0, 1, 59, 299, 300, 301, 599, 600]))
    def advance_time(self, seconds):
        self.now += timedelta(seconds=seconds)

    # -- invariants ---------------------------------------------------------------------

    @invariant()
    def no_seat_has_two_live_owners(self):
        owners = [
            seat
            for hold in self.store.holds_list()
            if hold.is_active(self.now)
            for seat in hold.seat_ids
        ]
        owners += [
            seat
            for order in self.store.orders_list()
            if order.status_at(self.now) in (OrderStatus.PAYMENT_PENDING, OrderStatus.CONFIRMED)
            for seat in order.seat_ids
        ]
        assert len(owners) == len(set(owners))

    @invariant()
    def store_claims_agree_with_the_model(self):
        claims = self.store.show_claims(show_id=SHOW, now=self.now)
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
            status = hold.status_at(self.now)
            before = self.seen_hold_status.get(hold.hold_id, HoldStatus.HELD)
            assert status in HOLD_MOVES[before], (before, status)
            self.seen_hold_status[hold.hold_id] = status
        for order in self.store.orders_list():
            status = order.status_at(self.now)
            before = self.seen_order_status.get(order.order_id, OrderStatus.PAYMENT_PENDING)
            assert status in ORDER_MOVES[before], (before, status)
            self.seen_order_status[order.order_id] = status


class RedisStoreMachine(StoreMachine):
    """The same machine on a real Redis, under a key prefix of its own."""

    def make_store(self):
        self.prefix = f"bms-test-{uuid.uuid4().hex[:12]}"
        return RedisBookingStore(redis_test_client(), prefix=self.prefix)

    def teardown(self):
        keys = list(self.store.client.scan_iter(match=f"{self.prefix}:*"))
        if keys:
            self.store.client.delete(*keys)


MODEL_SETTINGS = hypothesis_settings(max_examples=150, stateful_step_count=40, deadline=None)
StoreMachine.TestCase.settings = MODEL_SETTINGS
RedisStoreMachine.TestCase.settings = MODEL_SETTINGS
TestMemoryStoreAgainstModel = StoreMachine.TestCase
TestRedisStoreAgainstModel = RedisStoreMachine.TestCase
