"""The Lambda's answers read row by row: quirks absorbed, bad rows left out.

What the service really sends (``spec/LAMBDA.md``, as observed): snake_case keys from the
movie endpoints and camelCase from the others, numbers as strings or numbers, ``null`` or
``""`` for missing text, ``null`` prices and ratings, prices of ``0``, free-text statuses in
any letter case, datetimes with a space or a ``T`` and microseconds, seat ids outside the
layout, extra fields at any time.

A row the catalog cannot use (a movie, theatre, show or seat without an id, a movie or
theatre without a name, a show without a start time or a positive price) is left out and
logged once with its id; the rest of the answer stands. An answer that is not what the
endpoint returns at all (no list where the rows should be) raises ``Unusable``.
"""

import logging
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.templatetags.static import static

from bookmyshow.ids import canonical_id
from bookmyshow.money import money
from catalog.cities import city_from_address
from catalog.domain import (
    SEAT_ID_PATTERN,
    Availability,
    Movie,
    MovieCard,
    Seat,
    SeatLayout,
    SeatRow,
    Show,
    ShowTime,
    TheatreShows,
    Tier,
)
from catalog.sources.lambda_times import ServiceTimes

logger = logging.getLogger(__name__)

LAMBDA_TIER = "STANDARD"
PLACEHOLDER_POSTER = "posters/placeholder.svg"
CANCELLED = frozenset({"cancelled", "canceled"})
STATUSES = {
    "active": Availability.AVAILABLE,
    "available": Availability.AVAILABLE,
    "filling_fast": Availability.FILLING_FAST,
    "almost_full": Availability.ALMOST_FULL,
    "sold_out": Availability.SOLD_OUT,
}


class Unusable(Exception):
    """A row (or a whole answer) the catalog cannot use; the message says why."""


class DropLog:
    """Says once per process what was left out or ignored and why: the same bad row comes
    back with every fresh copy of a listing, and one line about it is enough."""

    LIMIT = 10_000

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def drop(self, kind: str, ident: str, reason: str) -> None:
        """A row left out: ``kind`` (movie, theatre, show, seat), its id as sent, why."""
        self.once(f"left out {kind} {ident or '(no id)'}: {reason}")

    def once(self, message: str) -> None:
        with self._lock:
            if message in self._seen:
                return
            if len(self._seen) >= self.LIMIT:
                self._seen.clear()
            self._seen.add(message)
        logger.warning("Catalog API: %s", message)


# -- values -----------------------------------------------------------------------------


def rows(body: dict, key: str) -> list[Any]:
    """The list of rows under ``key``; ``null`` is none. Raises ``Unusable``."""
    value = body.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise Unusable(f"{key!r} is not a list")
    return value


def text(data: dict, key: str) -> str:
    value = data.get(key)
    return str(value).strip() if value is not None else ""


def required_text(data: dict, key: str) -> str:
    value = text(data, key)
    if not value:
        raise Unusable(f"no {key}")
    return value


def decimal_or_none(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def positive_price(value: Any) -> Decimal:
    """A price to sell at: a positive number of rupees, to the paisa. Raises ``Unusable``:
    a show without one is never on sale."""
    number = decimal_or_none(value)
    price = money(number) if number is not None else None
    if price is None or price <= 0:
        raise Unusable(f"no positive price ({value!r})")
    return price


def int_or_none(value: Any) -> int | None:
    number = decimal_or_none(value)
    return int(number) if number is not None and number == number.to_integral_value() else None


def date_or_none(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value).strip()[:10]) if value else None
    except ValueError:
        return None


def start_time(data: dict, key: str, times: ServiceTimes) -> datetime:
    raw = data.get(key)
    if not raw:
        raise Unusable(f"no {key}")
    try:
        return times.read(str(raw).strip())
    except ValueError:
        raise Unusable(f"bad {key} {raw!r}") from None


def record_id(data: dict, key: str) -> str:
    """An id from the service, spelled the canonical way (it echoes ids in any letter
    case). Anything but a UUID is no id: no page of the site could be reached by it."""
    raw = data.get(key)
    canonical = canonical_id(raw.strip() if isinstance(raw, str) else raw)
    if canonical is None:
        raise Unusable(f"no {key} (got {raw!r})")
    return canonical


def askable_id(data: dict, key: str) -> str:
    """The id of a movie or show the site will ask the service about: the service
    validates such ids as version-4 UUIDs and refuses any other version (a 400), so a
    row with another one would be a link to a page that cannot load."""
    canonical = record_id(data, key)
    if canonical[14] != "4":
        raise Unusable(f"{key} {canonical} is not a version-4 UUID")
    return canonical


