"""The process-local booking store: dicts behind one lock, FIFO queues per partition.

Right for one process with any number of threads (the development server, a threaded
worker). Several processes would each have their own store and sell the same seat, so
serving with more than one process needs the Redis store (``check_single_process`` makes
a second serving process refuse to start). Django's ``locmem`` cache is the model: plain
dicts, one lock, expiry kept beside the value and compared when read.
"""

import dataclasses
import fcntl
import hashlib
import os
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict, deque
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO

from booking.domain import (
    Hold,
    HoldStatus,
    Order,
    OrderStatus,
    PartitionStats,
    Sale,
    ShowClaims,
)
from booking.errors import (
    BookingError,
    DuplicateRequest,
    HoldChanged,
    HoldNotActive,
    HoldNotFound,
    NotYours,
    OrderNotFound,
    OrderNotPending,
    PaymentInProgress,
    SalesClosed,
    SeatLimitReached,
    SeatUnavailable,
)
from booking.stores.base import BookingStore, Clock, HoldRequest, OrderRequest, SeatClaim
from booking.stores.records import HoldRecord, OrderRecord

Partition = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Claim:
    owner_id: str  # a hold id or an order id
    until: datetime | None  # None: sold

    def is_live(self, now: datetime) -> bool:
        return self.until is None or now < self.until


class PartitionQueue:
    """A FIFO queue of requests for one partition: the request at the head runs, the others
    wait in arrival order, each on a lock of its own. Ending a turn hands it to the next
    request alone, so a queue of n requests costs one wake-up per turn, not n (a shared
    condition would wake every waiter to find the one whose turn it is)."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._busy = False
        self._waiters: deque[threading.Lock] = deque()
        self.processed = 0
        self.rejected = 0
        self.longest_wait = 0.0

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    def enter(self) -> None:
        """Return when it is this request's turn."""
        with self._mutex:
            if not self._busy:
                self._busy = True
                return
            turn = threading.Lock()
            turn.acquire()
            self._waiters.append(turn)
        queued_at = time.monotonic()
        turn.acquire()  # released by the request before this one, as it leaves
        # Only the request whose turn it is writes this: the hand-over orders the writes.
        self.longest_wait = max(self.longest_wait, time.monotonic() - queued_at)

    def leave(self, *, rejected: bool) -> None:
        """End this request's turn and hand it to the next request, if one waits."""
        with self._mutex:
            self.processed += 1
            self.rejected += rejected
            if self._waiters:
                self._waiters.popleft().release()
            else:
                self._busy = False


