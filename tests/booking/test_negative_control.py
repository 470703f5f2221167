"""The negative control: the store race that one winner proves atomic, run again with
the store's atomic step switched off, must find several winners."""

import time
from contextlib import contextmanager

from booking.stores.memory import MemoryBookingStore
from tests.booking.store_contract import hold_request
from tests.booking.test_concurrency import THREADS, race
from tests.support.clock import ManualClock


class SlowMemoryStore(MemoryBookingStore):
    """The real store, with a pause between checking seats and claiming them."""

    def _conflicts(self, *args, **kwargs):
        found = super()._conflicts(*args, **kwargs)
        time.sleep(0.002)  # let other threads in between the check and the write
        return found


class UnlockedStore(SlowMemoryStore):
    """The negative control: the same store with its atomic step switched off."""

    @contextmanager
    def _atomic(self, partitions):
        yield self.now()


def store_race(store: MemoryBookingStore) -> int:
    """32 threads claim the same two seats straight on ``store``; returns the winners."""
    clock = ManualClock()
    outcomes = race(
        [
            lambda user=user: store.hold_create(hold_request(clock, ["R5", "R6"], user=user))
            for user in range(THREADS)
        ]
    )
    return sum(1 for outcome in outcomes if not isinstance(outcome, Exception))


def test_the_store_race_has_one_winner_with_the_atomic_step():
    assert store_race(SlowMemoryStore()) == 1


def test_without_the_atomic_step_the_same_race_double_holds():
    assert store_race(UnlockedStore()) > 1  # so the lock is what makes the winner unique
