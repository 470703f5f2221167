"""Cancelling paid bookings: the cinema's policy at each boundary, refunds, partial
cancellation, seats back on sale at once on both stores, and races with payment and
check-in."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from booking import sales, selectors, services
from booking.errors import (
    AlreadyCheckedIn,
    BookingError,
    CancellationClosed,
    CancellationNotAvailable,
    OrderNotPending,
    OrphanSeat,
    PaymentInProgress,
    SeatsNotOnTicket,
    StoreUnavailable,
    TicketCancelled,
)
from booking.models import Booking, CancellationPolicy, Refund, SoldSeat
from booking.stores import get_store
from booking.tickets import ticket_scan_text
from tests import factories
from tests.booking.test_concurrency import race
from tests.booking.test_staff import CUSTOMER, hold, paid_order

H, M, S = timedelta(hours=1), timedelta(minutes=1), timedelta(seconds=1)


@pytest.fixture
def fee(settings):
    settings.CONVENIENCE_FEE_PER_TICKET = Decimal("20")
    return Decimal("20")


def cancel(user, paid, *, at, seats=None):
    return services.booking_cancel(user_id=user.id, order_id=paid.order_id, seat_ids=seats, now=at)


def policy_create(show, *, cutoff=30, tiers=((240, 90), (60, 40)), fee_refunded=True, offers=True):
    policy = CancellationPolicy.objects.create(
        theatre_id=str(show.screen.theatre_id),
        theatre_name=show.screen.theatre.name,
        offers_cancellation=offers,
        cutoff_minutes=cutoff,
        fee_refunded=fee_refunded,
    )
    for minutes, percent in tiers:
        policy.tiers.create(minutes_before=minutes, percent=percent)
    return policy


# -- the default policy: 75 % up to 2 h before, 50 % to 20 min before, no fee ------------


@pytest.mark.parametrize(
    ("before", "share", "refund"),
    [
        (5 * H, 75, "375.00"),
        (2 * H, 75, "375.00"),  # exactly 2 h before: still the earlier tier
        (2 * H - S, 50, "250.00"),
        (20 * M, 50, "250.00"),  # exactly at the cut-off: in time
    ],
)
def test_the_default_policy_at_each_boundary(user, show, fee, before, share, refund):
    paid = paid_order(user, show, ["B1", "B2"])
    done = cancel(user, paid, at=show.start_time - before)
    assert done.refund.share_percent == share
    assert done.refund.tickets_amount == Decimal(refund)
    assert done.refund.fee_amount == Decimal("0.00")  # the default refunds no fee
    assert done.refund.amount == Decimal(refund)
    assert done.order.status == "CANCELLED"
    assert Booking.objects.get().status == "CANCELLED"


def test_past_the_cut_off_cancellation_is_closed_with_the_cut_off(user, show):
    paid = paid_order(user, show, ["B1"])
    with pytest.raises(CancellationClosed) as closed:
        cancel(user, paid, at=show.start_time - 20 * M + S)
    cutoff = timezone.localtime(show.start_time - 20 * M)
    assert closed.value.details == {"cutoff": cutoff.isoformat()}
    assert closed.value.code == "CANCELLATION_CLOSED"
    assert SoldSeat.objects.count() == 1
    assert not Refund.objects.exists()


def test_a_cinema_without_cancellation_refuses(user, db):
    show = factories.show_create(
        screen=factories.screen_create(factories.theatre_create(cancellation_available=False))
    )
    paid = paid_order(user, show, ["B1"])
    with pytest.raises(CancellationNotAvailable):
        cancel(user, paid, at=show.start_time - 5 * H)


def test_a_policy_row_turned_off_overrides_the_catalog(user, show):
    policy_create(show, offers=False)
    paid = paid_order(user, show, ["B1"])
    with pytest.raises(CancellationNotAvailable):
        cancel(user, paid, at=show.start_time - 5 * H)


@pytest.mark.parametrize(
    ("before", "share", "tickets", "closed"),
    [
        (4 * H, 90, "450.00", False),
        (4 * H - S, 40, "200.00", False),
        (60 * M, 40, "200.00", False),
        (60 * M - S, 0, "0.00", False),  # in time, but for no tier: only the fee
        (30 * M, 0, "0.00", False),
        (30 * M - S, 0, "0.00", True),
    ],
)
def test_a_cinemas_own_policy_with_the_fee_refunded(
    user, show, fee, before, share, tickets, closed
):
    policy_create(show)
    paid = paid_order(user, show, ["B1", "B2"])
    if closed:
        with pytest.raises(CancellationClosed):
            cancel(user, paid, at=show.start_time - before)
        return
    done = cancel(user, paid, at=show.start_time - before)
    assert (done.refund.share_percent, done.refund.tickets_amount) == (share, Decimal(tickets))
    assert done.refund.fee_amount == Decimal("40.00")
    assert done.refund.amount == Decimal(tickets) + Decimal("40.00")


def test_a_refund_quote_says_the_same_without_cancelling(user, show, fee):
    policy_create(show)
    paid = paid_order(user, show, ["B1", "B2"])
    quote = services.refund_quote_get(
        user_id=user.id, order_id=paid.order_id, seat_ids=None, now=show.start_time - 5 * H
    )
    assert (quote.share_percent, quote.amount) == (90, Decimal("490.00"))
    assert quote.closes_at == show.start_time - 30 * M
    assert SoldSeat.objects.count() == 2
    assert not Refund.objects.exists()


# -- partial cancellation ------------------------------------------------------------------


def test_a_partial_cancellation_may_not_strand_a_seat(user, show):
    paid = paid_order(user, show, ["B1", "B2", "B3"])  # B1-B3, then an aisle
    for seats, stranded in ((["B2"], ["B2"]), (["B3"], ["B3"]), (["B1"], ["B1"])):
        with pytest.raises(OrphanSeat) as orphan:
            cancel(user, paid, at=show.start_time - 5 * H, seats=seats)
        assert orphan.value.seat_ids == stranded
    assert SoldSeat.objects.count() == 3


def test_partial_cancellations_add_up_to_what_was_paid(user, show, fee):
    paid = paid_order(user, show, ["B2", "B3", "A1"])  # 250 + 250 + 150, fee 60
    first = cancel(user, paid, at=show.start_time - 5 * H, seats=["A1"])
    assert first.refund.tickets_amount == Decimal("112.50")  # 75 % of ₹150
    assert first.order.status == "CONFIRMED"
    assert first.order.seat_ids == ("B2", "B3")
    assert first.order.cancelled_seat_ids == ("A1",)
    assert sorted(SoldSeat.objects.values_list("seat_id", flat=True)) == ["B2", "B3"]
    second = cancel(user, paid, at=show.start_time - 5 * H)  # the rest
    assert second.refund.seat_ids == ["B2", "B3"]
    assert second.refund.tickets_amount == Decimal("375.00")
    assert first.refund.tickets_amount + second.refund.tickets_amount == Decimal("487.50")
    assert Booking.objects.get().status == "CANCELLED"
    with pytest.raises(OrderNotPending):
        cancel(user, paid, at=show.start_time - 5 * H)


def test_seats_not_on_the_ticket_are_refused(user, show):
    paid = paid_order(user, show, ["B2", "B3"])
    with pytest.raises(SeatsNotOnTicket) as refused:
        cancel(user, paid, at=show.start_time - 5 * H, seats=["B4"])
    assert refused.value.details["cancellable"] == ["B2", "B3"]


def test_a_used_ticket_cannot_be_cancelled(user, show):
    paid = paid_order(user, show, ["B1"])
    services.ticket_check_in(ticket_code=paid.ticket_code, now=timezone.now())
    with pytest.raises(AlreadyCheckedIn):
        cancel(user, paid, at=show.start_time - 5 * H)


def test_a_cancelled_ticket_is_refused_at_the_door(user, show):
    paid = paid_order(user, show, ["B1"])
    cancel(user, paid, at=show.start_time - 5 * H)
    with pytest.raises(TicketCancelled) as refused:
        services.ticket_check_in(scan=ticket_scan_text(paid.ticket_code), now=timezone.now())
    assert refused.value.details["status"] == "CANCELLED"
    Refund.objects.update(status=Refund.Status.REFUNDED)
    with pytest.raises(TicketCancelled) as refused:
        services.ticket_check_in(scan=ticket_scan_text(paid.ticket_code), now=timezone.now())
    assert refused.value.details["status"] == "REFUNDED"
    assert "was cancelled and refunded on" in refused.value.message


# -- seats back on sale at once, on both stores --------------------------------------------


@pytest.mark.parametrize("booking_backend", ["memory", "redis"], indirect=True)
def test_cancelled_seats_are_on_sale_at_once(booking_backend, user, other_user, show):
    paid = paid_order(user, show, ["B2", "B3"])
    stale = Booking.objects.get()  # as a late payment step or the sweeper read it
    cancel(user, paid, at=show.start_time - 5 * H)
    assert get_store().show_claims(str(show.id)).sold == frozenset()
    assert selectors.seat_map_get(show_id=str(show.id)).unavailable_seat_ids == {"A4"}
    sales.sale_record_quietly(stale)  # a late record of the sale claims nothing again
    assert get_store().show_claims(str(show.id)).sold == frozenset()
    again = hold(other_user, show, ["B2", "B3"])
    assert again.seat_ids == ("B2", "B3")


@pytest.mark.parametrize("booking_backend", ["memory", "redis"], indirect=True)
def test_a_store_that_missed_the_cancellation_catches_up(
    booking_backend, user, other_user, show, monkeypatch
):
    paid = paid_order(user, show, ["B2", "B3"])
    store = get_store()

    def unreachable(sale):
        raise StoreUnavailable()

    monkeypatch.setattr(store, "sale_release", unreachable)
    cancel(user, paid, at=show.start_time - 5 * H)
    assert store.show_claims(str(show.id)).sold == {"B2", "B3"}  # the store did not hear
    monkeypatch.undo()
    seat_map = selectors.seat_map_get(show_id=str(show.id))  # the next look converges
    assert seat_map.unavailable_seat_ids == {"A4"}
    assert store.show_claims(str(show.id)).sold == frozenset()
    assert hold(other_user, show, ["B2", "B3"]).seat_ids == ("B2", "B3")


# -- races: exactly one outcome --------------------------------------------------------------


@pytest.fixture
def race_show(transactional_db, booking_backend):
    """A show whose races run on each booking store in turn: the process-local one, a
    real Redis and a real Redis Cluster."""
    return factories.show_create()


@pytest.mark.parametrize("round_", range(4))
def test_cancellation_racing_check_in_has_one_outcome(race_show, django_user_model, round_):
    owner = django_user_model.objects.create_user(f"owner{round_}", password="pw")
    paid = paid_order(owner, race_show, ["B2", "B3"])
    outcomes = race(
        [
            lambda: cancel(owner, paid, at=race_show.start_time - 5 * H),
            lambda: services.ticket_check_in(
                scan=ticket_scan_text(paid.ticket_code), now=timezone.now()
            ),
        ]
    )
    cancelled, admitted = outcomes
    booking = Booking.objects.get()
    if isinstance(cancelled, services.Cancellation):
        assert isinstance(admitted, TicketCancelled)
        assert (booking.status, booking.checked_in_at) == ("CANCELLED", None)
        assert Refund.objects.count() == 1
        assert not SoldSeat.objects.exists()
    else:
        assert isinstance(cancelled, AlreadyCheckedIn), cancelled
        assert isinstance(admitted, services.CheckIn), admitted
        assert booking.status == "CONFIRMED"
        assert booking.checked_in_at is not None
        assert not Refund.objects.exists()
        assert SoldSeat.objects.count() == 2


@pytest.mark.parametrize("round_", range(4))
def test_cancellation_racing_payment_has_one_outcome(race_show, django_user_model, round_):
    owner = django_user_model.objects.create_user(f"payer{round_}", password="pw")
    order = services.order_create(
        user_id=owner.id, hold_id=hold(owner, race_show, ["B2", "B3"]).hold_id, customer=CUSTOMER
    )
    paid, cancelled = race(
        [
            lambda: services.order_confirm_payment(
                user_id=owner.id, order_id=order.order_id, idempotency_key=None
            ),
            lambda: services.order_cancel_any(
                user_id=owner.id,
                order_id=order.order_id,
                seat_ids=None,
                now=race_show.start_time - 5 * H,
            ),
        ]
    )
    booking = Booking.objects.filter(pk=order.order_id).first()
    if booking is None:  # cancelled before payment began: no sale, seats free
        assert isinstance(paid, OrderNotPending), paid
        assert cancelled.order.status == "CANCELLED"
        assert cancelled.refund is None
        assert get_store().show_claims(str(race_show.id)).held == frozenset()
    elif isinstance(cancelled, BookingError):  # payment began first: the cancel waits
        assert isinstance(cancelled, PaymentInProgress), cancelled
        assert booking.status == "CONFIRMED"
        assert SoldSeat.objects.count() == 2
    else:  # paid, then cancelled under the policy with a refund
        assert cancelled.refund is not None
        assert booking.status == "CANCELLED"
        assert not SoldSeat.objects.exists()
    assert Refund.objects.count() == (0 if booking is None or booking.status == "CONFIRMED" else 1)
