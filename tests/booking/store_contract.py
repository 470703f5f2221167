"""The booking store's contract, as a mixin: a backend's test module subclasses
``StoreContract`` and provides a ``store`` fixture (Django's ``BaseCacheTests`` is the
model). Time is the store's own clock, moved by hand."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest

from booking.domain import (
    Customer,
    HoldStatus,
    OrderStatus,
    Sale,
    ShowSnapshot,
)
from booking.errors import (
    DuplicateRequest,
    HoldChanged,
    HoldNotActive,
    HoldNotFound,
    IdempotencyKeyReused,
    NotYours,
    OrderNotFound,
    OrderNotPending,
    PaymentInProgress,
    SalesClosed,
    SeatLimitReached,
    SeatUnavailable,
)
from booking.stores.base import HoldRequest, OrderRequest, SeatClaim
from tests.support.clock import ManualClock

SHOW = "5b8a6c0e-1111-4000-8000-000000000001"
OTHER_SHOW = "5b8a6c0e-2222-4000-8000-000000000002"
PRICE = Decimal("100.00")
HOLD_TTL = timedelta(minutes=10)
ORDER_TTL = timedelta(minutes=5)
GRACE = timedelta(minutes=2)
CUSTOMER = Customer(name="Asha Rao", email="asha@example.com", phone="9876543210")


def new_id() -> str:
    return str(uuid.uuid4())


def seat_claim(clock, seats, *, unavailable=(), close_in=timedelta(days=1), **limits):
    return SeatClaim(
        seat_ids=tuple(seats),
        tiers=tuple("PRIME" if seat.startswith("B") else "CLASSIC" for seat in seats),
        amount=PRICE * len(seats),
        unavailable=frozenset(unavailable),
        sales_close_at=clock.now + close_in,
        user_limit=limits.get("user_limit", 10),
        client_limit=limits.get("client_limit", 20),
    )


def hold_request(
    clock,
    seats=("A1",),
    *,
    user=1,
    client="10.0.0.1",
    hold_id=None,
    show=SHOW,
    fingerprint="",
    **claim_options,
):
    return HoldRequest(
        hold_id=hold_id or new_id(),
        user_id=user,
        client=client,
        show_id=show,
        claim=seat_claim(clock, seats, **claim_options),
        ttl=HOLD_TTL,
        fingerprint=fingerprint,
    )


def order_request(clock, held, *, order_id=None, unavailable=(), starts_in=None, **extra):
    start = clock.now + (timedelta(days=1) if starts_in is None else starts_in)
    return OrderRequest(
        order_id=order_id or new_id(),
        hold_id=held.hold_id,
        user_id=extra.get("user", held.user_id),
        show=ShowSnapshot(
            show_id=held.show_id,
            movie_id="m",
            movie_title="Monsoon Express",
            theatre_id="t",
            theatre_name="PVR",
            screen_name="Audi 1",
            start_time=start,
        ),
        seat_ids=extra.get("seats", held.seat_ids),
        tickets_amount=PRICE * len(held.seat_ids),
        convenience_fee=Decimal(0),
        customer=CUSTOMER,
        ttl=ORDER_TTL,
        unavailable=frozenset(unavailable),
        sales_close_at=start,
        fingerprint=extra.get("fingerprint", ""),
    )


def claims(store, show=SHOW):
    found = store.show_claims(show)
    return found.held, found.sold


class StoreContract:
    @pytest.fixture
    def clock(self, store):
        clock = ManualClock()
        store.clock = clock
        return clock

    # -- builders -----------------------------------------------------------------------

    @pytest.fixture
    def hold(self, store, clock):
        """Make a hold: ``hold(["A1", "A2"], user=1, ...)``."""

        def make(seats=("A1",), **options):
            return store.hold_create(hold_request(clock, seats, **options))

        return make

    @pytest.fixture
    def order(self, store, clock, hold):
        def make(seats=("A1",), *, user=1, client="10.0.0.1", **options):
            held = hold(seats, user=user, client=client)
            return store.order_create(order_request(clock, held, **options))

        return make

    # -- holds --------------------------------------------------------------------------

    def test_a_hold_claims_its_seats_until_its_expiry_on_the_store_clock(self, store, clock, hold):
        held = hold(["A1", "A2"])
        assert held.status is HoldStatus.HELD
        assert (held.created_at, held.expires_at) == (clock.now, clock.now + HOLD_TTL)
        assert held.amount == Decimal("200.00")
        assert claims(store) == ({"A1", "A2"}, set())

    def test_a_hold_expires_at_exactly_its_expiry_and_frees_its_seats(self, store, clock, hold):
        held = hold(["A1"])
        clock.set(held.expires_at - timedelta(microseconds=1))
        assert store.hold_get(held.hold_id).status is HoldStatus.HELD
        with pytest.raises(SeatUnavailable):
            hold(["A1"], user=2)
        clock.set(held.expires_at)
        assert store.hold_get(held.hold_id).status is HoldStatus.EXPIRED
        assert store.hold_get(held.hold_id).seconds_left == 0
        assert hold(["A1"], user=2).seat_ids == ("A1",)

    def test_a_hold_never_lasts_past_the_close_of_sales(self, store, clock, hold):
        held = hold(["A1"], close_in=timedelta(seconds=11))
        assert held.expires_at == clock.now + timedelta(seconds=11)
        assert held.seconds_left == 11

    def test_sales_close_at_the_close_on_the_store_clock(self, store, clock, hold):
        with pytest.raises(SalesClosed):
            hold(["A1"], close_in=timedelta(0))
        assert claims(store) == (set(), set())

    def test_a_conflict_names_every_taken_seat_and_claims_nothing(self, store, clock, hold):
        hold(["A1", "A2"], user=1)
        with pytest.raises(SeatUnavailable) as error:
            hold(["A3", "A2", "A1", "A4"], user=2, unavailable={"A4"})
        assert error.value.seat_ids == ["A1", "A2", "A4"]
        assert claims(store) == ({"A1", "A2"}, set())

    def test_a_users_own_other_hold_blocks_the_seat_too(self, store, hold):
        hold(["A1"], user=1)
        with pytest.raises(SeatUnavailable):
            hold(["A1", "A2"], user=1)

    def test_one_user_may_not_pass_the_seat_limit_of_one_show(self, store, hold):
        hold(["A1", "A2"], user=1, user_limit=3)
        with pytest.raises(SeatLimitReached) as error:
            hold(["A3", "A4"], user=1, user_limit=3)
        assert error.value.details == {"limit": 3, "scope": "user"}
        assert hold(["A3"], user=1, user_limit=3)
        assert hold(["A1"], user=1, show=OTHER_SHOW, user_limit=3)  # another show

    def test_one_client_address_may_not_pass_its_limit_across_accounts(self, store, hold):
        for user in range(1, 4):
            hold([f"A{user}"], user=user, client="203.0.113.9", client_limit=3)
        with pytest.raises(SeatLimitReached) as error:
            hold(["A9"], user=9, client="203.0.113.9", client_limit=3)
        assert error.value.details == {"limit": 3, "scope": "client"}
        assert hold(["A9"], user=9, client="198.51.100.7", client_limit=3)

    def test_ended_holds_stop_counting_towards_the_limits(self, store, clock, hold):
        first = hold(["A1", "A2"], user=1, user_limit=2, client_limit=2)
        store.hold_release(hold_id=first.hold_id, user_id=1)
        second = hold(["A3", "A4"], user=1, user_limit=2, client_limit=2)
        clock.set(second.expires_at)
        assert hold(["A5", "A6"], user=1, user_limit=2, client_limit=2)

    def test_a_repeat_with_the_same_fingerprint_returns_the_hold(self, store, clock, hold):
        hold_id = new_id()
        first = hold(["A1"], hold_id=hold_id, fingerprint="f1")
        clock.advance(seconds=5)
        again = hold(["A1"], hold_id=hold_id, fingerprint="f1")
        assert (again.hold_id, again.created_at, again.seat_ids) == (
            first.hold_id,
            first.created_at,
            first.seat_ids,
        )
        with pytest.raises(IdempotencyKeyReused):
            hold(["A2"], hold_id=hold_id, fingerprint="f2")
        with pytest.raises(DuplicateRequest):
            hold(["A2"], hold_id=hold_id)
        assert claims(store) == ({"A1"}, set())

    def test_a_repeat_returns_the_hold_as_it_is_now(self, store, hold):
        hold_id = new_id()
        first = hold(["A1"], hold_id=hold_id, fingerprint="f1")
        store.hold_release(hold_id=first.hold_id, user_id=1)
        assert hold(["A1"], hold_id=hold_id, fingerprint="f1").status is HoldStatus.RELEASED

    # -- changing and releasing ----------------------------------------------------------

    def test_a_change_swaps_seats_and_keeps_the_expiry(self, store, clock, hold):
        held = hold(["A1", "A2"])
        clock.advance(seconds=30)
        changed = store.hold_change_seats(
            hold_id=held.hold_id, user_id=1, claim=seat_claim(clock, ["A2", "A3", "B1"])
        )
        assert changed.seat_ids == ("A2", "A3", "B1")
        assert changed.expires_at == held.expires_at
        assert changed.amount == Decimal("300.00")
        assert claims(store) == ({"A2", "A3", "B1"}, set())

    def test_a_change_that_conflicts_keeps_the_old_seats(self, store, clock, hold):
        held = hold(["A1"], user=1)
        hold(["A3"], user=2)
        with pytest.raises(SeatUnavailable) as error:
            store.hold_change_seats(
                hold_id=held.hold_id, user_id=1, claim=seat_claim(clock, ["A2", "A3"])
            )
        assert error.value.seat_ids == ["A3"]
        assert store.hold_get(held.hold_id).seat_ids == ("A1",)
        assert claims(store) == ({"A1", "A3"}, set())

    def test_a_change_counts_the_new_seats_against_the_limit(self, store, clock, hold):
        held = hold(["A1", "A2"], user_limit=3)
        with pytest.raises(SeatLimitReached):
            store.hold_change_seats(
                hold_id=held.hold_id,
                user_id=1,
                claim=seat_claim(clock, ["A1", "A2", "A3", "A4"], user_limit=3),
            )
        changed = store.hold_change_seats(
            hold_id=held.hold_id,
            user_id=1,
            claim=seat_claim(clock, ["A4", "A5", "A6"], user_limit=3),
        )
        assert changed.seat_ids == ("A4", "A5", "A6")

    def test_only_the_owner_changes_or_releases_a_hold(self, store, clock, hold):
        held = hold(["A1"], user=1)
        with pytest.raises(NotYours):
            store.hold_change_seats(
                hold_id=held.hold_id, user_id=2, claim=seat_claim(clock, ["A2"])
            )
        with pytest.raises(NotYours):
            store.hold_release(hold_id=held.hold_id, user_id=2)
        assert store.hold_release(hold_id=held.hold_id, user_id=None).status is (
            HoldStatus.RELEASED
        )

    def test_releasing_frees_the_seats_at_once_and_only_once(self, store, hold):
        held = hold(["A1", "A2"])
        released = store.hold_release(hold_id=held.hold_id, user_id=1)
        assert released.status is HoldStatus.RELEASED
        assert claims(store) == (set(), set())
        with pytest.raises(HoldNotActive) as error:
            store.hold_release(hold_id=held.hold_id, user_id=1)
        assert error.value.details == {"status": "RELEASED"}

    def test_an_expired_hold_cannot_be_changed_or_released(self, store, clock, hold):
        held = hold(["A1"])
        clock.set(held.expires_at)
        with pytest.raises(HoldNotActive) as error:
            store.hold_release(hold_id=held.hold_id, user_id=1)
        assert error.value.details == {"status": "EXPIRED"}
        with pytest.raises(HoldNotActive):
            store.hold_change_seats(
                hold_id=held.hold_id, user_id=1, claim=seat_claim(clock, ["A2"])
            )

    def test_unknown_holds_are_not_found(self, store, clock):
        with pytest.raises(HoldNotFound):
            store.hold_release(hold_id=new_id(), user_id=1)
        assert store.hold_get(new_id()) is None

    # -- orders ---------------------------------------------------------------------------

    def test_an_order_consumes_the_hold_and_keeps_its_seats(self, store, clock, hold):
        held = hold(["A1", "A2"])
        clock.advance(minutes=9)
        made = store.order_create(order_request(clock, held))
        assert made.status is OrderStatus.PAYMENT_PENDING
        assert (made.created_at, made.expires_at) == (clock.now, clock.now + ORDER_TTL)
        assert made.seat_ids == ("A1", "A2")
        converted = store.hold_get(held.hold_id)
        assert (converted.status, converted.order_id) == (HoldStatus.CONVERTED, made.order_id)
        clock.set(held.expires_at)  # the hold's time no longer matters
        assert claims(store) == ({"A1", "A2"}, set())
        with pytest.raises(HoldNotActive):
            store.order_create(order_request(clock, held))

    def test_an_order_never_waits_for_payment_past_the_show_start(self, store, clock, hold):
        held = hold(["A1"])
        made = store.order_create(order_request(clock, held, starts_in=timedelta(seconds=11)))
        assert made.expires_at == clock.now + timedelta(seconds=11)
        assert made.seconds_left == 11

    def test_an_order_is_refused_when_sales_have_closed(self, store, clock, hold):
        held = hold(["A1"])
        with pytest.raises(SalesClosed):
            store.order_create(order_request(clock, held, starts_in=timedelta(0)))
        assert store.hold_get(held.hold_id).status is HoldStatus.HELD

    def test_an_order_is_refused_for_a_seat_sold_meanwhile(self, store, clock, hold):
        held = hold(["A1", "A2"])
        with pytest.raises(SeatUnavailable) as error:
            store.order_create(order_request(clock, held, unavailable={"A2"}))
        assert error.value.seat_ids == ["A2"]
        assert store.hold_get(held.hold_id).status is HoldStatus.HELD

    def test_an_order_must_match_the_seats_its_maker_priced(self, store, clock, hold):
        held = hold(["A1"])
        with pytest.raises(HoldChanged):
            store.order_create(order_request(clock, held, seats=("A1", "A2")))

    def test_only_the_owner_orders_a_hold(self, store, clock, hold):
        held = hold(["A1"], user=1)
        with pytest.raises(NotYours):
            store.order_create(order_request(clock, held, user=2))

    def test_an_order_repeat_returns_the_order(self, store, clock, hold):
        held = hold(["A1"])
        order_id = new_id()
        first = store.order_create(order_request(clock, held, order_id=order_id, fingerprint="f"))
        again = store.order_create(order_request(clock, held, order_id=order_id, fingerprint="f"))
        assert (again.order_id, again.created_at) == (first.order_id, first.created_at)
        with pytest.raises(IdempotencyKeyReused):
            store.order_create(order_request(clock, held, order_id=order_id, fingerprint="g"))

    def test_cancelling_frees_the_seats(self, store, order):
        made = order(["A1"])
        cancelled = store.order_cancel(order_id=made.order_id, user_id=1)
        assert cancelled.status is OrderStatus.CANCELLED
        assert claims(store) == (set(), set())
        with pytest.raises(OrderNotPending) as error:
            store.order_cancel(order_id=made.order_id, user_id=None)
        assert error.value.details == {"status": "CANCELLED"}

    def test_an_order_expires_and_frees_its_seats(self, store, clock, order, hold):
        made = order(["A1"])
        clock.set(made.expires_at)
        assert store.order_get(made.order_id).status is OrderStatus.EXPIRED
        assert hold(["A1"], user=2)

    def test_unknown_orders_are_not_found(self, store, clock):
        with pytest.raises(OrderNotFound):
            store.order_cancel(order_id=new_id(), user_id=1)
        with pytest.raises(OrderNotFound):
            store.order_payment_start(order_id=new_id(), user_id=1, unavailable=(), grace=GRACE)

    # -- payment --------------------------------------------------------------------------

    def test_payment_starts_within_the_window_and_keeps_the_seats_for_the_grace(
        self, store, clock, order, hold
    ):
        made = order(["A1"])
        clock.set(made.expires_at - timedelta(seconds=1))
        paying = store.order_payment_start(
            order_id=made.order_id, user_id=1, unavailable=(), grace=GRACE
        )
        assert paying.payment_started_at == clock.now
        assert paying.payment_in_progress
        clock.set(made.expires_at + timedelta(seconds=30))  # past the window, within grace
        assert store.order_get(made.order_id).status is OrderStatus.PAYMENT_PENDING
        with pytest.raises(SeatUnavailable):
            hold(["A1"], user=2)
        clock.set(paying.payment_started_at + GRACE)
        assert store.order_get(made.order_id).status is OrderStatus.EXPIRED
        assert hold(["A1"], user=2)

    def test_payment_reaching_the_store_after_the_window_is_refused(self, store, clock, order):
        made = order(["A1"])
        clock.set(made.expires_at)
        with pytest.raises(OrderNotPending) as error:
            store.order_payment_start(
                order_id=made.order_id, user_id=1, unavailable=(), grace=GRACE
            )
        assert error.value.details == {"status": "EXPIRED"}

    def test_a_retry_resumes_a_payment_in_progress(self, store, clock, order):
        made = order(["A1"])
        first = store.order_payment_start(
            order_id=made.order_id, user_id=1, unavailable=(), grace=GRACE
        )
        clock.advance(seconds=10)
        again = store.order_payment_start(
            order_id=made.order_id, user_id=1, unavailable=(), grace=GRACE
        )
        assert again.payment_started_at == first.payment_started_at

    def test_payment_is_refused_for_a_seat_sold_elsewhere(self, store, clock, order):
        made = order(["A1", "A2"])
        with pytest.raises(SeatUnavailable) as error:
            store.order_payment_start(
                order_id=made.order_id, user_id=1, unavailable={"A2"}, grace=GRACE
            )
        assert error.value.seat_ids == ["A2"]
        assert not store.order_get(made.order_id).payment_in_progress

    def test_an_order_in_payment_cannot_be_cancelled_but_can_fail(self, store, clock, order):
        made = order(["A1"])
        store.order_payment_start(order_id=made.order_id, user_id=1, unavailable=(), grace=GRACE)
        with pytest.raises(PaymentInProgress):
            store.order_cancel(order_id=made.order_id, user_id=1)
        failed = store.order_payment_fail(order_id=made.order_id)
        assert failed.status is OrderStatus.CANCELLED
        assert claims(store) == (set(), set())

    def test_payment_is_refused_after_the_show_started(self, store, clock, hold):
        held = hold(["A1"])
        made = store.order_create(order_request(clock, held, starts_in=timedelta(minutes=1)))
        clock.advance(minutes=1)
        with pytest.raises(OrderNotPending):  # the window closed with the show's start
            store.order_payment_start(
                order_id=made.order_id, user_id=1, unavailable=(), grace=GRACE
            )

    def test_only_the_owner_pays(self, store, clock, order):
        made = order(["A1"], user=1)
        with pytest.raises(NotYours):
            store.order_payment_start(
                order_id=made.order_id, user_id=2, unavailable=(), grace=GRACE
            )

    # -- recording sales ------------------------------------------------------------------

    def test_recording_a_sale_sells_the_seats_and_confirms_the_order(self, store, clock, order):
        made = order(["A1", "A2"])
        store.order_payment_start(order_id=made.order_id, user_id=1, unavailable=(), grace=GRACE)
        store.sale_record(Sale(made.order_id, 1, SHOW, ("A1", "A2")))
        assert store.order_get(made.order_id).status is OrderStatus.CONFIRMED
        assert store.order_get(made.order_id).ticket_code is None  # tickets are the database's
        clock.advance(days=3)
        assert claims(store) == (set(), {"A1", "A2"})

    def test_recording_a_sale_twice_changes_nothing_more(self, store, clock, order):
        made = order(["A1"])
        sale = Sale(made.order_id, 1, SHOW, ("A1",))
        store.sale_record(sale)
        versions = store.seat_versions(SHOW)
        version = store.show_claims(SHOW).version
        store.sale_record(sale)
        assert store.seat_versions(SHOW) == versions
        assert store.show_claims(SHOW).version == version

    # -- releasing cancelled sales ------------------------------------------------------

    def test_releasing_a_sale_frees_its_seats_at_once(self, store, clock, order, hold):
        made = order(["A1", "A2", "A3"])
        store.sale_record(Sale(made.order_id, 1, SHOW, ("A1", "A2", "A3")))
        version = store.show_claims(SHOW).version
        store.sale_release(Sale(made.order_id, 1, SHOW, ("A2", "A3")))
        assert claims(store) == (set(), {"A1"})
        assert store.show_claims(SHOW).version > version
        assert hold(["A2", "A3"], user=2).seat_ids == ("A2", "A3")

    def test_a_released_sale_is_never_recorded_again(self, store, clock, order):
        made = order(["A1", "A2"])
        sale = Sale(made.order_id, 1, SHOW, ("A1", "A2"))
        store.sale_record(sale)
        store.sale_release(Sale(made.order_id, 1, SHOW, ("A2",)))
        store.sale_record(sale)  # late: a payment's last step, or the sweeper
        assert claims(store) == (set(), {"A1"})

    def test_releasing_leaves_other_owners_claims_alone(self, store, clock, hold):
        other = hold(["A2"], user=2)
        store.sale_release(Sale(new_id(), 1, SHOW, ("A2",)))
        assert claims(store) == ({"A2"}, set())
        assert store.hold_get(other.hold_id).is_active

    def test_a_sale_the_store_never_saw_is_recorded_over_any_claim(self, store, clock, hold):
        other = hold(["A2"], user=2)
        store.sale_record(Sale(new_id(), 1, SHOW, ("A1", "A2")))
        assert claims(store) == (set(), {"A1", "A2"})
        with pytest.raises(SeatUnavailable):
            store.order_create(order_request(clock, other))

    def test_a_recorded_sale_frees_the_users_allowance(self, store, clock, order, hold):
        made = order(["A1", "A2"], user_limit=2)
        store.sale_record(Sale(made.order_id, 1, SHOW, ("A1", "A2")))
        assert hold(["A3", "A4"], user=1, user_limit=2)

    def test_an_order_recorded_as_sold_cannot_fail(self, store, clock, order):
        made = order(["A1"])
        store.sale_record(Sale(made.order_id, 1, SHOW, ("A1",)))
        with pytest.raises(OrderNotPending):
            store.order_payment_fail(order_id=made.order_id)

    # -- reads ----------------------------------------------------------------------------

    def test_batch_reads_return_what_exists(self, store, clock, hold, order):
        first, second = hold(["A1"]), hold(["A2"], user=2)
        made = order(["A3"])
        assert set(store.holds_get([first.hold_id, second.hold_id, new_id()])) == {
            first.hold_id,
            second.hold_id,
        }
        assert list(store.orders_get([made.order_id, new_id()])) == [made.order_id]
        hold(["A1"], show=OTHER_SHOW)
        claims = store.shows_claims([SHOW, OTHER_SHOW, "5b8a6c0e-3333-4000-8000-000000000003"])
        assert [sorted(c.held) for c in claims.values()] == [["A1", "A2", "A3"], ["A1"], []]

    def test_users_see_their_own_holds_and_orders(self, store, hold, order):
        mine = hold(["A1"], user=1)
        hold(["A2"], user=2)
        made = order(["A3"], user=1)
        assert {h.hold_id for h in store.user_holds(1)} == {mine.hold_id, made.hold_id}
        assert [o.order_id for o in store.user_orders(1)] == [made.order_id]
        assert store.user_orders(2) == []

    def test_seats_claimed_are_those_asked_that_are_held_or_sold_now(self, store, clock, hold):
        hold(["A3"])
        clock.advance(seconds=HOLD_TTL.total_seconds())  # A3's hold has run out
        hold(["A1", "A2"])
        store.sale_record(Sale(new_id(), 1, SHOW, ("A5",)))
        asked = ["A1", "A3", "A4", "A5", "B9"]
        assert store.seats_claimed(SHOW, asked) == {"A1", "A5"}
        assert store.seats_claimed(OTHER_SHOW, asked) == frozenset()
        assert store.seats_claimed(SHOW, []) == frozenset()

    def test_every_claim_and_release_bumps_versions(self, store, clock, hold):
        before = store.show_claims(SHOW).version
        held = hold(["A1", "A2"])
        assert store.seat_versions(SHOW) == {"A1": before + 2, "A2": before + 2}
        store.hold_release(hold_id=held.hold_id, user_id=1)
        assert store.seat_versions(SHOW) == {"A1": before + 4, "A2": before + 4}
        assert store.show_claims(SHOW).version == before + 4

    def test_ordering_and_paying_keep_the_seats_taken_and_their_versions(self, store, order):
        made = order(["A1"])
        versions = store.seat_versions(SHOW)
        store.order_payment_start(order_id=made.order_id, user_id=1, unavailable=(), grace=GRACE)
        assert store.seat_versions(SHOW) == versions == {"A1": 1}
        store.sale_record(Sale(made.order_id, 1, SHOW, ("A1",)))
        assert store.seat_versions(SHOW) == {"A1": 2} == {"A1": store.show_claims(SHOW).version}

    def test_a_refused_write_changes_no_version(self, store, clock, hold):
        hold(["A1"], user=1)
        versions = store.seat_versions(SHOW)
        with pytest.raises(SeatUnavailable):
            hold(["A2", "A1"], user=2)
        assert store.seat_versions(SHOW) == versions

    def test_staff_see_every_hold_and_order(self, store, hold, order):
        hold(["A1"], user=1)
        order(["A2"], user=2)
        assert len(store.holds_list()) == 2
        assert [o.status for o in store.orders_list()] == [OrderStatus.PAYMENT_PENDING]

    def test_queue_statistics_count_each_shows_tiers(self, store, hold):
        hold(["A1", "B1"])
        hold(["B2"], user=2)
        processed = {(q.show_id, q.tier): q.processed for q in store.queue_stats()}
        assert processed == {(SHOW, "CLASSIC"): 1, (SHOW, "PRIME"): 2}

    def test_purge_forgets_records_that_ended_long_ago(self, store, clock, hold, order):
        old = hold(["A1"])
        made = order(["A2"])
        clock.advance(days=2)
        fresh = hold(["A3"])
        assert store.purge(keep_for=timedelta(days=1)) == 3  # the old hold, the order, its hold
        assert store.hold_get(old.hold_id) is None
        assert store.order_get(made.order_id) is None
        assert store.hold_get(fresh.hold_id) is not None
