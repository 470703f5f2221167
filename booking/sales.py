"""The record of what was sold: the database, and how the booking store converges to it.

A ticket exists exactly when its sale is committed here. The store and the database
cannot commit together, so payment runs in three steps: the store starts the payment
(atomically, on its clock), the sale is committed here (one transaction, no network call
inside it), then the store records the sale. Whatever fails in between, a retry finds the
committed sale or completes it, and the store is brought back in line on the next touch
of the show and by the sweeper (``sales_converge``).
"""

import logging
import secrets
import string
from collections.abc import Sequence
from time import monotonic

from django.db import IntegrityError, transaction
from django.utils import timezone

from booking.domain import Customer, Order, OrderStatus, Sale, ShowSnapshot
from booking.errors import OrderNotFound, OrderNotPending, SeatUnavailable, StoreUnavailable
from booking.models import Booking, SoldSeat
from booking.notifications import booking_confirmation_queue
from booking.stores import get_store

logger = logging.getLogger(__name__)

TICKET_ALPHABET = string.ascii_uppercase + string.digits
TICKET_CODE_ATTEMPTS = 5


# Holds and seat changes check the database's sold seats through a memo this young: a
# sale is also recorded in the store, which refuses its seats atomically, so the memo
# matters only when the store lost that very sale in these seconds, and payment (which
# always reads the database afresh) refuses the seat then.
SOLD_SEATS_MEMO_SECONDS = 2.0
SOLD_SEATS_MEMO_SIZE = 1000
_sold_memo: dict[str, tuple[float, frozenset[str]]] = {}


def sold_memo_clear() -> None:
    """Forget what the memo remembers (when the database was rolled back or replaced:
    between tests)."""
    _sold_memo.clear()


def sold_seat_ids(*, show_id: str, memo: bool = False) -> frozenset[str]:
    """The seats of the show the database records as sold; with ``memo``, as read at
    most ``SOLD_SEATS_MEMO_SECONDS`` ago by this process."""
    if (
        memo
        and (seen := _sold_memo.get(show_id))
        and monotonic() - seen[0] < SOLD_SEATS_MEMO_SECONDS
    ):
        return seen[1]
    sold = frozenset(SoldSeat.objects.filter(show_id=show_id).values_list("seat_id", flat=True))
    if len(_sold_memo) >= SOLD_SEATS_MEMO_SIZE:
        _sold_memo.clear()
    _sold_memo[show_id] = (monotonic(), sold)
    return sold


def booking_get(*, order_id: str) -> Booking | None:
    """The committed sale of an order (a canonical id), if there is one."""
    return Booking.objects.filter(pk=order_id).first()


