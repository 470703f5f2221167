"""Reads that combine the catalog with booking state: the store's live claims and the
database's record of what was sold. Paid orders are read from the database, which is the
record of every ticket; the store supplies the rest. Callers pass canonical ids."""

import logging
import zlib
from dataclasses import dataclass, replace
from datetime import date, datetime
from urllib.parse import urlencode

from django.contrib.auth.models import User
from django.db.models import Count
from django.utils import timezone

from booking import sales
from booking.domain import Hold, Order, ShowClaims
from booking.errors import HoldNotFound, NotYours, OrderNotFound
from booking.models import Booking, CancellationPolicy, Refund, SoldSeat, StaffCinema
from booking.seats import SeatState, is_on_sale, seat_states
from booking.stores import get_store
from catalog.domain import Availability, Show, ShowTime, TheatreShows
from catalog.errors import CatalogError
from catalog.finding import ShowFilters
from catalog.sources import get_catalog

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SeatMap:
    show: Show
    states: dict[str, SeatState]  # every seat that is not available
    version: int  # the store's version of the show's seats
    as_of: datetime  # the store's clock
    revision: str  # changes whenever what the map shows changes (``seat_map_revision``)

    @property
    def on_sale(self) -> bool:
        return is_on_sale(self.show.start_time, self.as_of)

    def state(self, seat_id: str) -> SeatState:
        return self.states.get(seat_id, SeatState.AVAILABLE)

    @property
    def unavailable_seat_ids(self) -> frozenset[str]:
        """Sold and blocked seats (the API's ``unavailableSeatIds``)."""
        return frozenset(s for s, state in self.states.items() if state is not SeatState.HELD)

    @property
    def held_seat_ids(self) -> frozenset[str]:
        """Seats in live holds and pending orders of anyone, or held at the source."""
        return frozenset(s for s, state in self.states.items() if state is SeatState.HELD)


def seat_map_get(*, show_id: str) -> SeatMap:
    """The show's seats as they stand. A sale the database records but the store does
    not (it was paid while the store was unreachable) is recorded in the store on the
    way: the next touch of a show brings the store in line."""
    show = get_catalog().show_get(show_id=show_id)
    claims = get_store().show_claims(show.show_id)
    sold = sales.sold_seat_ids(show_id=show.show_id)
    if sold - claims.sold:
        sales.sales_converge(show_id=show.show_id, store_sold=claims.sold)
    if claims.sold - sold and sales.releases_converge(show_id=show.show_id, store_sold=claims.sold):
        claims = get_store().show_claims(show.show_id)
    return SeatMap(
        show=show,
        states=seat_states(show, sold=sold, claims=claims),
        version=claims.version,
        as_of=claims.as_of,
        revision=_revision(show, claims),
    )


def _revision(show: Show, claims: ShowClaims) -> str:
    """A tag that changes whenever the seat map of ``show`` would look different: every
    claim and release bumps the store's version; within one version live claims only
    end, so their count shrinks; sales close when the show starts; and the catalog's own
    part (prices, blocked seats, seats held at the source) is summed up in a checksum."""
    layout = show.layout
    catalog_part = repr(
        (
            [(tier.code, str(tier.price)) for tier in layout.tiers],
            sorted(layout.blocked_seat_ids),
            sorted(show.source_held_seat_ids),
            layout.capacity,
        )
    )
    on_sale = int(is_on_sale(show.start_time, claims.as_of))
    checksum = zlib.crc32(catalog_part.encode())
    return f"{claims.version}.{len(claims.held)}.{on_sale}.{checksum:x}"


def seat_map_revision(*, show_id: str) -> str:
    """The show's ``SeatMap.revision`` for the price of one store read (the catalog's show
    is cached): what a refresh of the seat page compares before it draws anything. Sales
    the database has and the store has not yet recorded are left to the next full read,
    which records them (and so changes the revision)."""
    show = get_catalog().show_get(show_id=show_id)
    return _revision(show, get_store().show_claims(show.show_id))


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


