"""The booking store: live holds, orders, seat claims, seat versions and booking queues.

Django's cache backends are the model: ``BookingStore`` is the interface, and carries the
logic every backend shares (idempotent repeats, single reads on top of batch reads, the
clock); a backend implements the rest, each write as one atomic step.

Every write is one atomic step: it checks everything it needs and then writes all of it,
or raises and writes nothing. Time is judged inside that step, on the store's own clock
(the process clock for the process-local store, the server's ``TIME`` for Redis), so a
request that waited on a lock, or an app server whose clock is off, cannot stretch or cut
a hold. Tests may give a store a ``clock`` to control time; in production it is None.

A *claim* ties a seat to the hold or order that owns it until an instant; a recorded sale
claims a seat for good. A seat is free when it has no claim or its claim has ended. The
show's version counts every claim and release of a seat; a seat's version is the show's
version after its claim last changed.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from booking.domain import Customer, Hold, Order, PartitionStats, Sale, ShowClaims, ShowSnapshot
from booking.errors import DuplicateRequest, IdempotencyKeyReused

Clock = Callable[[], datetime]
Partition = tuple[str, str]  # (show id, tier code): one booking queue


@dataclass(frozen=True, slots=True)
class SeatClaim:
    """Seats a hold asks for, with what the store needs to decide atomically."""

    seat_ids: tuple[str, ...]
    tiers: tuple[str, ...]  # each seat's tier, in the order of seat_ids
    amount: Decimal
    unavailable: frozenset[str]  # no one may claim these: blocked, sold, held elsewhere
    sales_close_at: datetime
    user_limit: int  # seats one user may have in active claims of the show
    client_limit: int  # seats one client address may have, across accounts


@dataclass(frozen=True, slots=True)
class HoldRequest:
    hold_id: str
    user_id: int
    client: str
    show_id: str
    claim: SeatClaim
    ttl: timedelta
    fingerprint: str = ""  # of the request, when an idempotency key named the hold


@dataclass(frozen=True, slots=True)
class OrderRequest:
    order_id: str
    hold_id: str
    user_id: int
    show: ShowSnapshot
    seat_ids: tuple[str, ...]  # the hold's seats as the caller priced them
    tickets_amount: Decimal
    convenience_fee: Decimal
    customer: Customer
    ttl: timedelta
    unavailable: frozenset[str]
    sales_close_at: datetime
    fingerprint: str = ""


class BookingStore:
    backend_name = "abstract"

    def __init__(self, *, clock: Clock | None = None) -> None:
        self.clock = clock

    def now(self) -> datetime:
        """The store's clock."""
        return self.clock() if self.clock is not None else self._server_now()

    # -- writes ---------------------------------------------------------------------------

    def hold_create(self, request: HoldRequest) -> Hold:
        """Claim every seat of the request for ``ttl`` (never past ``sales_close_at``), or
        none. A request naming a hold that exists is a repeat: it returns that hold when
        the fingerprints match.

        Raises ``SalesClosed``, ``SeatUnavailable`` (naming every seat in conflict),
        ``SeatLimitReached`` (per user or per client), ``IdempotencyKeyReused``.
        """
        try:
            return self._hold_create(request)
        except DuplicateRequest as duplicate:
            return self._repeated(duplicate, request.fingerprint, Hold)

    def hold_change_seats(self, *, hold_id: str, user_id: int, claim: SeatClaim) -> Hold:
        """Swap the hold's seats for ``claim``'s, keeping its expiry; on any conflict the
        old seats stay held. Raises ``HoldNotFound``, ``NotYours``, ``HoldNotActive``,
        ``SalesClosed``, ``SeatUnavailable``, ``SeatLimitReached``."""
        raise NotImplementedError("BookingStore.hold_change_seats")

    def hold_release(self, *, hold_id: str, user_id: int | None) -> Hold:
        """Free the seats of an active hold at once (``user_id`` None: staff, any owner).
        Raises ``HoldNotFound``, ``NotYours``, ``HoldNotActive``."""
        raise NotImplementedError("BookingStore.hold_release")

    def order_create(self, request: OrderRequest) -> Order:
        """Consume the active hold (it becomes CONVERTED, naming the order) and move its
        claims to a new order waiting for payment for ``ttl`` (never past
        ``sales_close_at``). A repeat returns the order when the fingerprints match.

        Raises ``HoldNotFound``, ``NotYours``, ``HoldNotActive``, ``HoldChanged``,
        ``SalesClosed``, ``SeatUnavailable``, ``IdempotencyKeyReused``.
        """
        try:
            return self._order_create(request)
        except DuplicateRequest as duplicate:
            return self._repeated(duplicate, request.fingerprint, Order)

    def order_cancel(self, *, order_id: str, user_id: int | None) -> Order:
        """Cancel an order waiting for payment and free its seats. Raises
        ``OrderNotFound``, ``NotYours``, ``OrderNotPending``, ``PaymentInProgress``."""
        raise NotImplementedError("BookingStore.order_cancel")

    def order_payment_start(
        self, *, order_id: str, user_id: int, unavailable: Collection[str], grace: timedelta
    ) -> Order:
        """Begin payment: decided here, on the store's clock, while the payment window and
        sales are open. From then on the order cannot be cancelled and keeps its seats for
        at least ``grace``, the time the sale has to be committed and recorded. Starting
        again while payment is in progress returns the order (a retry resumes).

        Raises ``OrderNotFound``, ``NotYours``, ``OrderNotPending``, ``SalesClosed``,
        ``SeatUnavailable`` (a seat in ``unavailable``: sold elsewhere).
        """
        raise NotImplementedError("BookingStore.order_payment_start")

    def order_payment_fail(self, *, order_id: str) -> Order:
        """Cancel an order whose sale cannot be committed (its seats were sold elsewhere),
        even while payment is in progress, and free its seats. Raises ``OrderNotFound``,
        ``OrderNotPending`` (it was recorded as sold)."""
        raise NotImplementedError("BookingStore.order_payment_fail")

    def sale_record(self, sale: Sale) -> None:
        """Record a committed sale: its seats are sold for good and its order CONFIRMED.
        The database is the record; this makes the store agree with it, whatever state
        the store is in (the order missing, expired, or its seats claimed since)."""
        raise NotImplementedError("BookingStore.sale_record")

    def sale_release(self, sale: Sale) -> None:
        """Put the seats of a cancelled sale (all of it, or some seats) back on sale: the
        sale's claims on ``sale.seat_ids`` are removed, and the store remembers them as
        released, so a late ``sale_record`` of the same sale (a payment's last step, the
        sweeper) never claims them again. Seats claimed by anyone else are left alone."""
        raise NotImplementedError("BookingStore.sale_release")

    # -- reads ----------------------------------------------------------------------------

    def holds_get(self, hold_ids: Collection[str]) -> dict[str, Hold]:
        """The holds with these ids that the store keeps, by id."""
        raise NotImplementedError("BookingStore.holds_get")

    def hold_get(self, hold_id: str) -> Hold | None:
        return self.holds_get([hold_id]).get(hold_id)

    def orders_get(self, order_ids: Collection[str]) -> dict[str, Order]:
        """The orders with these ids that the store keeps, by id."""
        raise NotImplementedError("BookingStore.orders_get")

    def order_get(self, order_id: str) -> Order | None:
        return self.orders_get([order_id]).get(order_id)

    def user_holds(self, user_id: int) -> list[Hold]:
        """The user's holds the store still keeps, in any status."""
        raise NotImplementedError("BookingStore.user_holds")

    def user_orders(self, user_id: int) -> list[Order]:
        """The user's orders the store still keeps, in any status."""
        raise NotImplementedError("BookingStore.user_orders")

    def shows_claims(self, show_ids: Collection[str]) -> dict[str, ShowClaims]:
        """Live claims of each show, in one round trip."""
        raise NotImplementedError("BookingStore.shows_claims")

    def show_claims(self, show_id: str) -> ShowClaims:
        return self.shows_claims([show_id])[show_id]

    def seats_claimed(self, show_id: str, seat_ids: Collection[str]) -> frozenset[str]:
        """Those of ``seat_ids`` that are claimed now (held, pending payment or sold): a
        read of a few seats, where ``show_claims`` reads the whole show."""
        raise NotImplementedError("BookingStore.seats_claimed")

    def seat_versions(self, show_id: str) -> dict[str, int]:
        """Every seat of the show that has ever been claimed, with its version."""
        raise NotImplementedError("BookingStore.seat_versions")

    def holds_list(self) -> list[Hold]:
        """Every hold the store still keeps (for staff)."""
        raise NotImplementedError("BookingStore.holds_list")

    def orders_list(self) -> list[Order]:
        """Every order the store still keeps (for staff and the sweeper)."""
        raise NotImplementedError("BookingStore.orders_list")

    def queue_stats(self) -> list[PartitionStats]:
        raise NotImplementedError("BookingStore.queue_stats")

    def purge(self, *, keep_for: timedelta) -> int:
        """Forget holds and orders that ended more than ``keep_for`` ago, and expired
        claims; returns how many records. Correctness never depends on this; it only
        bounds memory."""
        raise NotImplementedError("BookingStore.purge")

    # -- shared logic ---------------------------------------------------------------------

    @staticmethod
    def _repeated[T](duplicate: DuplicateRequest, fingerprint: str, kind: type[T]) -> T:
        """The existing record, when the request that met it repeats the one that made
        it (same fingerprint); else ``IdempotencyKeyReused``, or the duplicate itself."""
        if not fingerprint:
            raise duplicate
        if duplicate.fingerprint != fingerprint:
            raise IdempotencyKeyReused()
        if not isinstance(duplicate.existing, kind):
            raise TypeError(f"A repeat found {duplicate.existing!r}, not a {kind.__name__}")
        return duplicate.existing

    def _server_now(self) -> datetime:
        return datetime.now(UTC)

    # -- primitives behind the shared logic ----------------------------------------------

    def _hold_create(self, request: HoldRequest) -> Hold:
        """Raises ``DuplicateRequest(existing, fingerprint)`` when the hold exists."""
        raise NotImplementedError("BookingStore._hold_create")

    def _order_create(self, request: OrderRequest) -> Order:
        """Raises ``DuplicateRequest(existing, fingerprint)`` when the order exists."""
        raise NotImplementedError("BookingStore._order_create")
