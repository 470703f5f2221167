"""Every change to bookings: holds, orders, payment. Validate first, then change state.

Each function takes ``now`` once and passes it down, so an operation sees one instant.
Errors are the ``booking.errors`` classes; nothing here knows about HTTP.
"""

import contextlib
import logging
import secrets
import string
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction

from booking import selectors
from booking.domain import Customer, Hold, HoldStatus, Order, OrderStatus, ShowSnapshot
from booking.errors import (
    AlreadyCheckedIn,
    DuplicateSeats,
    OrderNotPending,
    SalesClosed,
    SeatUnavailable,
    TicketNotFound,
    TooManySeats,
    UnknownSeat,
    WrongShow,
)
from booking.models import Booking, SoldSeat
from booking.pricing import price_seats
from booking.stores import Partition, get_store
from catalog.domain import Show
from catalog.errors import CatalogError
from catalog.sources import get_catalog

logger = logging.getLogger(__name__)

TICKET_ALPHABET = string.ascii_uppercase + string.digits
TICKET_CODE_ATTEMPTS = 5


def _partitions(show: Show, seat_ids: Sequence[str]) -> set[Partition]:
    seats = show.layout.seats_by_id
    return {(show.show_id, seats[seat_id].tier) for seat_id in seat_ids if seat_id in seats}


def _checked_seats(show: Show, seat_ids: Sequence[str], now: datetime) -> tuple[str, ...]:
    """The seats to claim, after every check that needs no store: count, duplicates,
    seats in the layout, sales still open. Blocked and sold seats are checked by the
    store together with live claims, so one error names every unavailable seat."""
    if not 1 <= len(seat_ids) <= settings.MAX_SEATS_PER_HOLD:
        raise TooManySeats(settings.MAX_SEATS_PER_HOLD)
    if len(set(seat_ids)) != len(seat_ids):
        raise DuplicateSeats()
    unknown = [seat_id for seat_id in seat_ids if seat_id not in show.layout.seats_by_id]
    if unknown:
        raise UnknownSeat(unknown)
    if now >= show.start_time:
        raise SalesClosed()
    return tuple(seat_ids)


def _unavailable(show: Show) -> frozenset[str]:
    """Seats no one may claim: blocked, held at the source, or sold (from the database,
    so a restarted store still refuses them)."""
    return (
        show.layout.blocked_seat_ids
        | show.source_held_seat_ids
        | selectors.sold_seat_ids(show_id=show.show_id)
    )


def hold_create(
    *,
    user_id: int,
    show_id: str,
    seat_ids: Sequence[str],
    now: datetime,
    hold_id: str | None = None,
) -> Hold:
    """Hold ``seat_ids`` of the show for the user, all or nothing. ``hold_id`` lets a
    caller name the hold (a form's one-time token); by default it is random.

    Raises ``ShowNotFound``, ``TooManySeats``, ``UnknownSeat``, ``SalesClosed``,
    ``SeatUnavailable`` (naming every seat in conflict), ``SeatLimitReached``,
    ``DuplicateRequest`` (a hold with that id exists already).
    """
    show = get_catalog().show_get(show_id=show_id)
    seats = _checked_seats(show, seat_ids, now)
    hold = Hold(
        hold_id=hold_id or str(uuid.uuid4()),
        user_id=user_id,
        show_id=show.show_id,
        seat_ids=seats,
        status=HoldStatus.HELD,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.HOLD_TTL_SECONDS),
        amount=price_seats(show.layout, seats).total,
    )
    return get_store().hold_create(
        hold=hold,
        partitions=_partitions(show, seats),
        unavailable=_unavailable(show),
        seat_limit=settings.MAX_ACTIVE_SEATS_PER_USER,
        now=now,
    )


def hold_change_seats(
    *, user_id: int, hold_id: str, seat_ids: Sequence[str], now: datetime
) -> Hold:
    """Replace the seats of an active hold, keeping its expiry; on conflict nothing
    changes. Raises what ``hold_create`` raises, and ``HoldNotFound``, ``NotYours``,
    ``HoldNotActive``."""
    hold = selectors.hold_get(user_id=user_id, hold_id=hold_id)
    show = get_catalog().show_get(show_id=hold.show_id)
    seats = _checked_seats(show, seat_ids, now)
    return get_store().hold_change_seats(
        show_id=hold.show_id,
        hold_id=hold.hold_id,
        seat_ids=seats,
        amount=price_seats(show.layout, seats).total,
        partitions=_partitions(show, (*hold.seat_ids, *seats)),
        unavailable=_unavailable(show),
        seat_limit=settings.MAX_ACTIVE_SEATS_PER_USER,
        now=now,
    )