class MemoryBookingStore(BookingStore):
    backend_name = "memory (this process only)"

    def __init__(
        self, location: str = "", options: dict | None = None, *, clock: Clock | None = None
    ):
        super().__init__(clock=clock)
        self._lock = threading.RLock()
        self._holds: dict[str, HoldRecord] = {}
        self._orders: dict[str, OrderRecord] = {}
        self._claims: dict[str, dict[str, Claim]] = defaultdict(dict)
        self._versions: dict[str, dict[str, int]] = defaultdict(dict)
        self._show_versions: Counter[str] = Counter()
        # (show id, user id or client address) -> ids of holds and orders that may claim seats
        self._user_owners: dict[tuple[str, int], set[str]] = defaultdict(set)
        self._client_owners: dict[tuple[str, str], set[str]] = defaultdict(set)
        self._user_holds: dict[int, list[str]] = defaultdict(list)
        self._user_orders: dict[int, list[str]] = defaultdict(list)
        self._queues: dict[Partition, PartitionQueue] = {}
        self._released: dict[str, set[str]] = defaultdict(set)  # order id -> seats given back
        self._queues_lock = threading.Lock()

    # -- the atomic step ------------------------------------------------------------------

    @contextmanager
    def _atomic(self, partitions: Collection[Partition]) -> Iterator[datetime]:
        """Wait for this request's turn in every partition it touches, in sorted order (a
        fixed order, so two multi-partition requests cannot wait on each other), then take
        the lock. Yields the store's clock, read once the lock is held."""
        entered: list[PartitionQueue] = []
        rejected = False
        try:
            for partition in sorted(set(partitions)):
                queue = self._queue(partition)
                queue.enter()
                entered.append(queue)
            with self._lock:
                yield self.now()
        except BookingError:
            rejected = True
            raise
        finally:
            for queue in reversed(entered):
                queue.leave(rejected=rejected)

    def _queue(self, partition: Partition) -> PartitionQueue:
        queue = self._queues.get(partition)
        if queue is None:
            with self._queues_lock:
                queue = self._queues.setdefault(partition, PartitionQueue())
        return queue

    @staticmethod
    def _partitions(show_id: str, *tier_lists: Collection[str]) -> set[Partition]:
        return {(show_id, tier) for tiers in tier_lists for tier in tiers}

    def _record_partitions(self, record_id: str, *more_tiers: Collection[str]) -> set[Partition]:
        """The partitions of a hold or order (and of ``more_tiers`` of its show)."""
        with self._lock:
            record = self._holds.get(record_id) or self._orders.get(record_id)
        if record is None:
            return set()
        show_id = record.show_id if isinstance(record, HoldRecord) else record.show.show_id
        return self._partitions(show_id, record.tiers, *more_tiers)

    # -- claims (call inside the atomic step) ---------------------------------------------

    def _check_claim(
        self,
        show_id: str,
        *,
        owner_id: str,
        user_id: int,
        client: str,
        claim: SeatClaim,
        seats_now: int,
        now: datetime,
    ) -> None:
        """Everything a claim of ``claim.seat_ids`` for ``owner_id`` must satisfy, which
        already has ``seats_now`` seats. Raises; writes nothing."""
        if now >= claim.sales_close_at:
            raise SalesClosed()
        conflicts = self._conflicts(show_id, claim.seat_ids, claim.unavailable, owner_id, now)
        if conflicts:
            raise SeatUnavailable(conflicts)
        added = len(claim.seat_ids) - seats_now
        if self._owned_seats(self._user_owners[(show_id, user_id)], now) + added > claim.user_limit:
            raise SeatLimitReached(claim.user_limit, "user")
        owners = self._client_owners[(show_id, client)]
        if self._owned_seats(owners, now) + added > claim.client_limit:
            raise SeatLimitReached(claim.client_limit, "client")

    def _conflicts(
        self,
        show_id: str,
        seat_ids: Collection[str],
        unavailable: Collection[str],
        owner_id: str,
        now: datetime,
    ) -> list[str]:
        claims = self._claims[show_id]
        return [
            seat_id
            for seat_id in seat_ids
            if seat_id in unavailable
            or (
                seat_id in claims
                and claims[seat_id].is_live(now)
                and claims[seat_id].owner_id != owner_id
            )
        ]

    def _owned_seats(self, owners: set[str], now: datetime) -> int:
        """Seats in the owners' active holds and pending orders (reading only)."""
        count = 0
        for owner_id in owners:
            if (hold := self._holds.get(owner_id)) and hold.is_active(now):
                count += len(hold.seat_ids)
            elif (order := self._orders.get(owner_id)) and order.is_pending(now):
                count += len(order.seat_ids)
        return count

    def _own(self, show_id: str, user_id: int, client: str, owner_id: str, now: datetime) -> None:
        for owners in (
            self._user_owners[(show_id, user_id)],
            self._client_owners[(show_id, client)],
        ):
            ended = [o for o in owners if not self._owned_seats({o}, now)]
            owners.difference_update(ended)
            owners.add(owner_id)

    def _disown(self, show_id: str, user_id: int, client: str, owner_id: str) -> None:
        self._user_owners[(show_id, user_id)].discard(owner_id)
        self._client_owners[(show_id, client)].discard(owner_id)

    def _claim(self, show_id: str, seat_ids: Collection[str], claim: Claim) -> None:
        for seat_id in seat_ids:
            self._claims[show_id][seat_id] = claim
        self._bump(show_id, seat_ids)

    def _reclaim(
        self, show_id: str, seat_ids: Collection[str], owner_id: str, claim: Claim
    ) -> None:
        """Move ``owner_id``'s claims to ``claim`` (the order, a later end): the seats stay
        taken, so their versions do not change."""
        claims = self._claims[show_id]
        for seat_id in seat_ids:
            if seat_id in claims and claims[seat_id].owner_id == owner_id:
                claims[seat_id] = claim

    def _release(self, show_id: str, seat_ids: Collection[str], owner_id: str) -> None:
        claims = self._claims[show_id]
        released = [s for s in seat_ids if s in claims and claims[s].owner_id == owner_id]
        for seat_id in released:
            del claims[seat_id]
        self._bump(show_id, released)

    def _bump(self, show_id: str, seat_ids: Collection[str]) -> None:
        """The show's version counts every change of a seat's claim; each seat changed
        takes the show's version after the change."""
        if not seat_ids:
            return
        self._show_versions[show_id] += len(seat_ids)
        version = self._show_versions[show_id]
        self._versions[show_id].update(dict.fromkeys(seat_ids, version))

    def _hold(self, hold_id: str, user_id: int | None) -> HoldRecord:
        hold = self._holds.get(hold_id)
        if hold is None:
            raise HoldNotFound()
        if user_id is not None and hold.user_id != user_id:
            raise NotYours()
        return hold

    def _active_hold(self, hold_id: str, user_id: int | None, now: datetime) -> HoldRecord:
        hold = self._hold(hold_id, user_id)
        if not hold.is_active(now):
            raise HoldNotActive(hold.status_at(now))
        return hold

    def _order(self, order_id: str, user_id: int | None) -> OrderRecord:
        order = self._orders.get(order_id)
        if order is None:
            raise OrderNotFound()
        if user_id is not None and order.user_id != user_id:
            raise NotYours()
        return order

    def _pending_order(self, order_id: str, user_id: int | None, now: datetime) -> OrderRecord:
        order = self._order(order_id, user_id)
        if not order.is_pending(now):
            raise OrderNotPending(order.status_at(now))
        return order

    # -- holds ----------------------------------------------------------------------------

    def _hold_create(self, request: HoldRequest) -> Hold:
        claim = request.claim
        with self._atomic(self._partitions(request.show_id, claim.tiers)) as now:
            if existing := self._holds.get(request.hold_id):
                raise DuplicateRequest(existing.at(now), existing.fingerprint)
            self._check_claim(
                request.show_id,
                owner_id=request.hold_id,
                user_id=request.user_id,
                client=request.client,
                claim=claim,
                seats_now=0,
                now=now,
            )
            hold = HoldRecord(
                hold_id=request.hold_id,
                user_id=request.user_id,
                client=request.client,
                show_id=request.show_id,
                seat_ids=claim.seat_ids,
                tiers=claim.tiers,
                status=HoldStatus.HELD,
                created_at=now,
                expires_at=min(now + request.ttl, claim.sales_close_at),
                amount=claim.amount,
                fingerprint=request.fingerprint,
            )
            self._claim(hold.show_id, hold.seat_ids, Claim(hold.hold_id, hold.expires_at))
            self._holds[hold.hold_id] = hold
            self._own(hold.show_id, hold.user_id, hold.client, hold.hold_id, now)
            self._user_holds[hold.user_id].append(hold.hold_id)
            return hold.at(now)

    def hold_change_seats(self, *, hold_id: str, user_id: int, claim: SeatClaim) -> Hold:
        with self._atomic(self._record_partitions(hold_id, claim.tiers)) as now:
            hold = self._active_hold(hold_id, user_id, now)
            self._check_claim(
                hold.show_id,
                owner_id=hold_id,
                user_id=hold.user_id,
                client=hold.client,
                claim=claim,
                seats_now=len(hold.seat_ids),
                now=now,
            )
            self._release(hold.show_id, set(hold.seat_ids) - set(claim.seat_ids), hold_id)
            added = set(claim.seat_ids) - set(hold.seat_ids)
            self._claim(hold.show_id, added, Claim(hold_id, hold.expires_at))
            changed = dataclasses.replace(
                hold, seat_ids=claim.seat_ids, tiers=claim.tiers, amount=claim.amount
            )
            self._holds[hold_id] = changed
            return changed.at(now)

    def hold_release(self, *, hold_id: str, user_id: int | None) -> Hold:
        with self._atomic(self._record_partitions(hold_id)) as now:
            hold = self._active_hold(hold_id, user_id, now)
            self._release(hold.show_id, hold.seat_ids, hold_id)
            self._disown(hold.show_id, hold.user_id, hold.client, hold_id)
            released = dataclasses.replace(hold, status=HoldStatus.RELEASED)
            self._holds[hold_id] = released
            return released.at(now)

    # -- orders ---------------------------------------------------------------------------

    def _order_create(self, request: OrderRequest) -> Order:
        with self._atomic(self._record_partitions(request.hold_id)) as now:
            if existing := self._orders.get(request.order_id):
                raise DuplicateRequest(existing.at(now), existing.fingerprint)
            hold = self._active_hold(request.hold_id, request.user_id, now)
            if hold.seat_ids != request.seat_ids:
                raise HoldChanged()
            if now >= request.sales_close_at:
                raise SalesClosed()
            conflicts = self._conflicts(
                hold.show_id, hold.seat_ids, request.unavailable, hold.hold_id, now
            )
            if conflicts:
                raise SeatUnavailable(conflicts)
            expires = min(now + request.ttl, request.sales_close_at)
            order = OrderRecord(
                order_id=request.order_id,
                hold_id=hold.hold_id,
                user_id=hold.user_id,
                client=hold.client,
                show=request.show,
                seat_ids=hold.seat_ids,
                tiers=hold.tiers,
                status=OrderStatus.PAYMENT_PENDING,
                created_at=now,
                expires_at=expires,
                live_until=expires,
                tickets_amount=request.tickets_amount,
                convenience_fee=request.convenience_fee,
                customer=request.customer,
                sales_close_at=request.sales_close_at,
                fingerprint=request.fingerprint,
            )
            self._holds[hold.hold_id] = dataclasses.replace(
                hold, status=HoldStatus.CONVERTED, order_id=order.order_id
            )
            self._reclaim(hold.show_id, hold.seat_ids, hold.hold_id, Claim(order.order_id, expires))
            self._disown(hold.show_id, hold.user_id, hold.client, hold.hold_id)
            self._own(hold.show_id, hold.user_id, hold.client, order.order_id, now)
            self._orders[order.order_id] = order
            self._user_orders[order.user_id].append(order.order_id)
            return order.at(now)

    def order_cancel(self, *, order_id: str, user_id: int | None) -> Order:
        with self._atomic(self._record_partitions(order_id)) as now:
            order = self._pending_order(order_id, user_id, now)
            if order.payment_started_at is not None:
                raise PaymentInProgress()
            return self._cancel(order, now)

    def _cancel(self, order: OrderRecord, now: datetime) -> Order:
        self._release(order.show.show_id, order.seat_ids, order.order_id)
        self._disown(order.show.show_id, order.user_id, order.client, order.order_id)
        cancelled = dataclasses.replace(order, status=OrderStatus.CANCELLED)
        self._orders[order.order_id] = cancelled
        return cancelled.at(now)

    def order_payment_start(
        self, *, order_id: str, user_id: int, unavailable: Collection[str], grace: timedelta
    ) -> Order:
        with self._atomic(self._record_partitions(order_id)) as now:
            order = self._pending_order(order_id, user_id, now)
            if order.payment_started_at is not None:
                return order.at(now)  # a retry resumes the payment in progress
            if now >= order.sales_close_at:
                raise SalesClosed()
            sold_elsewhere = [seat for seat in order.seat_ids if seat in unavailable]
            if sold_elsewhere:
                raise SeatUnavailable(sold_elsewhere)
            live_until = max(order.expires_at, now + grace)
            self._reclaim(order.show.show_id, order.seat_ids, order_id, Claim(order_id, live_until))
            paying = dataclasses.replace(order, payment_started_at=now, live_until=live_until)
            self._orders[order_id] = paying
            return paying.at(now)

    def order_payment_fail(self, *, order_id: str) -> Order:
        with self._atomic(self._record_partitions(order_id)) as now:
            order = self._order(order_id, None)
            if order.status is OrderStatus.CONFIRMED:
                raise OrderNotPending(order.status)
            return self._cancel(order, now)

    def sale_record(self, sale: Sale) -> None:
        with self._atomic(self._record_partitions(sale.order_id)):
            claims = self._claims[sale.show_id]
            sold = Claim(sale.order_id, None)
            released = self._released.get(sale.order_id, set())
            self._claim(
                sale.show_id,
                [s for s in sale.seat_ids if claims.get(s) != sold and s not in released],
                sold,
            )
            if order := self._orders.get(sale.order_id):
                self._disown(order.show.show_id, order.user_id, order.client, order.order_id)
                self._orders[sale.order_id] = dataclasses.replace(
                    order, status=OrderStatus.CONFIRMED
                )

    def sale_release(self, sale: Sale) -> None:
        with self._atomic(self._record_partitions(sale.order_id)):
            self._released[sale.order_id].update(sale.seat_ids)
            self._release(sale.show_id, sale.seat_ids, sale.order_id)

    # -- reads ----------------------------------------------------------------------------

    def holds_get(self, hold_ids: Collection[str]) -> dict[str, Hold]:
        with self._lock:
            now = self.now()
            return {i: self._holds[i].at(now) for i in hold_ids if i in self._holds}

    def orders_get(self, order_ids: Collection[str]) -> dict[str, Order]:
        with self._lock:
            now = self.now()
            return {i: self._orders[i].at(now) for i in order_ids if i in self._orders}

    def user_holds(self, user_id: int) -> list[Hold]:
        with self._lock:
            return list(self.holds_get(self._user_holds[user_id]).values())

    def user_orders(self, user_id: int) -> list[Order]:
        with self._lock:
            return list(self.orders_get(self._user_orders[user_id]).values())

    def shows_claims(self, show_ids: Collection[str]) -> dict[str, ShowClaims]:
        with self._lock:
            now = self.now()
            return {
                show_id: ShowClaims(
                    held=frozenset(
                        seat
                        for seat, claim in self._claims[show_id].items()
                        if claim.until is not None and claim.is_live(now)
                    ),
                    sold=frozenset(
                        seat for seat, claim in self._claims[show_id].items() if claim.until is None
                    ),
                    version=self._show_versions[show_id],
                    as_of=now,
                )
                for show_id in show_ids
            }

    def seats_claimed(self, show_id: str, seat_ids: Collection[str]) -> frozenset[str]:
        with self._lock:
            now = self.now()
            claims = self._claims.get(show_id, {})
            return frozenset(
                seat for seat in seat_ids if (claim := claims.get(seat)) and claim.is_live(now)
            )

    def seat_versions(self, show_id: str) -> dict[str, int]:
        with self._lock:
            return dict(self._versions[show_id])

    def holds_list(self) -> list[Hold]:
        with self._lock:
            return list(self.holds_get(list(self._holds)).values())

    def orders_list(self) -> list[Order]:
        with self._lock:
            return list(self.orders_get(list(self._orders)).values())

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

    def purge(self, *, keep_for: timedelta) -> int:
        with self._lock:
            now = self.now()
            cutoff = now - keep_for
            ended_holds = [
                h.hold_id
                for h in self._holds.values()
                if not h.is_active(now) and h.expires_at < cutoff
            ]
            ended_orders = [
                o.order_id
                for o in self._orders.values()
                if not o.is_pending(now) and o.live_until < cutoff
            ]
            for hold_id in ended_holds:
                del self._holds[hold_id]
            for order_id in ended_orders:
                del self._orders[order_id]
            for claims in self._claims.values():
                for seat_id in [s for s, c in claims.items() if not c.is_live(now)]:
                    del claims[seat_id]
            return len(ended_holds) + len(ended_orders)