def sale_commit(
    *, order: Order, idempotency_key: str | None, seat_tiers: dict[str, dict] | None = None
) -> Booking:
    """Commit the sale of ``order`` (whose payment the store has started): a ``Booking``
    and one ``SoldSeat`` per seat in one transaction, under a fresh ticket code.

    If the order's sale is already committed (a racing or earlier attempt), that sale is
    returned when it was made with the same ``idempotency_key``. Raises ``OrderNotPending``
    (committed by another request), ``SeatUnavailable`` (a seat was sold to someone else;
    the store's order is then cancelled), or a database error (the outcome is then for a
    retry to find). ``seat_tiers`` records each seat's tier and price as sold.
    """
    for _attempt in range(TICKET_CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                booking = Booking.objects.create(
                    **_booking_fields(order, idempotency_key), seat_tiers=seat_tiers or {}
                )
                SoldSeat.objects.bulk_create(
                    SoldSeat(booking=booking, show_id=order.show.show_id, seat_id=seat_id)
                    for seat_id in order.seat_ids
                )
                booking_confirmation_queue(booking)  # sent once this commits
            _sold_memo.pop(order.show.show_id, None)
            return booking
        except IntegrityError:
            existing = booking_get(order_id=order.order_id)
            if existing is not None:
                if idempotency_key and existing.idempotency_key == idempotency_key:
                    return existing
                raise OrderNotPending(OrderStatus.CONFIRMED) from None
            taken = sold_seat_ids(show_id=order.show.show_id) & set(order.seat_ids)
            if taken:
                order_fail_quietly(order)
                raise SeatUnavailable(taken) from None
            logger.info("Ticket code collision for order %s; drawing another", order.order_id)
    raise RuntimeError("Could not draw a unique ticket code")  # 36^6 codes: not in practice


def _booking_fields(order: Order, idempotency_key: str | None) -> dict:
    return {
        "id": order.order_id,
        "hold_id": order.hold_id,
        "user_id": order.user_id,
        "show_id": order.show.show_id,
        "movie_id": order.show.movie_id or "",
        "movie_title": order.show.movie_title,
        "theatre_id": order.show.theatre_id or "",
        "theatre_name": order.show.theatre_name,
        "screen_name": order.show.screen_name,
        "show_start": order.show.start_time,
        "seat_ids": list(order.seat_ids),
        "tickets_amount": order.tickets_amount,
        "convenience_fee": order.convenience_fee,
        "customer_name": order.customer.name,
        "customer_email": order.customer.email,
        "customer_phone": order.customer.phone,
        "ticket_code": "BMS-" + "".join(secrets.choice(TICKET_ALPHABET) for _ in range(6)),
        "idempotency_key": idempotency_key or "",
        "created_at": order.created_at,
        "expires_at": order.expires_at,
        "confirmed_at": timezone.now(),
    }


def order_fail_quietly(order: Order) -> None:
    """Cancel an order whose sale cannot be made and free its seats; if the store cannot
    do it now, the order expires by itself."""
    try:
        get_store().order_payment_fail(order_id=order.order_id)
    except (OrderNotFound, OrderNotPending, StoreUnavailable) as exc:  # it expires anyway
        logger.warning("Could not cancel order %s after a seat conflict: %s", order.order_id, exc)


def sale_of(booking: Booking, seat_ids: Sequence[str] | None = None) -> Sale:
    """The sale as the store records it: its seats still valid (or ``seat_ids``)."""
    return Sale(
        order_id=str(booking.id),
        user_id=booking.user_id,
        show_id=booking.show_id,
        seat_ids=tuple(booking.active_seat_ids if seat_ids is None else seat_ids),
    )


def sale_record_quietly(booking: Booking) -> bool:
    """Tell the store about a committed sale. If the store cannot be reached, the sale
    stands (the database is the record) and the store converges later; returns whether
    the store was told."""
    if not booking.active_seat_ids:  # cancelled: nothing left to record
        return False
    try:
        get_store().sale_record(sale_of(booking))
    except StoreUnavailable:
        logger.warning("Sale %s committed; the store will record it later", booking.id)
        return False
    return True


def sale_release_quietly(booking: Booking, seat_ids: Sequence[str]) -> bool:
    """Tell the store that seats of a sale were cancelled (committed in the database),
    so they are on sale again. If the store cannot be reached, the seats stay off sale
    there until the next seat map of the show or the sweeper (``releases_converge``);
    returns whether the store was told."""
    _sold_memo.pop(booking.show_id, None)
    try:
        get_store().sale_release(sale_of(booking, seat_ids))
    except StoreUnavailable:
        logger.warning("Seats %s of sale %s cancelled; the store will free them later",
                       ",".join(seat_ids), booking.id)  # fmt: skip
        return False
    return True


def releases_converge(*, show_id: str, store_sold: frozenset[str]) -> int:
    """Free in the store the seats of the show it shows as sold that cancellations gave
    back in the database (the store was unreachable when they were cancelled). Returns
    how many cancelled sales were released."""
    extra = store_sold - sold_seat_ids(show_id=show_id)
    if not extra:
        return 0
    released = 0
    for booking in Booking.objects.filter(show_id=show_id, cancelled_at__isnull=False):
        seats = sorted(extra & set(booking.cancelled_seat_ids))
        if seats:
            released += sale_release_quietly(booking, seats)
    return released


def sales_converge(*, show_id: str, store_sold: frozenset[str]) -> int:
    """Record in the store every committed sale of the show whose seats the store does
    not show as sold (the store was unreachable when it was paid, or lost its state).
    Returns how many sales were recorded."""
    bookings = Booking.objects.filter(
        pk__in=SoldSeat.objects.filter(show_id=show_id)
        .exclude(seat_id__in=store_sold)
        .values("booking_id")
    )
    return sum(sale_record_quietly(booking) for booking in bookings)


def order_from_booking(booking: Booking) -> Order:
    return Order(
        order_id=str(booking.id),
        hold_id=str(booking.hold_id),
        user_id=booking.user_id,
        show=ShowSnapshot(
            show_id=booking.show_id,
            movie_id=booking.movie_id or None,
            movie_title=booking.movie_title,
            theatre_id=booking.theatre_id or None,
            theatre_name=booking.theatre_name,
            screen_name=booking.screen_name,
            start_time=booking.show_start,
        ),
        seat_ids=tuple(booking.seat_ids if booking.is_cancelled else booking.active_seat_ids),
        status=OrderStatus.CANCELLED if booking.is_cancelled else OrderStatus.CONFIRMED,
        created_at=booking.created_at,
        expires_at=booking.expires_at,
        tickets_amount=booking.tickets_amount,
        convenience_fee=booking.convenience_fee,
        customer=Customer(
            name=booking.customer_name, email=booking.customer_email, phone=booking.customer_phone
        ),
        as_of=timezone.now(),
        ticket_code=booking.ticket_code,
        confirmed_at=booking.confirmed_at,
        idempotency_key=booking.idempotency_key or None,
        cancelled_seat_ids=tuple(booking.cancelled_seat_ids),
    )
