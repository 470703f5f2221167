"""The negative control: the store race that one winner proves atomic, run again with
the store's atomic step switched off, must find several winners."""

import time
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from booking.domain import Hold, HoldStatus
from booking.stores.memory import MemoryBookingStore
from tests.booking.test_concurrency import THREADS, race


class SlowMemoryStore(MemoryBookingStore):
    """The real store, with a pause between checking seats and claiming them."""

    def _conflicts(self, *args, **kwargs):
        found = super()._conflicts(*args, **kwargs)
        time.sleep(0.002)  # let other threads in between the check and the write
        return found


class UnlockedStore(SlowMemoryStore):
    """The negative control: the same store with its atomic step switched off."""

    @contextmanager
    def _queued(self, partitions):
        yield


def store_race(store: MemoryBookingStore) -> int:
    """32 threads claim the same two seats straight on ``store``; returns the winners."""
    now = timezone.now()
    holds = [
        Hold(
            hold_id=f"h{n}",
            user_id=n,
            show_id="show",
            seat_ids=("R5", "R6"),
            status=HoldStatus.HELD,
            created_at=now,
            expires_at=now + timedelta(minutes=10),
            amount=Decimal(200),
        )
        for n in range(THREADS)
    ]
    outcomes = race(
        [
            lambda hold=hold: store.hold_create(
                hold=hold, partitions=[("show", "PRIME")], unavailable=(), seat_limit=10, now=now
            )
            for hold in holds
        ]
    )
    return sum(1 for outcome in outcomes if not isinstance(outcome, Exception))


def test_the_store_race_has_one_winner_with_the_atomic_step():
    assert store_race(SlowMemoryStore()) == 1


def test_without_the_atomic_step_the_same_race_double_holds():
    assert store_race(UnlockedStore()) > 1  # so the lock is what makes the winner unique
