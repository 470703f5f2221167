"""Every booking rule, with time under the test's control."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from booking import selectors, services
from booking.domain import Customer, HoldStatus, OrderStatus
from booking.errors import (
    DuplicateRequest,
    DuplicateSeats,
    HoldChanged,
    HoldNotActive,
    HoldNotFound,
    NotYours,
    OrderNotFound,
    OrderNotPending,
    SalesClosed,
    SeatLimitReached,
    SeatUnavailable,
    TooManySeats,
    UnknownSeat,
)
from booking.models import Booking, SoldSeat
from booking.stores import get_store
from catalog.errors import ShowNotFound

pytestmark = pytest.mark.usefixtures("booking_backend")

CUSTOMER = Customer(name="Asha Rao", email="asha@example.com", phone="9876543210")


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def sid(show):
    return str(show.id)


def hold(user, sid, seats, now):
    return services.hold_create(user_id=user.id, show_id=sid, seat_ids=seats, now=now)


def order(user, sid, seats, now):
    held = hold(user, sid, seats, now)
    return services.order_create(user_id=user.id, hold_id=held.hold_id, customer=CUSTOMER, now=now)


# -- holds ------------------------------------------------------------------------------


def test_hold_claims_seats_and_prices_them_by_tier(user, sid, now):
    held = hold(user, sid, ["B1", "A1"], now)
    assert held.status_at(now) is HoldStatus.HELD
    assert held.seat_ids == ("B1", "A1")
    assert held.amount == Decimal("400.00")
    assert held.expires_at == now + timedelta(seconds=600)
    assert selectors.seat_map_get(show_id=sid, now=now).held_seat_ids == {"A1", "B1"}


def test_hold_amount_includes_the_convenience_fee(user, sid, now, settings):
    settings.CONVENIENCE_FEE_PER_TICKET = Decimal("25.50")
    assert hold(user, sid, ["B1", "A1"], now).amount == Decimal("451.00")


def test_hold_fails_when_a_seat_is_already_held_and_names_every_conflict(
    user, other_user, sid, now
):
    hold(other_user, sid, ["B1", "B2"], now)
    with pytest.raises(SeatUnavailable) as error:
        hold(user, sid, ["B2", "B3", "B1"], now)
    assert error.value.seat_ids == ["B1", "B2"]
    assert error.value.message == "Seats B1 and B2 were just taken by someone else."
    assert selectors.seat_map_get(show_id=sid, now=now).held_seat_ids == {"B1", "B2"}


def test_hold_fails_for_a_seat_in_the_users_own_other_hold(user, sid, now):
    hold(user, sid, ["B1"], now)
    with pytest.raises(SeatUnavailable):
        hold(user, sid, ["B1", "B2"], now)


def test_hold_fails_for_a_blocked_seat(user, sid, now):
    with pytest.raises(SeatUnavailable) as error:
        hold(user, sid, ["A3", "A4"], now)
    assert error.value.seat_ids == ["A4"]


def test_hold_fails_for_seats_not_in_the_layout(user, sid, now):
    with pytest.raises(UnknownSeat) as error:
        hold(user, sid, ["B1", "Z9", "B99"], now)
    assert error.value.details == {"seatIds": ["B99", "Z9"]}


@pytest.mark.parametrize("count", [0, 11])
def test_hold_needs_one_to_ten_seats(user, sid, now, count):
    with pytest.raises(TooManySeats):
        hold(user, sid, [f"B{n}" for n in range(1, count + 1)], now)


def test_hold_refuses_duplicate_seats(user, sid, now):
    with pytest.raises(DuplicateSeats):
        hold(user, sid, ["B1", "B1"], now)


def test_hold_of_an_unknown_show_is_not_found(user, db, now):
    with pytest.raises(ShowNotFound):
        hold(user, "00000000-0000-0000-0000-000000000000", ["A1"], now)


def test_sales_close_when_the_show_starts(user, show, sid):
    with pytest.raises(SalesClosed):
        hold(user, sid, ["B1"], show.start_time)
    assert hold(user, sid, ["B1"], show.start_time - timedelta(microseconds=1))


def test_hold_expires_at_exactly_its_expiry_and_frees_its_seats(user, other_user, sid, now):
    held = hold(user, sid, ["B1"], now)
    just_before = held.expires_at - timedelta(microseconds=1)
    assert held.status_at(just_before) is HoldStatus.HELD
    with pytest.raises(SeatUnavailable):
        hold(other_user, sid, ["B1"], just_before)
    assert (
        selectors.hold_get(user_id=user.id, hold_id=held.hold_id).status_at(held.expires_at)
        is HoldStatus.EXPIRED
    )
    assert hold(other_user, sid, ["B1"], held.expires_at).seat_ids == ("B1",)


def test_a_user_may_not_hold_more_than_the_limit_of_one_show(user, sid, now, settings):
    settings.MAX_ACTIVE_SEATS_PER_USER = 3
    first = hold(user, sid, ["B1", "B2"], now)
    with pytest.raises(SeatLimitReached) as error:
        hold(user, sid, ["B3", "B4"], now)
    assert error.value.details == {"limit": 3}
    services.hold_release(user_id=user.id, hold_id=first.hold_id, now=now)
    assert hold(user, sid, ["B3", "B4", "B5"], now)


def test_pending_orders_count_towards_the_seat_limit(user, sid, now, settings):
    settings.MAX_ACTIVE_SEATS_PER_USER = 3
    order(user, sid, ["B1", "B2"], now)
    with pytest.raises(SeatLimitReached):
        hold(user, sid, ["B3", "B4"], now)


def test_expired_holds_do_not_count_towards_the_seat_limit(user, sid, now, settings):
    settings.MAX_ACTIVE_SEATS_PER_USER = 2
    held = hold(user, sid, ["B1", "B2"], now)
    assert hold(user, sid, ["B3", "B4"], held.expires_at)


def test_change_seats_swaps_them_and_keeps_the_expiry(user, sid, now):
    held = hold(user, sid, ["B1", "B2"], now)
    later = now + timedelta(minutes=3)
    changed = services.hold_change_seats(
        user_id=user.id, hold_id=held.hold_id, seat_ids=["B2", "A1"], now=later
    )
    assert changed.seat_ids == ("B2", "A1")
    assert changed.expires_at == held.expires_at
    assert changed.amount == Decimal("400.00")
    assert selectors.seat_map_get(show_id=sid, now=later).held_seat_ids == {"B2", "A1"}


def test_change_seats_on_conflict_keeps_the_old_seats(user, other_user, sid, now):
    held = hold(user, sid, ["B1", "B2"], now)
    hold(other_user, sid, ["B3"], now)
    with pytest.raises(SeatUnavailable):
        services.hold_change_seats(
            user_id=user.id, hold_id=held.hold_id, seat_ids=["B1", "B3"], now=now
        )
    assert selectors.hold_get(user_id=user.id, hold_id=held.hold_id).seat_ids == ("B1", "B2")
    assert selectors.seat_map_get(show_id=sid, now=now).held_seat_ids == {"B1", "B2", "B3"}


def test_change_seats_of_an_expired_hold_is_not_active(user, sid, now):
    held = hold(user, sid, ["B1"], now)
    with pytest.raises(HoldNotActive) as error:
        services.hold_change_seats(
            user_id=user.id, hold_id=held.hold_id, seat_ids=["B2"], now=held.expires_at
        )
    assert error.value.details == {"status": "EXPIRED"}


def test_release_frees_the_seats_at_once_and_only_once(user, other_user, sid, now):
    held = hold(user, sid, ["B1"], now)
    released = services.hold_release(user_id=user.id, hold_id=held.hold_id, now=now)
    assert released.status_at(now) is HoldStatus.RELEASED
    assert hold(other_user, sid, ["B1"], now)
    with pytest.raises(HoldNotActive) as error:
        services.hold_release(user_id=user.id, hold_id=held.hold_id, now=now)
    assert error.value.details == {"status": "RELEASED"}


def test_someone_elses_hold_is_forbidden(user, other_user, sid, now):
    held = hold(user, sid, ["B1"], now)
    with pytest.raises(NotYours):
        selectors.hold_get(user_id=other_user.id, hold_id=held.hold_id)
    with pytest.raises(NotYours):
        services.hold_release(user_id=other_user.id, hold_id=held.hold_id, now=now)


def test_unknown_hold_is_not_found(user, db):
    with pytest.raises(HoldNotFound):
        selectors.hold_get(user_id=user.id, hold_id="nope")


# -- orders -----------------------------------------------------------------------------


def test_order_consumes_the_hold_and_keeps_the_seats(user, other_user, sid, now):
    held = hold(user, sid, ["B1", "A2"], now)
    made = services.order_create(user_id=user.id, hold_id=held.hold_id, customer=CUSTOMER, now=now)
    assert made.status_at(now) is OrderStatus.PAYMENT_PENDING
    assert made.seat_ids == ("B1", "A2")
    assert (made.tickets_amount, made.convenience_fee, made.amount) == (
        Decimal("400.00"),
        Decimal("0.00"),
        Decimal("400.00"),
    )
    assert made.expires_at == now + timedelta(seconds=300)
    assert (
        selectors.hold_get(user_id=user.id, hold_id=held.hold_id).status_at(now)
        is HoldStatus.CONVERTED
    )
    with pytest.raises(HoldNotActive) as error:
        services.order_create(user_id=user.id, hold_id=held.hold_id, customer=CUSTOMER, now=now)
    assert error.value.details == {"status": "CONVERTED"}
    # The order keeps the seats after the hold's own expiry would have passed.
    with pytest.raises(SeatUnavailable):
        hold(other_user, sid, ["B1"], made.expires_at - timedelta(microseconds=1))


def test_order_from_an_expired_hold_is_refused(user, sid, now):
    held = hold(user, sid, ["B1"], now)
    with pytest.raises(HoldNotActive):
        services.order_create(
            user_id=user.id, hold_id=held.hold_id, customer=CUSTOMER, now=held.expires_at
        )


def test_unpaid_order_expires_at_exactly_its_expiry_and_frees_the_seats(user, other_user, sid, now):
    made = order(user, sid, ["B1"], now)
    assert made.status_at(made.expires_at - timedelta(microseconds=1)) is (
        OrderStatus.PAYMENT_PENDING
    )
    assert made.status_at(made.expires_at) is OrderStatus.EXPIRED
    with pytest.raises(OrderNotPending) as error:
        services.order_confirm_payment(
            user_id=user.id, order_id=made.order_id, idempotency_key=None, now=made.expires_at
        )
    assert error.value.details == {"status": "EXPIRED"}
    assert hold(other_user, sid, ["B1"], made.expires_at)
    assert not Booking.objects.exists()


def test_confirm_payment_sells_the_seats_durably(user, other_user, sid, now):
    made = order(user, sid, ["B1", "B2"], now)
    paid = services.order_confirm_payment(
        user_id=user.id, order_id=made.order_id, idempotency_key=None, now=now
    )
    assert paid.status_at(now + timedelta(days=30)) is OrderStatus.CONFIRMED
    assert paid.ticket_code is not None
    assert len(paid.ticket_code) == 10
    assert paid.ticket_code.startswith("BMS-")
    assert paid.ticket_code[4:].isalnum()
    assert paid.ticket_code[4:].upper() == paid.ticket_code[4:]
    booking = Booking.objects.get(pk=made.order_id)
    assert booking.ticket_code == paid.ticket_code
    assert sorted(SoldSeat.objects.values_list("seat_id", flat=True)) == ["B1", "B2"]
    seat_map = selectors.seat_map_get(show_id=sid, now=now)
    assert seat_map.unavailable_seat_ids == {"A4", "B1", "B2"}
    assert seat_map.held_seat_ids == set()
    with pytest.raises(SeatUnavailable):
        hold(other_user, sid, ["B1"], now + timedelta(hours=1))


def test_confirm_payment_twice_is_not_pending_but_the_same_key_repeats(user, sid, now):
    made = order(user, sid, ["B1"], now)
    first = services.order_confirm_payment(
        user_id=user.id, order_id=made.order_id, idempotency_key="k-1", now=now
    )
    again = services.order_confirm_payment(
        user_id=user.id, order_id=made.order_id, idempotency_key="k-1", now=now
    )
    assert again == first
    with pytest.raises(OrderNotPending) as error:
        services.order_confirm_payment(
            user_id=user.id, order_id=made.order_id, idempotency_key="k-2", now=now
        )
    assert error.value.details == {"status": "CONFIRMED"}
    assert Booking.objects.count() == 1


def test_database_constraint_turns_a_double_sale_into_a_clean_conflict(user, sid, now):
    made = order(user, sid, ["B1", "B2"], now)
    # Simulate a store that lost track of a sale: the database already has B2 sold.
    other = Booking.objects.create(
        hold_id="00000000-0000-0000-0000-000000000001",
        user=user,
        show_id=sid,
        movie_title="x",
        theatre_name="x",
        show_start=now,
        seat_ids=["B2"],
        tickets_amount=1,
        convenience_fee=0,
        customer_name="x",
        customer_email="x@x.in",
        customer_phone="9876543210",
        ticket_code="BMS-AAAAAA",
        created_at=now,
        expires_at=now,
        confirmed_at=now,
    )
    SoldSeat.objects.create(booking=other, show_id=sid, seat_id="B2")
    with pytest.raises(SeatUnavailable) as error:
        services.order_confirm_payment(
            user_id=user.id, order_id=made.order_id, idempotency_key=None, now=now
        )
    assert error.value.seat_ids == ["B2"]
    assert Booking.objects.count() == 1
    assert (
        selectors.order_get(user_id=user.id, order_id=made.order_id).status_at(now)
        is OrderStatus.CANCELLED
    )


def test_payment_after_the_show_started_is_refused(user, show, sid):
    start = show.start_time
    made = order(user, sid, ["B1"], start - timedelta(minutes=1))
    with pytest.raises(SalesClosed):
        services.order_confirm_payment(
            user_id=user.id, order_id=made.order_id, idempotency_key=None, now=start
        )


def test_cancel_frees_the_seats_and_only_pending_orders_cancel(user, other_user, sid, now):
    made = order(user, sid, ["B1"], now)
    cancelled = services.order_cancel(user_id=user.id, order_id=made.order_id, now=now)
    assert cancelled.status_at(now) is OrderStatus.CANCELLED
    assert hold(other_user, sid, ["B1"], now)
    with pytest.raises(OrderNotPending):
        services.order_cancel(user_id=user.id, order_id=made.order_id, now=now)
    with pytest.raises(OrderNotPending):
        services.order_confirm_payment(
            user_id=user.id, order_id=made.order_id, idempotency_key=None, now=now
        )


def test_confirmed_orders_cannot_be_cancelled(user, sid, now):
    made = order(user, sid, ["B1"], now)
    services.order_confirm_payment(
        user_id=user.id, order_id=made.order_id, idempotency_key=None, now=now
    )
    with pytest.raises(OrderNotPending) as error:
        services.order_cancel(user_id=user.id, order_id=made.order_id, now=now)
    assert error.value.details == {"status": "CONFIRMED"}


def test_someone_elses_order_is_forbidden_and_unknown_is_not_found(user, other_user, sid, now):
    made = order(user, sid, ["B1"], now)
    with pytest.raises(NotYours):
        selectors.order_get(user_id=other_user.id, order_id=made.order_id)
    with pytest.raises(NotYours):
        services.order_cancel(user_id=other_user.id, order_id=made.order_id, now=now)
    with pytest.raises(OrderNotFound):
        selectors.order_get(user_id=user.id, order_id="nope")


def test_orders_are_listed_newest_first_and_paginated(user, other_user, sid, now):
    first = order(user, sid, ["B1"], now)
    second = order(user, sid, ["B2"], now + timedelta(seconds=1))
    order(other_user, sid, ["B3"], now)
    page, has_more = selectors.order_list(user_id=user.id, limit=1, offset=0)
    assert [o.order_id for o in page] == [second.order_id]
    assert has_more is True
    page, has_more = selectors.order_list(user_id=user.id, limit=1, offset=1)
    assert [o.order_id for o in page] == [first.order_id]
    assert has_more is False


def test_sold_seats_and_confirmed_orders_survive_a_restart(
    user, other_user, sid, now, restart_store
):
    made = order(user, sid, ["B1", "B2"], now)
    paid = services.order_confirm_payment(
        user_id=user.id, order_id=made.order_id, idempotency_key=None, now=now
    )
    restart_store()
    assert get_store().order_get(order_id=made.order_id) is None

    seat_map = selectors.seat_map_get(show_id=sid, now=now)
    assert {"B1", "B2"} <= seat_map.unavailable_seat_ids
    with pytest.raises(SeatUnavailable) as error:
        hold(other_user, sid, ["B2", "B3"], now)
    assert error.value.seat_ids == ["B2"]
    [listed], _ = selectors.order_list(user_id=user.id, limit=20, offset=0)
    assert listed == paid
    assert selectors.order_get(user_id=user.id, order_id=made.order_id) == paid


# -- the store's own guarantees ---------------------------------------------------------


def test_every_claim_and_release_bumps_the_seat_version(user, sid, now):
    store = get_store()
    held = hold(user, sid, ["B1", "B2"], now)
    assert store.seat_versions(show_id=sid) == {"B1": 1, "B2": 1}
    services.hold_change_seats(
        user_id=user.id, hold_id=held.hold_id, seat_ids=["B2", "B3"], now=now
    )
    assert store.seat_versions(show_id=sid) == {"B1": 2, "B2": 1, "B3": 1}
    services.hold_release(user_id=user.id, hold_id=held.hold_id, now=now)
    assert store.seat_versions(show_id=sid) == {"B1": 2, "B2": 2, "B3": 2}


def test_a_claim_against_a_stale_version_fails(user, sid, now):
    store = get_store()
    held = hold(user, sid, ["B1"], now)
    services.hold_release(user_id=user.id, hold_id=held.hold_id, now=now)
    seen = {"B1": 1}  # read before the release
    import dataclasses

    retry = dataclasses.replace(held, hold_id="retry", status=HoldStatus.HELD)
    with pytest.raises(SeatUnavailable):
        store.hold_create(
            hold=retry,
            partitions=[(sid, "PRIME")],
            unavailable=(),
            seat_limit=10,
            now=now,
            expected_versions=seen,
        )
    assert store.hold_create(
        hold=retry,
        partitions=[(sid, "PRIME")],
        unavailable=(),
        seat_limit=10,
        now=now,
        expected_versions={"B1": 2},
    )


def test_queues_are_partitioned_by_show_and_tier_with_statistics(user, other_user, sid, now):
    hold(user, sid, ["B1", "A1"], now)
    with pytest.raises(SeatUnavailable):
        hold(other_user, sid, ["B1"], now)
    stats = {(s.show_id, s.tier): s for s in get_store().queue_stats()}
    assert set(stats) == {(sid, "PRIME"), (sid, "CLASSIC")}
    prime = stats[(sid, "PRIME")]
    assert (prime.waiting, prime.processed, prime.rejected) == (0, 2, 1)
    assert (stats[(sid, "CLASSIC")].processed, stats[(sid, "CLASSIC")].rejected) == (1, 0)
    assert prime.longest_wait_seconds >= 0


def test_purge_forgets_long_ended_holds_but_keeps_live_ones(user, sid, now):
    old = hold(user, sid, ["B1"], now)
    live = hold(user, sid, ["B2"], old.expires_at)
    later = old.expires_at + timedelta(days=1, seconds=1)
    assert (
        services.bookings_purge(now=later - timedelta(seconds=2), keep_for=timedelta(days=1)) == 0
    )
    assert services.bookings_purge(now=later, keep_for=timedelta(days=1)) == 1
    assert get_store().hold_get(hold_id=old.hold_id) is None
    assert get_store().hold_get(hold_id=live.hold_id) is not None


def test_show_status_counts_sold_held_and_blocked_seats(user, other_user, show, sid, now):
    day = timezone.localtime(show.start_time).date()

    def status():
        [theatre] = selectors.theatre_shows_list(movie_id=str(show.movie_id), day=day, now=now)
        return theatre.shows[0].status.value

    assert status() == "AVAILABLE"  # 1 of 10 blocked
    hold(user, sid, ["B1", "B2", "B3", "B4"], now)
    assert status() == "FILLING_FAST"  # 5 of 10 taken
    made = order(other_user, sid, ["B5", "B6", "A1", "A2"], now)
    assert status() == "ALMOST_FULL"  # 9 of 10 taken
    services.order_confirm_payment(
        user_id=other_user.id, order_id=made.order_id, idempotency_key=None, now=now
    )
    hold(other_user, sid, ["A3"], now)
    assert status() == "SOLD_OUT"


def test_a_hold_id_cannot_be_used_twice(user, sid, now):
    held = services.hold_create(
        user_id=user.id, show_id=sid, seat_ids=["B1"], now=now, hold_id="my-hold"
    )
    services.hold_release(user_id=user.id, hold_id=held.hold_id, now=now)
    with pytest.raises(DuplicateRequest):
        services.hold_create(
            user_id=user.id, show_id=sid, seat_ids=["B2"], now=now, hold_id="my-hold"
        )


def test_an_order_is_refused_when_its_hold_changed_meanwhile(user, show, sid, now):
    from booking.stores import get_store

    held = hold(user, sid, ["B1"], now)
    services.hold_change_seats(user_id=user.id, hold_id=held.hold_id, seat_ids=["B2"], now=now)
    stale = services.Order(
        order_id="o-1",
        hold_id=held.hold_id,
        user_id=user.id,
        show=services.ShowSnapshot(
            show_id=sid,
            movie_id=None,
            movie_title="M",
            theatre_id=None,
            theatre_name="T",
            screen_name="S",
            start_time=show.start_time,
        ),
        seat_ids=("B1",),
        status=services.OrderStatus.PAYMENT_PENDING,
        created_at=now,
        expires_at=now + timedelta(minutes=5),
        tickets_amount=Decimal(250),
        convenience_fee=Decimal(0),
        customer=CUSTOMER,
    )
    with pytest.raises(HoldChanged):
        get_store().order_create(order=stale, partitions=[(sid, "PRIME")], now=now)
    unchanged = selectors.hold_get(user_id=user.id, hold_id=held.hold_id)
    assert (unchanged.seat_ids, unchanged.status_at(now)) == (("B2",), HoldStatus.HELD)
