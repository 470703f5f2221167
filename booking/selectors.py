"""Reads that combine the catalog with booking state: the store's live claims and the
database's record of what was sold."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import User
from django.db.models import Count

from booking.domain import Customer, Hold, Order, OrderStatus, ShowSnapshot
from booking.errors import HoldNotFound, NotYours, OrderNotFound
from booking.models import Booking, SoldSeat
from booking.stores import get_store
from catalog.domain import Availability, Show, ShowTime, TheatreShows
from catalog.sources import get_catalog


def sold_seat_ids(*, show_id: str) -> frozenset[str]:
    return frozenset(SoldSeat.objects.filter(show_id=show_id).values_list("seat_id", flat=True))


@dataclass(frozen=True, slots=True)
class SeatMap:
    show: Show
    unavailable_seat_ids: frozenset[str]  # sold, blocked
    held_seat_ids: frozenset[str]  # in active holds and pending orders, of anyone


def seat_map_get(*, show_id: str, now: datetime) -> SeatMap:
    show = get_catalog().show_get(show_id=show_id)
    claims = get_store().show_claims(show_id=show.show_id, now=now)
    unavailable = show.layout.blocked_seat_ids | claims.sold | sold_seat_ids(show_id=show_id)
    held = (claims.held | show.source_held_seat_ids) - unavailable
    return SeatMap(show=show, unavailable_seat_ids=unavailable, held_seat_ids=held)


@dataclass(frozen=True, slots=True)
class ListedShow:
    show_time: ShowTime
    status: Availability


@dataclass(frozen=True, slots=True)
class ListedTheatre:
    theatre: TheatreShows
    shows: tuple[ListedShow, ...]


def _show_time_status(show_time: ShowTime, taken: int) -> Availability:
    if show_time.capacity is None:  # the source counts its own seats
        return show_time.source_status or Availability.AVAILABLE
    return Availability.from_counts(
        capacity=show_time.capacity, taken=show_time.blocked_count + taken
    )


def theatre_shows_list(*, movie_id: str, day: date, now: datetime) -> tuple[ListedTheatre, ...]:
    """Theatres showing the movie on ``day`` with the shows still on sale, each with its
    availability from live counts: blocked, sold and held seats over capacity."""
    theatres = get_catalog().theatre_shows_for_date(movie_id=movie_id, day=day)
    on_sale = [s.show_id for t in theatres for s in t.shows if s.start_time > now]
    sold = _sold_counts(on_sale)
    store = get_store()
    listed = []
    for theatre in theatres:
        shows = tuple(
            ListedShow(
                show_time=show_time,
                status=_show_time_status(
                    show_time,
                    sold.get(show_time.show_id, 0)
                    + len(store.show_claims(show_id=show_time.show_id, now=now).held),
                ),
            )
            for show_time in theatre.shows
            if show_time.start_time > now
        )
        if shows:
            listed.append(ListedTheatre(theatre=theatre, shows=shows))
    return tuple(listed)


def _sold_counts(show_ids: list[str]) -> dict[str, int]:
    rows = (
        SoldSeat.objects.filter(show_id__in=show_ids).values("show_id").annotate(sold=Count("id"))
    )
    return {row["show_id"]: row["sold"] for row in rows}


def hold_get_any(*, hold_id: str) -> Hold:
    """Any user's hold (for staff). Raises ``HoldNotFound``."""
    hold = get_store().hold_get(hold_id=str(hold_id))
    if hold is None:
        raise HoldNotFound(details={"holdId": str(hold_id)})
    return hold


def hold_get(*, user_id: int, hold_id: str) -> Hold:
    """The user's hold. Raises ``HoldNotFound`` or ``NotYours``."""
    hold = hold_get_any(hold_id=hold_id)
    if hold.user_id != user_id:
        raise NotYours()
    return hold


def hold_find(*, user_id: int, hold_id: str) -> Hold | None:
    """The user's hold with this id, or None."""
    hold = get_store().hold_get(hold_id=str(hold_id))
    return hold if hold is not None and hold.user_id == user_id else None


def show_get(*, show_id: str) -> Show:
    return get_catalog().show_get(show_id=show_id)


def order_for_hold(*, user_id: int, hold_id: str) -> Order | None:
    """The order made from the user's hold, if the store still has it."""
    return next(
        (order for order in get_store().order_list(user_id=user_id) if order.hold_id == hold_id),
        None,
    )


def order_get_any(*, order_id: str) -> Order:
    """Any user's order (for staff), from the store while it lives there, else from the
    database (confirmed orders outlive the store). Raises ``OrderNotFound``."""
    order = get_store().order_get(order_id=str(order_id))
    if order is not None:
        return order
    booking = _booking(order_id)
    if booking is None:
        raise OrderNotFound(details={"orderId": str(order_id)})
    return order_from_booking(booking)


def order_get(*, user_id: int, order_id: str) -> Order:
    """The user's order. Raises ``OrderNotFound`` or ``NotYours``."""
    order = order_get_any(order_id=order_id)
    if order.user_id != user_id:
        raise NotYours()
    return order


def order_list(*, user_id: int, limit: int, offset: int) -> tuple[list[Order], bool]:
    """The user's orders, newest first, and whether there are more after this page."""
    orders = {order.order_id: order for order in get_store().order_list(user_id=user_id)}
    for booking in Booking.objects.filter(user_id=user_id):
        orders.setdefault(str(booking.id), order_from_booking(booking))
    newest_first = sorted(orders.values(), key=lambda order: order.created_at, reverse=True)
    return newest_first[offset : offset + limit], len(newest_first) > offset + limit


def _booking(order_id: str) -> Booking | None:
    try:
        pk = uuid.UUID(str(order_id))
    except ValueError:
        return None
    return Booking.objects.filter(pk=pk).first()


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
        seat_ids=tuple(booking.seat_ids),
        status=OrderStatus.CONFIRMED,
        created_at=booking.created_at,
        expires_at=booking.expires_at,
        tickets_amount=booking.tickets_amount,
        convenience_fee=booking.convenience_fee,
        customer=Customer(
            name=booking.customer_name, email=booking.customer_email, phone=booking.customer_phone
        ),
        ticket_code=booking.ticket_code,
        confirmed_at=booking.confirmed_at,
        idempotency_key=booking.idempotency_key or None,
    )


def holds_for_staff(*, show_id: str = "", username: str = "") -> list[Hold]:
    """Holds the store keeps, newest first, optionally of one show or one user."""
    user_ids = _user_ids(username)
    return sorted(
        (
            hold
            for hold in get_store().holds_list()
            if (not show_id or hold.show_id == show_id)
            and (user_ids is None or hold.user_id in user_ids)
        ),
        key=lambda hold: hold.created_at,
        reverse=True,
    )


def orders_for_staff(*, show_id: str = "") -> list[Order]:
    """Orders the store keeps, newest first, optionally of one show."""
    return sorted(
        (
            order
            for order in get_store().orders_list()
            if not show_id or order.show.show_id == show_id
        ),
        key=lambda order: order.created_at,
        reverse=True,
    )


def usernames(user_ids: set[int]) -> dict[int, str]:
    return dict(User.objects.filter(pk__in=user_ids).values_list("pk", "username"))


def _user_ids(username: str) -> set[int] | None:
    if not username:
        return None
    return set(User.objects.filter(username__icontains=username).values_list("pk", flat=True))
