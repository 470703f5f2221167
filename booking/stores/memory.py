"""The process-local booking store: dicts behind one lock, FIFO queues per partition.

Right for one process with any number of threads (the development server, a threaded
worker). Several processes would each have their own store and sell the same seat, so
serving with more than one process needs the Redis store.
"""

import dataclasses
import threading
import time
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from booking.domain import (
    Hold,
    HoldStatus,
    Order,
    OrderStatus,
    PartitionStats,
    ShowClaims,
)
from booking.errors import (
    BookingError,
    DuplicateRequest,
    HoldChanged,
    HoldNotActive,
    HoldNotFound,
    OrderNotFound,
    OrderNotPending,
    SeatLimitReached,
    SeatUnavailable,
)
from booking.stores.base import BookingStore, Partition


@dataclass(frozen=True, slots=True)
class Claim:
    owner_id: str  # a hold id or an order id
    user_id: int
    expires_at: datetime | None  # None: sold

    def is_live(self, now: datetime) -> bool:
        return self.expires_at is None or now < self.expires_at


class PartitionQueue:
    """A FIFO queue of requests for one partition: each waits for its ticket's turn."""

    def __init__(self) -> None:
        self._turns = threading.Condition()
        self._next_ticket = 0
        self._now_serving = 0
        self.waiting = 0
        self.processed = 0
        self.rejected = 0
        self.longest_wait = 0.0

    @contextmanager
    def turn(self) -> Iterator[None]:
        with self._turns:
            ticket = self._next_ticket
            self._next_ticket += 1
            self.waiting += 1
            queued_at = time.monotonic()
            self._turns.wait_for(lambda: self._now_serving == ticket)
            self.waiting -= 1
            self.longest_wait = max(self.longest_wait, time.monotonic() - queued_at)
        rejected = False
        try:
            yield
        except BookingError:
            rejected = True
            raise
        finally:
            with self._turns:
                self._now_serving += 1
                self.processed += 1
                self.rejected += rejected
                self._turns.notify_all()