def raw_id(item: object, key: str) -> str:
    """What a row says its id is, for the log line about leaving it out."""
    return str(item.get(key) or "")[:80] if isinstance(item, dict) else ""


def usable[T](
    items: list[Any], kind: str, id_key: str, dropped: DropLog, read: Callable[[dict], T]
) -> list[T]:
    """``read`` of each row, in order; a row it cannot use is left out and logged."""
    kept = []
    for item in items:
        try:
            if not isinstance(item, dict):
                raise Unusable("not an object")
            kept.append(read(item))
        except Unusable as exc:
            dropped.drop(kind, raw_id(item, id_key), str(exc))
    return kept


def names(value: Any) -> tuple[str, ...]:
    """A list of names sent as a list or as one string ("2D, IMAX"), blanks left out."""
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return ()
    return tuple(str(genre).strip() for genre in value if genre is not None and str(genre).strip())


def status(value: Any) -> str:
    """A status as one spelling: ``CANCELLED``, ``Sold Out`` and ``sold-out`` are
    ``cancelled``, ``sold_out``, ``sold_out``."""
    return "_".join(str(value or "").strip().lower().replace("-", " ").split())


def poster(data: dict) -> str:
    return text(data, "thumbnail_url") or static(PLACEHOLDER_POSTER)


# -- movies -----------------------------------------------------------------------------


def movie_card(data: dict) -> MovieCard:
    return MovieCard(
        movie_id=askable_id(data, "movie_id"),
        title=required_text(data, "title"),
        thumbnail_url=poster(data),
        rating=decimal_or_none(data.get("rating")),
        duration_mins=int_or_none(data.get("duration_mins")),
        genres=names(data.get("genres")),
        languages=names(data.get("language")),
        formats=names(data.get("format")),
        release_date=date_or_none(data.get("release_date")),
    )


def movie_cards(items: list[Any], dropped: DropLog) -> tuple[MovieCard, ...]:
    """The movies of a list, in the order given, without the rows that are unusable."""
    return tuple(usable(items, "movie", "movie_id", dropped, movie_card))


def movie_order_key(data: dict) -> tuple:
    """A stable order for the list, whatever order the service sent it in: newest
    release first (no date last), then by title and id."""
    released = date_or_none(data.get("release_date"))
    return (
        released is None,
        -(released.toordinal() if released else 0),
        text(data, "title").casefold(),
        text(data, "movie_id").lower(),
    )


def movie(data: dict) -> Movie:
    card = movie_card(data)
    return Movie(
        movie_id=card.movie_id,
        title=card.title,
        about=text(data, "about"),
        thumbnail_url=card.thumbnail_url,
        rating=card.rating,
        duration_mins=card.duration_mins,
        age_rating=text(data, "age_rating"),
        release_date=date_or_none(data.get("release_date")),
        language=text(data, "language"),
        format=text(data, "format"),
        genres=card.genres,
        languages=card.languages,
        formats=card.formats,
    )


# -- shows by date ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Listing:
    """One of the service's days for a movie: theatres with the shows on sale, and which
    shows it called cancelled (left out) or anything else (still listed)."""

    theatres: tuple[TheatreShows, ...]
    cancelled: frozenset[str]
    listed: frozenset[str]


def listing(body: dict, times: ServiceTimes, dropped: DropLog) -> Listing:
    """Raises ``Unusable`` when ``theatres`` is not a list."""
    cancelled: set[str] = set()

    def theatre(data: dict) -> TheatreShows:
        theatre_id = record_id(data, "theatreId")
        name = required_text(data, "name")
        shows = []
        for show_id, show_time in usable(
            rows(data, "shows"),
            "show",
            "showId",
            dropped,
            lambda row: _show_time(row, times, dropped),
        ):
            if show_time is None:
                cancelled.add(show_id)
            else:
                shows.append(show_time)
        geo = data["geo"] if isinstance(data.get("geo"), dict) else {}
        lat, lng = decimal_or_none(geo.get("lat")), decimal_or_none(geo.get("lng"))
        return TheatreShows(
            theatre_id=theatre_id,
            name=name,
            address=text(data, "address"),
            lat=float(lat) if lat is not None else None,
            lng=float(lng) if lng is not None else None,
            cancellation_available=data.get("cancellationAvailable") is True,
            shows=tuple(sorted(shows, key=lambda show: show.start_time)),
            city=city_from_address(text(data, "address")),
        )

    theatres = tuple(usable(rows(body, "theatres"), "theatre", "theatreId", dropped, theatre))
    listed = frozenset(show.show_id for theatre in theatres for show in theatre.shows)
    return Listing(theatres=theatres, cancelled=frozenset(cancelled), listed=listed)