def theatre_shows_list(
    *, movie_id: str, day: date, now: datetime, filters: ShowFilters | None = None
) -> tuple[ListedTheatre, ...]:
    """Theatres showing the movie on ``day`` with the shows that pass ``filters`` and
    have not started by ``now``, each with its availability from live counts: blocked,
    sold and held seats over capacity (one store round trip for all of them)."""
    theatres = get_catalog().theatre_shows_for_date(movie_id=movie_id, day=day)
    return _listed(theatres, now=now, filters=filters or ShowFilters())


@dataclass(frozen=True, slots=True)
class ShowDates:
    """A buy-tickets page: the day's theatres, and which days of the strip have a show
    on sale that passes the filters."""

    theatres: tuple[ListedTheatre, ...]
    open_days: frozenset[date]


def show_dates_get(
    *, movie_id: str, day: date, days: list[date], now: datetime, filters: ShowFilters
) -> ShowDates:
    """``theatre_shows_list`` of ``day``, and the days among ``days`` (and ``day``) with a
    show that passes ``filters`` still on sale: the catalog read once for all of them."""
    by_day = get_catalog().theatre_shows_for_days(movie_id=movie_id, days=sorted({*days, day}))
    open_days = frozenset(
        some_day
        for some_day, theatres in by_day.items()
        if any(
            is_on_sale(show.start_time, now)
            for theatre in filters.theatres(theatres)
            for show in theatre.shows
        )
    )
    return ShowDates(theatres=_listed(by_day[day], now=now, filters=filters), open_days=open_days)


def _listed(
    theatres: tuple[TheatreShows, ...], *, now: datetime, filters: ShowFilters
) -> tuple[ListedTheatre, ...]:
    theatres = filters.theatres(theatres)
    on_sale = [s for t in theatres for s in t.shows if is_on_sale(s.start_time, now)]
    claims = get_store().shows_claims([s.show_id for s in on_sale])
    sold = _sold_counts([s.show_id for s in on_sale])
    # The badge says what a cancellation would meet: a cinema's own policy, else the catalog.
    offers = dict(
        CancellationPolicy.objects.filter(
            theatre_id__in=[t.theatre_id for t in theatres]
        ).values_list("theatre_id", "offers_cancellation")
    )
    listed = []
    for listing in theatres:
        theatre = replace(
            listing,
            cancellation_available=offers.get(listing.theatre_id, listing.cancellation_available),
        )
        shows = tuple(
            ListedShow(
                show_time=show_time,
                status=_show_time_status(
                    show_time,
                    len(claims[show_time.show_id].held)
                    + max(sold.get(show_time.show_id, 0), len(claims[show_time.show_id].sold)),
                ),
            )
            for show_time in theatre.shows
            if is_on_sale(show_time.start_time, now)
        )
        if shows:
            listed.append(ListedTheatre(theatre=theatre, shows=shows))
    return tuple(listed)


def _sold_counts(show_ids: list[str]) -> dict[str, int]:
    rows = (
        SoldSeat.objects.filter(show_id__in=show_ids).values("show_id").annotate(sold=Count("id"))
    )
    return {row["show_id"]: row["sold"] for row in rows}


def show_get(*, show_id: str) -> Show:
    return get_catalog().show_get(show_id=show_id)


# -- holds --------------------------------------------------------------------------------


def hold_get_any(*, hold_id: str) -> Hold:
    """Any user's hold (for staff). Raises ``HoldNotFound``."""
    hold = get_store().hold_get(hold_id)
    if hold is None:
        raise HoldNotFound(details={"holdId": hold_id})
    return hold


def hold_get(*, user_id: int, hold_id: str) -> Hold:
    """The user's hold. Raises ``HoldNotFound`` or ``NotYours``."""
    hold = hold_get_any(hold_id=hold_id)
    if hold.user_id != user_id:
        raise NotYours()
    return hold


def holds_active(*, user_id: int) -> list[Hold]:
    """The user's holds that still hold seats, newest first: what a client whose answer
    was lost looks for."""
    holds = [hold for hold in get_store().user_holds(user_id) if hold.is_active]
    return sorted(holds, key=lambda hold: hold.created_at, reverse=True)


