"""Races between real threads, started together at a barrier."""

import random
import threading
from collections import Counter
from collections.abc import Callable
from functools import partial

import pytest
from django.contrib.auth.models import User
from django.db import connection

from booking import services
from booking.domain import Customer, OrderStatus
from booking.errors import BookingError, OrderNotPending, PaymentInProgress, SeatUnavailable
from booking.models import Booking, SoldSeat
from booking.stores import get_store
from tests import factories
from tests.booking.store_contract import hold_request
from tests.support.clock import ManualClock

pytestmark = pytest.mark.usefixtures("booking_backend")

THREADS = 32
CUSTOMER = Customer(name="Asha Rao", email="asha@example.com", phone="9876543210")


def race(workers: list[Callable[[], object]]) -> list[object]:
    """Run every worker in its own thread, all released at once; return each outcome
    (a result or the exception it raised)."""
    barrier = threading.Barrier(len(workers))
    outcomes: list[object] = [None] * len(workers)

    def run(index: int, work: Callable[[], object]) -> None:
        barrier.wait()
        try:
            outcomes[index] = work()
        except Exception as exc:
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.fixture
def big_show(transactional_db):
    """A show with one row of 40 seats (R1-R40) at ₹100."""
    screen = factories.screen_create()
    tier = screen.tiers.get(code="PRIME")
    screen.rows.all().delete()
    screen.rows.create(tier=tier, label="R", position=0, seat_count=40)
    return factories.show_create(screen=screen, prices={"PRIME": "100"})


@pytest.fixture
def users(transactional_db):
    return [User.objects.create_user(f"user{n}") for n in range(THREADS)]


def hold(user, show, seats, client="192.0.2.1"):
    return services.hold_create(
        user_id=user.id, client=client, show_id=str(show.id), seat_ids=seats
    )


def test_exactly_one_of_32_threads_wins_the_same_seats(big_show, users):
    outcomes = race([lambda user=user: hold(user, big_show, ["R5", "R6"]) for user in users])
    winners = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(winners) == 1
    assert all(isinstance(o, SeatUnavailable) for o in outcomes if o not in winners)


def test_overlapping_multi_seat_holds_never_share_a_seat(big_show, users, settings):
    settings.MAX_ACTIVE_SEATS_PER_CLIENT = 1000
    rng = random.Random(7)
    requests = [(user, rng.sample(range(1, 41), rng.randint(1, 6))) for user in users * 3]
    outcomes = race(
        [
            lambda user=user, seats=seats: hold(user, big_show, [f"R{n}" for n in seats])
            for user, seats in requests
        ]
    )
    assert not [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, BookingError)]
    active = [h for h in get_store().holds_list() if h.is_active]
    claimed = Counter(seat for hold in active for seat in hold.seat_ids)
    assert claimed, "some holds must succeed"
    assert max(claimed.values()) == 1
    assert len(active) == sum(1 for o in outcomes if not isinstance(o, Exception))


def test_confirm_and_cancel_racing_on_one_order_leave_exactly_one_outcome(big_show, users):
    for round_number in range(10):
        user = users[round_number]
        # Three seats apart: a cancelled round leaves no single seat for the next.
        held = hold(user, big_show, [f"R{3 * round_number + 1}"])
        order = services.order_create(user_id=user.id, hold_id=held.hold_id, customer=CUSTOMER)
        confirm = partial(
            services.order_confirm_payment,
            user_id=user.id,
            order_id=order.order_id,
            idempotency_key=None,
        )
        cancel = partial(services.order_cancel, user_id=user.id, order_id=order.order_id)
        outcomes = race([confirm, cancel])
        successes = [o for o in outcomes if not isinstance(o, Exception)]
        assert len(successes) == 1, outcomes
        assert all(
            isinstance(o, OrderNotPending | PaymentInProgress)
            for o in outcomes
            if o not in successes
        )
        final = get_store().order_get(order.order_id).status
        assert final == successes[0].status
        assert Booking.objects.filter(pk=order.order_id).exists() == (
            final is OrderStatus.CONFIRMED
        )


def test_concurrent_confirms_with_one_idempotency_key_make_one_sale(big_show, users):
    user = users[0]
    held = hold(user, big_show, ["R1", "R2"])
    order = services.order_create(user_id=user.id, hold_id=held.hold_id, customer=CUSTOMER)
    outcomes = race(
        [
            lambda: services.order_confirm_payment(
                user_id=user.id, order_id=order.order_id, idempotency_key="same"
            )
            for _ in range(8)
        ]
    )
    assert {o.ticket_code for o in outcomes} == {Booking.objects.get().ticket_code}
    assert SoldSeat.objects.count() == 2


def test_32_threads_on_the_store_itself_leave_one_winner(booking_backend):
    store = get_store()
    clock = ManualClock()
    outcomes = race(
        [
            lambda n=n: store.hold_create(hold_request(clock, ["R5", "R6"], user=n))
            for n in range(THREADS)
        ]
    )
    assert sum(1 for outcome in outcomes if not isinstance(outcome, Exception)) == 1
    assert all(isinstance(o, SeatUnavailable) for o in outcomes if isinstance(o, Exception))