def hold_release(*, user_id: int, hold_id: str, now: datetime) -> Hold:
    """Free the hold's seats at once. Raises ``HoldNotFound``, ``NotYours``,
    ``HoldNotActive``."""
    return _hold_release(selectors.hold_get(user_id=user_id, hold_id=hold_id), now)


def hold_release_by_staff(*, hold_id: str, now: datetime) -> Hold:
    """Free a stuck hold of any user. Raises ``HoldNotFound``, ``HoldNotActive``."""
    return _hold_release(selectors.hold_get_any(hold_id=hold_id), now)


def _hold_release(hold: Hold, now: datetime) -> Hold:
    show = get_catalog().show_get(show_id=hold.show_id)
    return get_store().hold_release(
        show_id=hold.show_id,
        hold_id=hold.hold_id,
        partitions=_partitions(show, hold.seat_ids),
        now=now,
    )


def order_create(*, user_id: int, hold_id: str, customer: Customer, now: datetime) -> Order:
    """Make an order from an active hold, consuming it; the order keeps the seats for
    ``ORDER_TTL_SECONDS``. Raises ``HoldNotFound``, ``NotYours``, ``HoldNotActive``,
    ``SalesClosed``."""
    hold = selectors.hold_get(user_id=user_id, hold_id=hold_id)
    show = get_catalog().show_get(show_id=hold.show_id)
    if now >= show.start_time:
        raise SalesClosed()
    price = price_seats(show.layout, hold.seat_ids)
    order = Order(
        order_id=str(uuid.uuid4()),
        hold_id=hold.hold_id,
        user_id=user_id,
        show=ShowSnapshot(
            show_id=show.show_id,
            movie_id=show.movie_id,
            movie_title=show.movie_title,
            theatre_id=show.theatre_id,
            theatre_name=show.theatre_name,
            screen_name=show.screen_name,
            start_time=show.start_time,
        ),
        seat_ids=hold.seat_ids,
        status=OrderStatus.PAYMENT_PENDING,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.ORDER_TTL_SECONDS),
        tickets_amount=price.tickets,
        convenience_fee=price.convenience_fee,
        customer=customer,
    )
    return get_store().order_create(
        order=order, partitions=_partitions(show, hold.seat_ids), now=now
    )


def order_cancel(*, user_id: int, order_id: str, now: datetime) -> Order:
    """Cancel an order waiting for payment; its seats are free at once. Raises
    ``OrderNotFound``, ``NotYours``, ``OrderNotPending``."""
    return _order_cancel(selectors.order_get(user_id=user_id, order_id=order_id), now)


def order_cancel_by_staff(*, order_id: str, now: datetime) -> Order:
    """Cancel any user's pending order. Raises ``OrderNotFound``, ``OrderNotPending``."""
    return _order_cancel(selectors.order_get_any(order_id=order_id), now)


def _order_cancel(order: Order, now: datetime) -> Order:
    if order.status_at(now) is not OrderStatus.PAYMENT_PENDING:
        raise OrderNotPending(order.status_at(now))
    return get_store().order_cancel(
        show_id=order.show.show_id,
        order_id=order.order_id,
        partitions=_order_partitions(order),
        now=now,
    )


def order_confirm_payment(
    *, user_id: int, order_id: str, idempotency_key: str | None, now: datetime
) -> Order:
    """Take payment: the seats become sold, in the database and in the store, in one step.

    A repeat with the ``idempotency_key`` that confirmed the order returns the order
    again. Raises ``OrderNotFound``, ``NotYours``, ``OrderNotPending``, ``SalesClosed``,
    ``SeatUnavailable`` (the database already records a seat as sold; the order is then
    cancelled).
    """
    order = selectors.order_get(user_id=user_id, order_id=order_id)
    if _is_repeat(order, idempotency_key):
        return order
    status = order.status_at(now)
    if status is not OrderStatus.PAYMENT_PENDING:
        raise OrderNotPending(status)
    if now >= order.show.start_time:
        raise SalesClosed()
    for _attempt in range(TICKET_CODE_ATTEMPTS):
        try:
            return _confirm(order, _ticket_code(), idempotency_key, now)
        except (IntegrityError, OrderNotPending) as exc:
            # A racing request may have confirmed the order first (with the same key: a
            # repeat), or the database may already record one of its seats as sold.
            current = selectors.order_get(user_id=user_id, order_id=order_id)
            if _is_repeat(current, idempotency_key):
                return current
            if current.status_at(now) is not OrderStatus.PAYMENT_PENDING:
                raise OrderNotPending(current.status_at(now)) from None
            if isinstance(exc, OrderNotPending):
                raise
            sold = selectors.sold_seat_ids(show_id=order.show.show_id) & set(order.seat_ids)
            if sold:
                _cancel_quietly(order, now)
                raise SeatUnavailable(sold) from None
            logger.info("Ticket code collision for order %s; drawing another", order_id)
    raise RuntimeError("Could not draw a unique ticket code")  # 36^6 codes: not in practice