class MemoryBookingStore(BookingStore):
    backend_name = "memory (this process only)"

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._holds: dict[str, Hold] = {}
        self._orders: dict[str, Order] = {}
        self._claims: dict[str, dict[str, Claim]] = defaultdict(dict)
        self._versions: dict[str, dict[str, int]] = defaultdict(dict)
        # (show id, user id) -> ids of the holds and orders that may still claim seats
        self._user_owners: dict[tuple[str, int], set[str]] = defaultdict(set)
        self._user_orders: dict[int, list[str]] = defaultdict(list)
        self._queues: dict[Partition, PartitionQueue] = {}
        self._queues_lock = threading.Lock()

    # -- queues ---------------------------------------------------------------------

    @contextmanager
    def _queued(self, partitions: Collection[Partition]) -> Iterator[None]:
        """Wait for this request's turn in every partition it touches, in sorted order
        (a fixed order, so two multi-partition requests cannot wait on each other)."""
        with ExitStack() as stack:
            for partition in sorted(set(partitions)):
                stack.enter_context(self._queue(partition).turn())
            with self._lock:
                yield

    def _queue(self, partition: Partition) -> PartitionQueue:
        with self._queues_lock:
            return self._queues.setdefault(partition, PartitionQueue())

    def queue_stats(self) -> list[PartitionStats]:
        with self._queues_lock:
            queues = sorted(self._queues.items())
        return [
            PartitionStats(
                show_id=show_id,
                tier=tier,
                waiting=queue.waiting,
                processed=queue.processed,
                rejected=queue.rejected,
                longest_wait_seconds=queue.longest_wait,
            )
            for (show_id, tier), queue in queues
        ]

    # -- claims (call with the lock held) -------------------------------------------

    def _conflicts(
        self,
        show_id: str,
        seat_ids: Collection[str],
        unavailable: Collection[str],
        now: datetime,
        expected_versions: Mapping[str, int] | None = None,
    ) -> list[str]:
        claims = self._claims[show_id]
        versions = self._versions[show_id]
        return [
            seat_id
            for seat_id in seat_ids
            if seat_id in unavailable
            or (seat_id in claims and claims[seat_id].is_live(now))
            or (
                expected_versions is not None
                and versions.get(seat_id, 0) != expected_versions.get(seat_id, 0)
            )
        ]

    def _user_seat_count(self, show_id: str, user_id: int, now: datetime) -> int:
        owners = self._user_owners[(show_id, user_id)]
        count = 0
        for owner_id in list(owners):
            if (hold := self._holds.get(owner_id)) and hold.is_active(now):
                count += len(hold.seat_ids)
            elif (order := self._orders.get(owner_id)) and order.is_pending(now):
                count += len(order.seat_ids)
            else:
                owners.discard(owner_id)  # ended: it claims nothing any more
        return count

    def _claim(self, show_id: str, seat_ids: Collection[str], claim: Claim) -> None:
        for seat_id in sorted(seat_ids):
            self._claims[show_id][seat_id] = claim
            self._bump(show_id, seat_id)

    def _release(self, show_id: str, seat_ids: Collection[str], owner_id: str) -> None:
        claims = self._claims[show_id]
        for seat_id in sorted(seat_ids):
            if seat_id in claims and claims[seat_id].owner_id == owner_id:
                del claims[seat_id]
                self._bump(show_id, seat_id)

    def _bump(self, show_id: str, seat_id: str) -> None:
        versions = self._versions[show_id]
        versions[seat_id] = versions.get(seat_id, 0) + 1

    def _active_hold(self, hold_id: str, now: datetime) -> Hold:
        hold = self._holds.get(hold_id)
        if hold is None:
            raise HoldNotFound()
        if not hold.is_active(now):
            raise HoldNotActive(hold.status_at(now))
        return hold

    def _pending_order(self, order_id: str, now: datetime) -> Order:
        order = self._orders.get(order_id)
        if order is None:
            raise OrderNotFound()
        if not order.is_pending(now):
            raise OrderNotPending(order.status_at(now))
        return order

    # -- holds ----------------------------------------------------------------------

    def hold_create(
        self, *, hold, partitions, unavailable, seat_limit, now, expected_versions=None
    ) -> Hold:
        with self._queued(partitions):
            if hold.hold_id in self._holds:
                raise DuplicateRequest()
            conflicts = self._conflicts(
                hold.show_id, hold.seat_ids, unavailable, now, expected_versions
            )
            if conflicts:
                raise SeatUnavailable(conflicts)
            held = self._user_seat_count(hold.show_id, hold.user_id, now)
            if held + len(hold.seat_ids) > seat_limit:
                raise SeatLimitReached(seat_limit)
            self._claim(
                hold.show_id, hold.seat_ids, Claim(hold.hold_id, hold.user_id, hold.expires_at)
            )
            self._holds[hold.hold_id] = hold
            self._user_owners[(hold.show_id, hold.user_id)].add(hold.hold_id)
            return hold

    def hold_get(self, *, hold_id: str) -> Hold | None:
        with self._lock:
            return self._holds.get(hold_id)

    def hold_change_seats(
        self, *, show_id, hold_id, seat_ids, amount, partitions, unavailable, seat_limit, now
    ) -> Hold:
        with self._queued(partitions):
            hold = self._active_hold(hold_id, now)
            added = set(seat_ids) - set(hold.seat_ids)
            removed = set(hold.seat_ids) - set(seat_ids)
            conflicts = self._conflicts(hold.show_id, added, unavailable, now)
            if conflicts:
                raise SeatUnavailable(conflicts)
            held = self._user_seat_count(hold.show_id, hold.user_id, now)
            if held - len(hold.seat_ids) + len(seat_ids) > seat_limit:
                raise SeatLimitReached(seat_limit)
            self._release(hold.show_id, removed, hold_id)
            self._claim(hold.show_id, added, Claim(hold_id, hold.user_id, hold.expires_at))
            changed = dataclasses.replace(hold, seat_ids=tuple(seat_ids), amount=Decimal(amount))
            self._holds[hold_id] = changed
            return changed

    def hold_release(self, *, show_id, hold_id, partitions, now) -> Hold:
        with self._queued(partitions):
            hold = self._active_hold(hold_id, now)
            self._release(hold.show_id, hold.seat_ids, hold_id)
            released = dataclasses.replace(hold, status=HoldStatus.RELEASED)
            self._holds[hold_id] = released
            return released

    # -- orders ---------------------------------------------------------------------

    def order_create(self, *, order, partitions, now) -> Order:
        with self._queued(partitions):
            hold = self._active_hold(order.hold_id, now)
            if hold.seat_ids != order.seat_ids:
                raise HoldChanged()
            self._holds[hold.hold_id] = dataclasses.replace(hold, status=HoldStatus.CONVERTED)
            self._claim(
                hold.show_id, hold.seat_ids, Claim(order.order_id, order.user_id, order.expires_at)
            )
            owners = self._user_owners[(hold.show_id, hold.user_id)]
            owners.discard(hold.hold_id)
            owners.add(order.order_id)
            self._orders[order.order_id] = order
            self._user_orders[order.user_id].append(order.order_id)
            return order

    def order_get(self, *, order_id: str) -> Order | None:
        with self._lock:
            return self._orders.get(order_id)

    def order_list(self, *, user_id: int) -> list[Order]:
        with self._lock:
            return [
                self._orders[order_id]
                for order_id in self._user_orders[user_id]
                if order_id in self._orders
            ]

    def order_cancel(self, *, show_id, order_id, partitions, now) -> Order:
        with self._queued(partitions):
            order = self._pending_order(order_id, now)
            self._release(order.show.show_id, order.seat_ids, order_id)
            cancelled = dataclasses.replace(order, status=OrderStatus.CANCELLED)
            self._orders[order_id] = cancelled
            return cancelled

    def order_confirm(
        self, *, show_id, order_id, ticket_code, idempotency_key, partitions, now
    ) -> Order:
        with self._queued(partitions):
            order = self._pending_order(order_id, now)
            self._claim(
                order.show.show_id, order.seat_ids, Claim(order_id, order.user_id, expires_at=None)
            )
            confirmed = dataclasses.replace(
                order,
                status=OrderStatus.CONFIRMED,
                ticket_code=ticket_code,
                confirmed_at=now,
                idempotency_key=idempotency_key,
            )
            self._orders[order_id] = confirmed
            return confirmed

    # -- reads ----------------------------------------------------------------------

    def show_claims(self, *, show_id: str, now: datetime) -> ShowClaims:
        with self._lock:
            claims = list(self._claims[show_id].items())
        return ShowClaims(
            held=frozenset(s for s, c in claims if c.expires_at is not None and c.is_live(now)),
            sold=frozenset(s for s, c in claims if c.expires_at is None),
        )

    def seat_versions(self, *, show_id: str) -> dict[str, int]:
        with self._lock:
            return dict(self._versions[show_id])

    def holds_list(self) -> list[Hold]:
        with self._lock:
            return list(self._holds.values())

    def orders_list(self) -> list[Order]:
        with self._lock:
            return list(self._orders.values())

    def purge(self, *, now: datetime, keep_for: timedelta) -> int:
        cutoff = now - keep_for
        with self._lock:
            ended_holds = [
                h.hold_id
                for h in self._holds.values()
                if not h.is_active(now) and h.expires_at < cutoff
            ]
            ended_orders = [
                o.order_id
                for o in self._orders.values()
                if not o.is_pending(now) and o.expires_at < cutoff
            ]
            for hold_id in ended_holds:
                del self._holds[hold_id]
            for order_id in ended_orders:
                del self._orders[order_id]
            for claims in self._claims.values():
                for seat_id in [s for s, c in claims.items() if not c.is_live(now)]:
                    del claims[seat_id]
            return len(ended_holds) + len(ended_orders)