def _show_time(data: dict, times: ServiceTimes, dropped: DropLog) -> tuple[str, ShowTime | None]:
    """The show's id, and the show as listed (None when the service calls it cancelled).
    An unknown status says nothing about availability: the seats alone will."""
    show_id = askable_id(data, "showId")
    said = status(data.get("status"))
    if said in CANCELLED:
        return show_id, None
    if said not in STATUSES:
        dropped.once(f"unknown show status {said!r} (show {show_id}): not taken as availability")
    return show_id, ShowTime(
        show_id=show_id,
        start_time=start_time(data, "startTime", times),
        price=positive_price(data.get("price")),
        capacity=None,  # known once the show's seat map is
        blocked_count=0,
        source_status=STATUSES.get(said),
    )


# -- a show's seat map ------------------------------------------------------------------


def is_cancelled(body: dict) -> bool:
    """Whether a seat map says its show is cancelled (the service's seat maps carry no
    status today; one that does is believed)."""
    return status(body.get("status")) in CANCELLED


def show(body: dict, show_id: str, times: ServiceTimes, dropped: DropLog) -> Show:
    """Raises ``Unusable`` when the show cannot be sold: no start time, no positive price,
    no seats."""
    price = positive_price(body.get("price"))
    layout = _layout(body, show_id, price, dropped)
    return Show(
        show_id=show_id,  # as asked for (canonical), not as echoed
        movie_id=_optional_id(body, "movieId"),
        movie_title=text(body, "movieTitle"),
        theatre_id=_optional_id(body, "theatreId"),
        theatre_name=text(body, "theatreName"),
        screen_name=text(body, "screenName"),
        start_time=start_time(body, "startTime", times),
        layout=layout,
        source_held_seat_ids=_seat_ids(
            body, "heldSeatIds", show_id, layout.seats_by_id.keys(), dropped
        ),
    )


def _optional_id(data: dict, key: str) -> str | None:
    try:
        return record_id(data, key)
    except Unusable:
        return None


def _layout(body: dict, show_id: str, price: Decimal, dropped: DropLog) -> SeatLayout:
    """One tier at the show's price; rows in the order the service lists them."""
    seats_by_row: dict[str, dict[str, Seat]] = {}
    for seat in usable(rows(body, "layout"), f"seat of show {show_id}", "seatId", dropped, _seat):
        seats_by_row.setdefault(seat.row, {}).setdefault(seat.seat_id, seat)
    if not seats_by_row:
        raise Unusable("no seats")
    known = {seat_id for seats in seats_by_row.values() for seat_id in seats}
    return SeatLayout(
        tiers=(Tier(code=LAMBDA_TIER, name="Standard", price=price),),
        rows=tuple(
            SeatRow(
                label=label,
                tier=LAMBDA_TIER,
                seats=tuple(sorted(seats.values(), key=lambda seat: seat.number)),
            )
            for label, seats in seats_by_row.items()
        ),
        blocked_seat_ids=_seat_ids(body, "unavailableSeatIds", show_id, known, dropped),
    )


def _seat(data: dict) -> Seat:
    seat_id = required_text(data, "seatId")
    row = required_text(data, "row")
    number = int_or_none(data.get("number"))
    if not SEAT_ID_PATTERN.fullmatch(seat_id) or number is None or number < 1:
        raise Unusable(f"not a seat we can sell: {seat_id!r}, number {data.get('number')!r}")
    return Seat(
        seat_id=seat_id,
        row=row,
        number=number,
        tier=LAMBDA_TIER,
        column=number,
        type=text(data, "type") or "regular",
    )


def _seat_ids(
    body: dict, key: str, show_id: str, known: Collection[str], dropped: DropLog
) -> frozenset[str]:
    """The seats the service lists under ``key`` that are in the layout; the others are
    ignored (they name no seat anyone could pick) and logged."""
    try:
        listed = {str(seat_id).strip() for seat_id in rows(body, key) if seat_id is not None}
    except Unusable as exc:
        dropped.once(f"ignored {key} of show {show_id}: {exc}")
        return frozenset()
    outside = {seat_id for seat_id in listed if seat_id not in known}
    if outside:
        dropped.once(
            f"ignored {key} of show {show_id} outside its layout: {', '.join(sorted(outside))}"
        )
    return frozenset(listed - outside)