@dataclass(frozen=True, slots=True)
class LiveBooking:
    """Seats the user has right now: an active hold, or an order waiting for payment."""

    record: Hold | Order
    show_id: str
    is_order: bool

    @property
    def seat_ids(self) -> tuple[str, ...]:
        return self.record.seat_ids

    @property
    def payment_in_progress(self) -> bool:
        return isinstance(self.record, Order) and self.record.payment_in_progress

    @property
    def time_left(self) -> str:
        """The countdown as a clock shows it: ``8:12``."""
        minutes, seconds = divmod(self.record.seconds_left, 60)
        return f"{minutes}:{seconds:02d}"


def bookings_live(*, user_id: int, show_id: str | None = None) -> list[LiveBooking]:
    """The user's active holds and orders waiting for payment (of one show, if given),
    newest first."""
    store = get_store()
    live = [
        LiveBooking(record=hold, show_id=hold.show_id, is_order=False)
        for hold in store.user_holds(user_id)
        if hold.is_active
    ] + [
        LiveBooking(record=order, show_id=order.show.show_id, is_order=True)
        for order in store.user_orders(user_id)
        if order.is_pending
    ]
    return sorted(
        (booking for booking in live if show_id is None or booking.show_id == show_id),
        key=lambda booking: booking.record.created_at,
        reverse=True,
    )


def bookings_of_show(*, user_id: int, show_id: str) -> list[Booking]:
    """The user's paid bookings of the show that still have seats, newest first."""
    return list(
        Booking.objects.filter(
            user_id=user_id, show_id=show_id, status=Booking.Status.CONFIRMED
        ).only("id", "seat_ids", "cancelled_seat_ids", "created_at")
    )


# -- orders -------------------------------------------------------------------------------


def order_get_any(*, order_id: str) -> Order:
    """Any user's order (for staff): from the database once paid, else from the store.
    Raises ``OrderNotFound``."""
    booking = sales.booking_get(order_id=order_id)
    if booking is not None:
        return sales.order_from_booking(booking)
    order = get_store().order_get(order_id)
    if order is None:
        raise OrderNotFound(details={"orderId": order_id})
    return order


def order_get(*, user_id: int, order_id: str) -> Order:
    """The user's order. Raises ``OrderNotFound`` or ``NotYours``."""
    order = order_get_any(order_id=order_id)
    if order.user_id != user_id:
        raise NotYours()
    return order


def order_list(*, user_id: int, limit: int, offset: int) -> tuple[list[Order], bool]:
    """The user's orders, newest first, and whether there are more after this page."""
    orders = {
        str(booking.pk): sales.order_from_booking(booking)
        for booking in Booking.objects.filter(user_id=user_id)
    }
    for order in get_store().user_orders(user_id):
        orders.setdefault(order.order_id, order)
    newest_first = sorted(orders.values(), key=lambda order: order.created_at, reverse=True)
    return newest_first[offset : offset + limit], len(newest_first) > offset + limit


# -- for staff ----------------------------------------------------------------------------


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


# -- at the door --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DoorShow:
    """A show of the day with tickets sold, as the door's check-in page offers it."""

    show_id: str
    movie_title: str
    theatre_name: str
    screen_name: str
    start: datetime
    tickets: int
    checked_in: int


def door_shows_today(*, user: User, now: datetime) -> list[DoorShow]:
    """Today's shows (an India day) with tickets sold, at the staff member's cinema
    (``StaffCinema``; every cinema's for staff without one), by start time."""
    day = timezone.localdate(now)
    bookings = Booking.objects.filter(
        show_start__date=day, status=Booking.Status.CONFIRMED
    ).order_by("show_start", "show_id")
    cinema = StaffCinema.objects.filter(user=user).first()
    if cinema is not None:
        bookings = bookings.filter(theatre_id=cinema.theatre_id)
    shows: dict[str, DoorShow] = {}
    for booking in bookings.only(
        "show_id", "movie_title", "theatre_name", "screen_name", "show_start", "checked_in_at"
    ):
        seen = shows.get(booking.show_id)
        shows[booking.show_id] = DoorShow(
            show_id=booking.show_id,
            movie_title=booking.movie_title,
            theatre_name=booking.theatre_name,
            screen_name=booking.screen_name,
            start=booking.show_start,
            tickets=(seen.tickets if seen else 0) + 1,
            checked_in=(seen.checked_in if seen else 0) + (booking.checked_in_at is not None),
        )
    return list(shows.values())