def _is_repeat(order: Order, idempotency_key: str | None) -> bool:
    return (
        idempotency_key is not None
        and order.status is OrderStatus.CONFIRMED
        and order.idempotency_key == idempotency_key
    )


def _confirm(order: Order, ticket_code: str, idempotency_key: str | None, now: datetime) -> Order:
    # The store's compare-and-set runs inside the transaction: if the order stopped being
    # pending (cancelled, expired, confirmed by a racing request) the rows roll back; if a
    # seat was already sold, the unique constraint fails before the store changes.
    with transaction.atomic():
        booking = Booking.objects.create(
            id=order.order_id,
            hold_id=order.hold_id,
            user_id=order.user_id,
            show_id=order.show.show_id,
            movie_id=order.show.movie_id or "",
            movie_title=order.show.movie_title,
            theatre_id=order.show.theatre_id or "",
            theatre_name=order.show.theatre_name,
            screen_name=order.show.screen_name,
            show_start=order.show.start_time,
            seat_ids=list(order.seat_ids),
            tickets_amount=order.tickets_amount,
            convenience_fee=order.convenience_fee,
            customer_name=order.customer.name,
            customer_email=order.customer.email,
            customer_phone=order.customer.phone,
            ticket_code=ticket_code,
            idempotency_key=idempotency_key or "",
            created_at=order.created_at,
            expires_at=order.expires_at,
            confirmed_at=now,
        )
        SoldSeat.objects.bulk_create(
            SoldSeat(booking=booking, show_id=order.show.show_id, seat_id=seat_id)
            for seat_id in order.seat_ids
        )
        return get_store().order_confirm(
            show_id=order.show.show_id,
            order_id=order.order_id,
            ticket_code=ticket_code,
            idempotency_key=idempotency_key,
            partitions=_order_partitions(order),
            now=now,
        )


def _cancel_quietly(order: Order, now: datetime) -> None:
    with contextlib.suppress(OrderNotPending):
        get_store().order_cancel(
            show_id=order.show.show_id,
            order_id=order.order_id,
            partitions=_order_partitions(order),
            now=now,
        )


def _order_partitions(order: Order) -> set[Partition]:
    try:
        show = get_catalog().show_get(show_id=order.show.show_id)
    except CatalogError:  # the catalog is down or the show is gone: queue on the show alone
        return {(order.show.show_id, "*")}
    return _partitions(show, order.seat_ids)


def _ticket_code() -> str:
    return "BMS-" + "".join(secrets.choice(TICKET_ALPHABET) for _ in range(6))


def bookings_purge(*, now: datetime, keep_for: timedelta) -> int:
    """Forget holds and orders that ended more than ``keep_for`` ago (never sold seats)."""
    return get_store().purge(now=now, keep_for=keep_for)


@dataclass(frozen=True, slots=True)
class CheckIn:
    booking: Booking
    checked_in_at: datetime


def ticket_check_in(*, ticket_code: str, show_id: str, now: datetime) -> CheckIn:
    """Admit the ticket ``ticket_code`` to ``show_id`` once.

    Raises ``TicketNotFound``, ``WrongShow`` (details name the ticket's show) or
    ``AlreadyCheckedIn`` (details say when). Two scans at once admit one of them.
    """
    booking = Booking.objects.filter(ticket_code=ticket_code.strip().upper()).first()
    if booking is None:
        raise TicketNotFound(details={"ticketCode": ticket_code})
    if booking.show_id != show_id:
        raise WrongShow(booking)
    admitted = Booking.objects.filter(pk=booking.pk, checked_in_at__isnull=True).update(
        checked_in_at=now
    )
    if not admitted:
        booking.refresh_from_db(fields=["checked_in_at"])
        raise AlreadyCheckedIn(booking.checked_in_at)
    return CheckIn(booking=booking, checked_in_at=now)
