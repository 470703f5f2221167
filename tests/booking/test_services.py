"""Every booking rule through the services, on each store backend, with the store's clock
under the test's control."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from booking import selectors, services
from booking.domain import Customer, HoldStatus, OrderStatus
from booking.errors import (
    DuplicateSeats,
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
    TooManySeats,
    UnknownSeat,
)
from booking.models import Booking, SoldSeat
from booking.stores import get_store
from bookmyshow.ratelimit import RateLimited
from catalog.errors import ShowNotFound

CUSTOMER = Customer(name="Asha Rao", email="asha@example.com", phone="9876543210")
CLIENT = "192.0.2.10"
UNKNOWN = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def sid(show):
    return str(show.id)


def hold(user, sid, seats, *, client=CLIENT, key=None):
    return services.hold_create(
        user_id=user.id, client=client, show_id=sid, seat_ids=seats, idempotency_key=key
    )


def order(user, sid, seats):
    held = hold(user, sid, seats)
    return services.order_create(user_id=user.id, hold_id=held.hold_id, customer=CUSTOMER)


def pay(user, made, key=None):
    return services.order_confirm_payment(
        user_id=user.id, order_id=made.order_id, idempotency_key=key
    )


# -- holds ------------------------------------------------------------------------------


def test_a_hold_claims_the_seats_and_prices_them_by_tier(user, sid, clock):
    held = hold(user, sid, ["B1", "A1"])
    assert held.status is HoldStatus.HELD
    assert held.seat_ids == ("B1", "A1")
    assert held.amount == Decimal("400.00")
    assert held.expires_at == clock.now + timedelta(seconds=600)
    assert selectors.seat_map_get(show_id=sid).held_seat_ids == {"A1", "B1"}


def test_a_hold_amount_includes_the_convenience_fee(user, sid, clock, settings):
    settings.CONVENIENCE_FEE_PER_TICKET = Decimal("25.50")
    assert hold(user, sid, ["B1", "A1"]).amount == Decimal("451.00")


def test_a_blocked_seat_is_unavailable(user, sid, clock):
    with pytest.raises(SeatUnavailable) as error:
        hold(user, sid, ["A3", "A4"])
    assert error.value.seat_ids == ["A4"]


def test_seats_not_in_the_layout_are_unknown(user, sid, clock):
    with pytest.raises(UnknownSeat) as error:
        hold(user, sid, ["B1", "Z9", "B99"])
    assert error.value.details == {"seatIds": ["B99", "Z9"]}


@pytest.mark.parametrize("count", [0, 11])
def test_a_hold_needs_one_to_ten_seats(user, sid, clock, count):
    with pytest.raises(TooManySeats):
        hold(user, sid, [f"B{n}" for n in range(1, count + 1)])


def test_duplicate_seats_are_refused(user, sid, clock):
    with pytest.raises(DuplicateSeats):
        hold(user, sid, ["B1", "B1"])


def test_an_unknown_show_is_not_found(user, db, clock):
    with pytest.raises(ShowNotFound):
        hold(user, UNKNOWN, ["A1"])


def test_sales_close_when_the_show_starts_on_the_store_clock(user, show, sid, clock):
    clock.set(show.start_time)
    with pytest.raises(SalesClosed):
        hold(user, sid, ["B1"])
    clock.set(show.start_time - timedelta(microseconds=1))
    assert hold(user, sid, ["B1"])


def test_a_hold_made_just_before_the_show_lasts_until_it_starts(user, show, sid, clock):
    clock.set(show.start_time - timedelta(seconds=11))
    assert hold(user, sid, ["B1"]).seconds_left == 11


def test_the_per_user_seat_limit_counts_holds_and_pending_orders(user, sid, clock, settings):
    settings.MAX_ACTIVE_SEATS_PER_USER = 3
    order(user, sid, ["B1", "B2"])
    with pytest.raises(SeatLimitReached) as error:
        hold(user, sid, ["B3", "B4"])
    assert error.value.details == {"limit": 3, "scope": "user"}


def test_accounts_from_one_address_share_a_seat_limit(django_user_model, sid, clock, settings):
    settings.MAX_ACTIVE_SEATS_PER_CLIENT = 4
    users = [django_user_model.objects.create_user(f"fan{n}") for n in range(3)]
    hold(users[0], sid, ["B1", "B2"], client="203.0.113.5")
    hold(users[1], sid, ["B3", "B4"], client="203.0.113.5")
    with pytest.raises(SeatLimitReached) as error:
        hold(users[2], sid, ["B5"], client="203.0.113.5")
    assert error.value.details == {"limit": 4, "scope": "client"}
    assert hold(users[2], sid, ["B5"], client="198.51.100.20")


def test_an_idempotency_key_makes_a_repeat_return_the_same_hold(user, other_user, sid, clock):
    first = hold(user, sid, ["B1", "B2"], key="tap-1")
    clock.advance(seconds=3)
    again = hold(user, sid, ["B1", "B2"], key="tap-1")
    assert (again.hold_id, again.created_at) == (first.hold_id, first.created_at)
    with pytest.raises(IdempotencyKeyReused):
        hold(user, sid, ["B3"], key="tap-1")
    assert hold(other_user, sid, ["B3"], key="tap-1").hold_id != first.hold_id  # per user


def test_seat_changes_swap_seats_and_keep_the_expiry(user, sid, clock):
    held = hold(user, sid, ["B1", "B2"])
    clock.advance(minutes=3)
    changed = services.hold_change_seats(
        user_id=user.id, hold_id=held.hold_id, seat_ids=["B3", "A1"]
    )
    assert (changed.seat_ids, changed.expires_at) == (("B3", "A1"), held.expires_at)
    assert changed.amount == Decimal("400.00")


def test_someone_elses_hold_is_forbidden(user, other_user, sid, clock):
    held = hold(user, sid, ["B1"])
    with pytest.raises(NotYours):
        selectors.hold_get(user_id=other_user.id, hold_id=held.hold_id)
    with pytest.raises(NotYours):
        services.hold_release(user_id=other_user.id, hold_id=held.hold_id)
    with pytest.raises(NotYours):
        services.hold_change_seats(user_id=other_user.id, hold_id=held.hold_id, seat_ids=["B2"])


def test_an_unknown_hold_is_not_found(user, clock):
    with pytest.raises(HoldNotFound):
        selectors.hold_get(user_id=user.id, hold_id=UNKNOWN)


def test_a_users_active_holds_are_listed_newest_first(user, other_user, sid, clock):
    first = hold(user, sid, ["B1"])
    clock.advance(seconds=1)
    second = hold(user, sid, ["B2"])
    hold(other_user, sid, ["B3"])
    released = hold(user, sid, ["B4"])
    services.hold_release(user_id=user.id, hold_id=released.hold_id)
    assert [h.hold_id for h in selectors.holds_active(user_id=user.id)] == [
        second.hold_id,
        first.hold_id,
    ]


def test_releasing_and_cancelling_need_no_catalog(user, sid, clock, monkeypatch):
    held = hold(user, sid, ["B1"])
    made = order(user, sid, ["B2"])

    def catalog_down(*args, **kwargs):
        raise AssertionError("the catalog was asked")

    monkeypatch.setattr("catalog.sources.local.LocalCatalog.show_get", catalog_down)
    assert services.hold_release(user_id=user.id, hold_id=held.hold_id).status is (
        HoldStatus.RELEASED
    )
    assert services.order_cancel(user_id=user.id, order_id=made.order_id).status is (
        OrderStatus.CANCELLED
    )


# -- rate limits ------------------------------------------------------------------------


def test_holds_and_seat_changes_share_one_rate_limit_per_user(
    user, other_user, sid, clock, settings
):
    settings.HOLD_RATE_LIMIT = "3/min"
    held = hold(user, sid, ["B1"])
    services.hold_change_seats(user_id=user.id, hold_id=held.hold_id, seat_ids=["B3"])
    hold(user, sid, ["B4"])
    with pytest.raises(RateLimited) as error:
        services.hold_change_seats(user_id=user.id, hold_id=held.hold_id, seat_ids=["B1"])
    assert 1 <= error.value.retry_after <= 60
    with pytest.raises(RateLimited):
        hold(user, sid, ["B5"])
    assert hold(other_user, sid, ["B5"])  # another user's own allowance


# -- orders -----------------------------------------------------------------------------


def test_an_order_consumes_the_hold_and_prices_it(user, sid, clock):
    held = hold(user, sid, ["B1", "A1"])
    made = services.order_create(user_id=user.id, hold_id=held.hold_id, customer=CUSTOMER)
    assert made.status is OrderStatus.PAYMENT_PENDING
    assert (made.tickets_amount, made.convenience_fee, made.amount) == (
        Decimal("400.00"),
        Decimal("0.00"),
        Decimal("400.00"),
    )
    assert made.expires_at == clock.now + timedelta(seconds=300)
    converted = selectors.hold_get(user_id=user.id, hold_id=held.hold_id)
    assert (converted.status, converted.order_id) == (HoldStatus.CONVERTED, made.order_id)
    with pytest.raises(HoldNotActive) as error:
        services.order_create(user_id=user.id, hold_id=held.hold_id, customer=CUSTOMER)
    assert error.value.details == {"status": "CONVERTED"}


def test_an_idempotent_order_repeat_returns_the_same_order(user, sid, clock):
    held = hold(user, sid, ["B1"])
    first = services.order_create(
        user_id=user.id, hold_id=held.hold_id, customer=CUSTOMER, idempotency_key="o-1"
    )
    again = services.order_create(
        user_id=user.id, hold_id=held.hold_id, customer=CUSTOMER, idempotency_key="o-1"
    )
    assert again.order_id == first.order_id
    other = Customer(name="Ravi", email="ravi@example.com", phone="9876543211")
    with pytest.raises(IdempotencyKeyReused):
        services.order_create(
            user_id=user.id, hold_id=held.hold_id, customer=other, idempotency_key="o-1"
        )
    pay(user, first)
    paid_again = services.order_create(
        user_id=user.id, hold_id=held.hold_id, customer=CUSTOMER, idempotency_key="o-1"
    )
    assert (paid_again.status, paid_again.ticket_code) == (
        OrderStatus.CONFIRMED,
        Booking.objects.get().ticket_code,
    )


def test_an_order_made_11_s_before_the_show_cannot_be_paid_after_it_starts(user, show, sid, clock):
    clock.set(show.start_time - timedelta(seconds=11))
    made = order(user, sid, ["B1"])
    assert made.seconds_left == 11  # "Pay within 0:11", never 5:00
    clock.set(show.start_time)
    with pytest.raises(OrderNotPending) as error:
        pay(user, made)
    assert error.value.details == {"status": "EXPIRED"}
    assert not Booking.objects.exists()


def test_an_unpaid_order_expires_at_its_expiry_and_frees_the_seats(user, other_user, sid, clock):
    made = order(user, sid, ["B1"])
    clock.set(made.expires_at - timedelta(microseconds=1))
    assert selectors.order_get(user_id=user.id, order_id=made.order_id).is_pending
    clock.set(made.expires_at)
    assert selectors.order_get(user_id=user.id, order_id=made.order_id).status is (
        OrderStatus.EXPIRED
    )
    with pytest.raises(OrderNotPending):
        pay(user, made)
    assert hold(other_user, sid, ["B1"])


def test_cancelling_frees_the_seats_and_only_pending_orders_cancel(user, other_user, sid, clock):
    made = order(user, sid, ["B1"])
    assert services.order_cancel(user_id=user.id, order_id=made.order_id).status is (
        OrderStatus.CANCELLED
    )
    assert hold(other_user, sid, ["B1"])
    with pytest.raises(OrderNotPending):
        services.order_cancel(user_id=user.id, order_id=made.order_id)
    with pytest.raises(OrderNotPending):
        pay(user, made)


def test_a_paid_order_cannot_be_cancelled(user, sid, clock):
    made = order(user, sid, ["B1"])
    pay(user, made)
    with pytest.raises(OrderNotPending) as error:
        services.order_cancel(user_id=user.id, order_id=made.order_id)
    assert error.value.details == {"status": "CONFIRMED"}


def test_someone_elses_order_is_forbidden_and_unknown_is_not_found(user, other_user, sid, clock):
    made = order(user, sid, ["B1"])
    with pytest.raises(NotYours):
        selectors.order_get(user_id=other_user.id, order_id=made.order_id)
    with pytest.raises(NotYours):
        services.order_cancel(user_id=other_user.id, order_id=made.order_id)
    with pytest.raises(NotYours):
        pay(other_user, made)
    with pytest.raises(OrderNotFound):
        selectors.order_get(user_id=user.id, order_id=UNKNOWN)


def test_orders_are_listed_newest_first_and_paginated(user, other_user, sid, clock):
    first = order(user, sid, ["B1"])
    clock.advance(seconds=1)
    second = order(user, sid, ["B2"])
    order(other_user, sid, ["B3"])
    page, has_more = selectors.order_list(user_id=user.id, limit=1, offset=0)
    assert ([o.order_id for o in page], has_more) == ([second.order_id], True)
    page, has_more = selectors.order_list(user_id=user.id, limit=1, offset=1)
    assert ([o.order_id for o in page], has_more) == ([first.order_id], False)


# -- payment ----------------------------------------------------------------------------


def test_payment_sells_the_seats_durably_under_a_ticket_code(user, other_user, sid, clock):
    made = order(user, sid, ["B1", "B2"])
    paid = pay(user, made)
    assert paid.status is OrderStatus.CONFIRMED
    assert paid.ticket_code[:4] == "BMS-"
    assert len(paid.ticket_code) == 10
    assert paid.ticket_code[4:].isalnum()
    assert paid.ticket_code[4:].isupper() or paid.ticket_code[4:].isdigit()
    assert Booking.objects.get(pk=made.order_id).ticket_code == paid.ticket_code
    assert sorted(SoldSeat.objects.values_list("seat_id", flat=True)) == ["B1", "B2"]
    assert get_store().order_get(made.order_id).status is OrderStatus.CONFIRMED
    seat_map = selectors.seat_map_get(show_id=sid)
    assert (seat_map.unavailable_seat_ids, seat_map.held_seat_ids) == ({"A4", "B1", "B2"}, set())
    clock.advance(hours=12)  # long after every hold and payment window
    with pytest.raises(SeatUnavailable):
        hold(other_user, sid, ["B1"])


def test_paying_twice_is_not_pending_but_the_same_key_repeats(user, sid, clock):
    made = order(user, sid, ["B1"])
    first = pay(user, made, key="pay-1")
    again = pay(user, made, key="pay-1")
    assert (again.order_id, again.ticket_code) == (first.order_id, first.ticket_code)
    with pytest.raises(OrderNotPending) as error:
        pay(user, made, key="pay-2")
    assert error.value.details == {"status": "CONFIRMED"}
    with pytest.raises(OrderNotPending):
        pay(user, made)
    assert Booking.objects.count() == 1


def test_a_payment_that_reaches_the_store_after_its_deadline_is_refused(
    user, sid, clock, monkeypatch
):
    """The request starts inside the payment window; it waits (on a lock, a slow
    database) until the window has closed before it reaches the store: refused."""
    made = order(user, sid, ["B1"])
    clock.set(made.expires_at - timedelta(seconds=1))
    sold_seats = services.sales.sold_seat_ids

    def slow_read(**kwargs):
        clock.set(made.expires_at + timedelta(seconds=1))  # the wait, on the store's clock
        return sold_seats(**kwargs)

    monkeypatch.setattr(services.sales, "sold_seat_ids", slow_read)
    with pytest.raises(OrderNotPending) as error:
        pay(user, made)
    assert error.value.details == {"status": "EXPIRED"}
    assert not Booking.objects.exists()


def test_an_order_in_payment_cannot_be_cancelled(user, sid, clock):
    made = order(user, sid, ["B1"])
    get_store().order_payment_start(
        order_id=made.order_id, user_id=user.id, unavailable=(), grace=timedelta(minutes=2)
    )
    with pytest.raises(PaymentInProgress):
        services.order_cancel(user_id=user.id, order_id=made.order_id)


def test_a_seat_sold_in_the_database_cancels_the_order_cleanly(user, other_user, sid, clock):
    made = order(user, sid, ["B1", "B2"])
    # The store lost track of a sale (a failover, say): the database has B2 sold already.
    rival = order(other_user, sid, ["B3"])
    Booking.objects.create(**sale_fields(rival, seats=["B2"], code="BMS-AAAAAA"))
    SoldSeat.objects.create(booking_id=rival.order_id, show_id=sid, seat_id="B2")
    with pytest.raises(SeatUnavailable) as error:
        pay(user, made)
    assert error.value.seat_ids == ["B2"]
    assert Booking.objects.count() == 1
    assert selectors.order_get(user_id=user.id, order_id=made.order_id).status is (
        OrderStatus.CANCELLED
    )
    assert "B1" not in selectors.seat_map_get(show_id=sid).held_seat_ids


def sale_fields(order, *, seats, code):
    now = timezone.now()
    return {
        "id": order.order_id,
        "hold_id": order.hold_id,
        "user_id": order.user_id,
        "show_id": order.show.show_id,
        "movie_title": "x",
        "theatre_name": "x",
        "show_start": order.show.start_time,
        "seat_ids": seats,
        "tickets_amount": 1,
        "convenience_fee": 0,
        "customer_name": "x",
        "customer_email": "x@example.com",
        "customer_phone": "9876543210",
        "ticket_code": code,
        "created_at": now,
        "expires_at": now,
        "confirmed_at": now,
    }


def test_sales_and_paid_orders_survive_losing_the_store(
    user, other_user, sid, clock, restart_store
):
    made = order(user, sid, ["B1", "B2"])
    paid = pay(user, made)
    restart_store()
    assert get_store().order_get(made.order_id) is None
    assert {"B1", "B2"} <= selectors.seat_map_get(show_id=sid).unavailable_seat_ids
    with pytest.raises(SeatUnavailable) as error:
        hold(other_user, sid, ["B2", "B3"])
    assert error.value.seat_ids == ["B2"]
    [listed], _ = selectors.order_list(user_id=user.id, limit=20, offset=0)
    assert (listed.order_id, listed.ticket_code) == (made.order_id, paid.ticket_code)


def test_the_seat_map_brings_a_store_that_lost_its_sales_back_in_line(
    user, sid, clock, restart_store
):
    made = order(user, sid, ["B1", "B2"])
    pay(user, made)
    restart_store()
    assert get_store().show_claims(sid).sold == frozenset()
    selectors.seat_map_get(show_id=sid)  # the next touch of the show
    assert get_store().show_claims(sid).sold == {"B1", "B2"}


# -- listings and the sweeper -----------------------------------------------------------


def test_show_status_counts_sold_held_and_blocked_seats(user, other_user, show, sid, clock):
    day = timezone.localtime(show.start_time).date()

    def status():
        [theatre] = selectors.theatre_shows_list(
            movie_id=str(show.movie_id), day=day, now=timezone.now()
        )
        return theatre.shows[0].status.value

    assert status() == "AVAILABLE"  # 1 of 10 blocked
    hold(user, sid, ["B1", "B2", "B3", "B4"])
    assert status() == "FILLING_FAST"  # 5 of 10 taken
    made = order(other_user, sid, ["B5", "B6", "A1", "A2"])
    assert status() == "ALMOST_FULL"  # 9 of 10 taken
    pay(other_user, made)
    hold(other_user, sid, ["A3"])
    assert status() == "SOLD_OUT"


def test_the_sweeper_forgets_long_ended_holds_and_keeps_live_ones(user, sid, clock):
    old = hold(user, sid, ["B1"])
    clock.set(old.expires_at)
    live = hold(user, sid, ["B3"])
    clock.set(old.expires_at + timedelta(days=1, seconds=1))
    report = services.bookings_sweep(keep_for=timedelta(days=1), now=timezone.now())
    assert report.records_purged == 1
    assert get_store().hold_get(old.hold_id) is None
    assert get_store().hold_get(live.hold_id) is not None