def refunds_of(*, order_id: str) -> list[Refund]:
    """The refunds of a paid order, newest first."""
    return list(Refund.objects.filter(booking_id=order_id))


# -- the ticket ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SeatLine:
    tier_name: str  # "" for sales made before tiers were recorded
    seat_ids: tuple[str, ...]
    price: str | None  # each seat's price as sold


@dataclass(frozen=True, slots=True)
class TicketDetails:
    """What a ticket shows beyond the sale's record, from the catalog when it answers
    (the ticket is still shown when it does not)."""

    booking: Booking
    seat_lines: tuple[SeatLine, ...]
    address: str
    map_url: str
    poster_url: str
    duration_mins: int | None


def _seat_lines(booking: Booking, seat_ids: list[str]) -> tuple[SeatLine, ...]:
    lines: dict[str, list[str]] = {}
    prices: dict[str, str | None] = {}
    for seat in seat_ids:
        tier = booking.seat_tiers.get(seat, {})
        name = tier.get("name", "")
        lines.setdefault(name, []).append(seat)
        prices[name] = tier.get("price")
    return tuple(SeatLine(name, tuple(seats), prices[name]) for name, seats in lines.items())


def _map_url(name: str, address: str, lat: float | None, lng: float | None) -> str:
    query = f"{lat},{lng}" if lat is not None and lng is not None else f"{name}, {address}"
    return "https://www.google.com/maps/search/?" + urlencode({"api": 1, "query": query})


def ticket_details_get(*, booking: Booking) -> TicketDetails:
    """The ticket's cinema address and map link, poster and running time, seats by tier."""
    address, map_url, poster, duration = "", "", "", None
    try:
        if booking.movie_id:
            movie = get_catalog().movie_get(movie_id=booking.movie_id)
            poster, duration = movie.thumbnail_url, movie.duration_mins
            listed = get_catalog().theatre_shows_for_date(
                movie_id=booking.movie_id, day=timezone.localdate(booking.show_start)
            )
            theatre = next((t for t in listed if t.theatre_id == booking.theatre_id), None)
            if theatre is not None:
                address = theatre.address
                map_url = _map_url(theatre.name, theatre.address, theatre.lat, theatre.lng)
    except CatalogError as exc:  # the ticket stands without the catalog's extras
        logger.info("Ticket %s shown without catalog details: %s", booking.ticket_code, exc)
    return TicketDetails(
        booking=booking,
        seat_lines=_seat_lines(
            booking, booking.seat_ids if booking.is_cancelled else booking.active_seat_ids
        ),
        address=address,
        map_url=map_url or _map_url(booking.theatre_name, "", None, None),
        poster_url=poster,
        duration_mins=duration,
    )


def booking_get(*, user_id: int, order_id: str) -> Booking:
    """The user's paid booking. Raises ``OrderNotFound`` or ``NotYours``."""
    booking = sales.booking_get(order_id=order_id)
    if booking is None:
        raise OrderNotFound(details={"orderId": order_id})
    if booking.user_id != user_id:
        raise NotYours()
    return booking


@dataclass(frozen=True, slots=True)
class BookingsSplit:
    upcoming: list[tuple[Order, str]]  # (order, poster url), soonest first
    past: list[tuple[Order, str]]  # most recent first


def bookings_split(*, user_id: int, now: datetime) -> BookingsSplit:
    """The user's orders on My bookings: shows still to come (soonest first) and those
    that started (latest first), each with its movie's poster."""
    orders, _ = order_list(user_id=user_id, limit=200, offset=0)
    posters: dict[str, str] = {}
    for order in orders:
        movie_id = order.show.movie_id
        if movie_id and movie_id not in posters:
            try:
                posters[movie_id] = get_catalog().movie_get(movie_id=movie_id).thumbnail_url
            except CatalogError:
                posters[movie_id] = ""
    with_posters = [(o, posters.get(o.show.movie_id or "", "")) for o in orders]
    upcoming = [pair for pair in with_posters if pair[0].show.start_time > now]
    past = [pair for pair in with_posters if pair[0].show.start_time <= now]
    upcoming.sort(key=lambda pair: pair[0].show.start_time)
    past.sort(key=lambda pair: pair[0].show.start_time, reverse=True)
    return BookingsSplit(upcoming=upcoming, past=past)