# -- one serving process per deployment ---------------------------------------------------

REFUSAL = (
    "Another process already serves this site with the process-local booking store "
    "(BOOKING_STORE_URL=memory://): two would sell the same seats twice. Serve with one "
    "process, or set BOOKING_STORE_URL=redis://host:port/db."
)
FORK_HANDOVER_SECONDS = 2.0
_lock_path: str | None = None
_lock: IO[str] | None = None


def check_single_process(database_identity: str) -> None:
    """Refuse to serve when another process already serves this deployment (the same
    database) on the process-local store: each would keep its own holds and sell the same
    seats. The lock is an advisory file lock that the operating system drops when the
    process ends, however it ends.

    A process that forks workers after loading the site (gunicorn --preload) hands the
    lock over to the first of them; any further worker cannot take it and exits at once
    with status 3, which makes gunicorn stop ("Worker failed to boot").

    Raises ``RuntimeError`` naming the fix.
    """
    global _lock_path, _lock
    if _lock is not None:
        return
    digest = hashlib.sha256(database_identity.encode()).hexdigest()[:16]
    _lock_path = os.path.join(tempfile.gettempdir(), f"bookmyshow-memory-store-{digest}.lock")
    _lock = _lock_take(_lock_path, wait=0)
    if _lock is None:
        raise RuntimeError(REFUSAL)
    os.register_at_fork(after_in_parent=_lock_hand_over, after_in_child=_lock_take_over)


def _lock_take(path: str, *, wait: float) -> IO[str] | None:
    handle = open(path, "a+")  # noqa: SIM115 (held open for the life of the process)
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except BlockingIOError:
            if time.monotonic() >= deadline:
                handle.close()
                return None
            time.sleep(0.01)


def _lock_hand_over() -> None:
    """In a process that forked: it loaded the site for its workers and serves none."""
    global _lock
    if _lock is not None:
        _lock.close()
        _lock = None


def _lock_take_over() -> None:
    """In a forked worker: it serves, so it needs the lock of its own (its parent is
    letting go of the one both hold)."""
    global _lock
    if _lock is not None:
        _lock.close()
    _lock = _lock_take(_lock_path or "", wait=FORK_HANDOVER_SECONDS)
    if _lock is None:
        sys.stderr.write(f"{REFUSAL}\n")
        sys.stderr.flush()
        os._exit(3)
