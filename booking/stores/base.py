"""The booking store: live holds, orders, seat claims, seat versions and booking queues.

Every method that changes state is one atomic step: it checks everything it needs and
then writes all of it, or raises and writes nothing. A Redis store does each in one
server-side script (one round trip). ``now`` is always passed in, so expiry is data
compared on read and tests control time.

A *claim* ties a seat to the hold or order that owns it until an expiry time; a sold seat
is claimed for good. A seat is free when it has no claim or its claim has expired. Every
claim and release bumps the seat's version.

Writes to an existing hold or order name its show as well (``show_id``): a store may keep
a show's keys together (a Redis Cluster hash slot) and needs to know where to look.

Requests that claim seats pass the *partitions* (show id, seat tier) they touch: each
partition is a FIFO booking queue whose statistics staff can read.
"""

from collections.abc import Collection, Mapping
from datetime import datetime, timedelta

from booking.domain import Hold, Order, PartitionStats, ShowClaims

Partition = tuple[str, str]  # (show id, tier code)


class BookingStore:
    backend_name = "abstract"

    def hold_create(
        self,
        *,
        hold: Hold,
        partitions: Collection[Partition],
        unavailable: Collection[str],
        seat_limit: int,
        now: datetime,
        expected_versions: Mapping[str, int] | None = None,
    ) -> Hold:
        """Claim every seat of ``hold`` for its user until ``hold.expires_at``, or none.

        Raises ``SeatUnavailable`` (every seat in ``unavailable``, claimed by anyone, or
        whose version differs from ``expected_versions``) or ``SeatLimitReached`` (the user
        would have more than ``seat_limit`` seats of the show in active claims) or
        ``DuplicateRequest`` (a hold with this id exists).
        """
        raise NotImplementedError("BookingStore.hold_create")

    def hold_get(self, *, hold_id: str) -> Hold | None:
        raise NotImplementedError("BookingStore.hold_get")

    def hold_change_seats(
        self,
        *,
        show_id: str,
        hold_id: str,
        seat_ids: tuple[str, ...],
        amount: object,
        partitions: Collection[Partition],
        unavailable: Collection[str],
        seat_limit: int,
        now: datetime,
    ) -> Hold:
        """Swap the hold's seats for ``seat_ids`` keeping its expiry; on any conflict the
        old seats stay held. Raises ``HoldNotActive``, ``SeatUnavailable``,
        ``SeatLimitReached``."""
        raise NotImplementedError("BookingStore.hold_change_seats")

    def hold_release(
        self, *, show_id: str, hold_id: str, partitions: Collection[Partition], now: datetime
    ) -> Hold:
        """Free the seats of an active hold at once. Raises ``HoldNotActive``."""
        raise NotImplementedError("BookingStore.hold_release")

    def order_create(
        self, *, order: Order, partitions: Collection[Partition], now: datetime
    ) -> Order:
        """Consume the active hold ``order.hold_id`` (it becomes CONVERTED) and move its
        claims to the order until ``order.expires_at``. Raises ``HoldNotActive``."""
        raise NotImplementedError("BookingStore.order_create")

    def order_get(self, *, order_id: str) -> Order | None:
        raise NotImplementedError("BookingStore.order_get")

    def order_list(self, *, user_id: int) -> list[Order]:
        """The user's orders still in the store, in any order."""
        raise NotImplementedError("BookingStore.order_list")

    def order_cancel(
        self, *, show_id: str, order_id: str, partitions: Collection[Partition], now: datetime
    ) -> Order:
        """Cancel a pending order and free its seats. Raises ``OrderNotPending``."""
        raise NotImplementedError("BookingStore.order_cancel")

    def order_confirm(
        self,
        *,
        show_id: str,
        order_id: str,
        ticket_code: str,
        idempotency_key: str | None,
        partitions: Collection[Partition],
        now: datetime,
    ) -> Order:
        """Mark a pending order CONFIRMED and its seats sold for good.
        Raises ``OrderNotPending``."""
        raise NotImplementedError("BookingStore.order_confirm")

    def show_claims(self, *, show_id: str, now: datetime) -> ShowClaims:
        raise NotImplementedError("BookingStore.show_claims")

    def seat_versions(self, *, show_id: str) -> dict[str, int]:
        """Every seat of the show that has ever been claimed, with its version."""
        raise NotImplementedError("BookingStore.seat_versions")

    def queue_stats(self) -> list[PartitionStats]:
        raise NotImplementedError("BookingStore.queue_stats")

    def holds_list(self) -> list[Hold]:
        """Every hold the store still keeps (for staff)."""
        raise NotImplementedError("BookingStore.holds_list")

    def orders_list(self) -> list[Order]:
        """Every order the store still keeps (for staff)."""
        raise NotImplementedError("BookingStore.orders_list")

    def purge(self, *, now: datetime, keep_for: timedelta) -> int:
        """Forget holds and orders that ended more than ``keep_for`` ago; returns how many.
        Correctness never depends on this; it only bounds memory."""
        raise NotImplementedError("BookingStore.purge")
