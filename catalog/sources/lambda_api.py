"""The catalog from the Lambda read API, with every quirk of its answers absorbed here.

Quirks handled (see the Lambda notes in the README): snake_case and camelCase keys,
numbers sent as strings, ``null`` ratings, datetimes with a space instead of ``T``,
empty strings for missing text, lowercase statuses, and unknown extra fields. A missing
required field makes the answer unusable: ``CatalogUnavailable``.
"""

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.cache import cache

from bookmyshow.ids import canonical_id
from bookmyshow.money import money as money_round
from catalog.client import LambdaClient, LambdaNotFound
from catalog.domain import (
    Availability,
    Movie,
    MovieCard,
    MoviePage,
    Seat,
    SeatLayout,
    SeatRow,
    Show,
    ShowTime,
    TheatreShows,
    Tier,
)
from catalog.errors import CatalogUnavailable, MovieNotFound, ShowNotFound
from catalog.sources.base import CatalogSource

logger = logging.getLogger(__name__)

# Cache lifetimes, in seconds, from the service's own.
MOVIE_LIST_TTL = 300
MOVIE_TTL = 3600
SHOWS_TTL = 60
SEATMAP_TTL = 10

LAMBDA_TIER = "STANDARD"
STATUSES = {
    "active": Availability.AVAILABLE,
    "available": Availability.AVAILABLE,
    "filling_fast": Availability.FILLING_FAST,
    "almost_full": Availability.ALMOST_FULL,
    "sold_out": Availability.SOLD_OUT,
}


class Unusable(Exception):
    """A field the catalog needs is missing or malformed."""


def required(data: dict, key: str) -> Any:
    value = data.get(key)
    if value is None or value == "":
        raise Unusable(f"missing {key!r}")
    return value


def text(data: dict, key: str) -> str:
    value = data.get(key)
    return str(value).strip() if value is not None else ""


def decimal_or_none(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def money(value: Any) -> Decimal:
    number = decimal_or_none(value)
    if number is None or number < 0:
        raise Unusable(f"bad price {value!r}")
    return money_round(number)


def int_or_none(value: Any) -> int | None:
    number = decimal_or_none(value)
    return int(number) if number is not None else None


def aware_datetime(value: Any) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise Unusable(f"bad datetime {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def date_or_none(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value).strip()[:10]) if value else None
    except ValueError:
        return None


def record_id(data: dict, key: str) -> str:
    """An id from the service, spelled the canonical way (it echoes ids as they were sent,
    in any letter case)."""
    raw = str(required(data, key)).strip()
    return canonical_id(raw) or raw


def genres(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return ()
    return tuple(str(genre).strip() for genre in value if str(genre).strip())


def movie_card(data: dict) -> MovieCard:
    return MovieCard(
        movie_id=record_id(data, "movie_id"),
        title=str(required(data, "title")),
        thumbnail_url=text(data, "thumbnail_url"),
        rating=decimal_or_none(data.get("rating")),
        duration_mins=int_or_none(data.get("duration_mins")),
        genres=genres(data.get("genres")),
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
    )


def theatre_shows(data: dict) -> TheatreShows:
    geo = data["geo"] if isinstance(data.get("geo"), dict) else {}
    lat, lng = decimal_or_none(geo.get("lat")), decimal_or_none(geo.get("lng"))
    shows = sorted(
        (
            ShowTime(
                show_id=record_id(show, "showId"),
                start_time=aware_datetime(required(show, "startTime")),
                price=money(required(show, "price")),
                capacity=None,
                blocked_count=0,
                source_status=STATUSES.get(text(show, "status").lower()),
            )
            for show in data.get("shows") or []
        ),
        key=lambda show: show.start_time,
    )
    return TheatreShows(
        theatre_id=record_id(data, "theatreId"),
        name=str(required(data, "name")),
        address=text(data, "address"),
        lat=float(lat) if lat is not None else None,
        lng=float(lng) if lng is not None else None,
        cancellation_available=data.get("cancellationAvailable") is True,
        shows=tuple(shows),
    )


def seat_layout(data: dict, price: Decimal) -> SeatLayout:
    """One tier at the show's price; rows in the order the service lists them."""
    rows: dict[str, list[Seat]] = {}
    for seat in data.get("layout") or []:
        row = str(required(seat, "row"))
        number = int_or_none(required(seat, "number"))
        if number is None:
            raise Unusable(f"bad seat number in {seat!r}")
        rows.setdefault(row, []).append(
            Seat(
                seat_id=str(required(seat, "seatId")),
                row=row,
                number=number,
                tier=LAMBDA_TIER,
                column=number,
                type=text(seat, "type") or "regular",
            )
        )
    if not rows:
        raise Unusable("empty layout")
    return SeatLayout(
        tiers=(Tier(code=LAMBDA_TIER, name="Standard", price=price),),
        rows=tuple(
            SeatRow(
                label=label,
                tier=LAMBDA_TIER,
                seats=tuple(sorted(seats, key=lambda seat: seat.number)),
            )
            for label, seats in rows.items()
        ),
        blocked_seat_ids=frozenset(str(s) for s in data.get("unavailableSeatIds") or []),
    )


def show(data: dict, show_id: str) -> Show:
    price = money(required(data, "price"))
    return Show(
        show_id=show_id,  # as asked for (canonical), not as echoed
        movie_id=text(data, "movieId") or None,
        movie_title=text(data, "movieTitle"),
        theatre_id=text(data, "theatreId") or None,
        theatre_name=text(data, "theatreName"),
        screen_name=text(data, "screenName"),
        start_time=aware_datetime(required(data, "startTime")),
        layout=seat_layout(data, price),
        source_held_seat_ids=frozenset(str(s) for s in data.get("heldSeatIds") or []),
    )


class LambdaCatalog(CatalogSource):
    def __init__(self, *, base_url: str):
        self.client = LambdaClient(
            base_url=base_url,
            connect_timeout=settings.BMS_API_CONNECT_TIMEOUT,
            read_timeout=settings.BMS_API_READ_TIMEOUT,
            retries=settings.BMS_API_RETRIES,
        )

    def movie_list(self, *, limit: int, offset: int) -> MoviePage:
        def parse(body: dict) -> MoviePage:
            pagination = body.get("pagination") or {}
            return MoviePage(
                movies=tuple(movie_card(item) for item in body.get("movies") or []),
                limit=limit,
                offset=offset,
                has_more=pagination.get("hasMore") is True,
            )

        return self._get(
            "/movies", parse, MOVIE_LIST_TTL, params={"limit": limit, "offset": offset}
        )

    def movie_get(self, *, movie_id: str) -> Movie:
        if canonical_id(movie_id) != movie_id:  # never ask the service about a bad id
            raise MovieNotFound(details={"movieId": movie_id})
        return self._get(
            f"/movies/{quote(movie_id, safe='')}",
            movie,
            MOVIE_TTL,
            not_found=MovieNotFound(details={"movieId": movie_id}),
        )

    def theatre_shows_for_date(self, *, movie_id: str, day: date) -> tuple[TheatreShows, ...]:
        if canonical_id(movie_id) != movie_id:
            raise MovieNotFound(details={"movieId": movie_id})

        def parse(body: dict) -> tuple[TheatreShows, ...]:
            theatres = (theatre_shows(item) for item in body.get("theatres") or [])
            return tuple(sorted(theatres, key=lambda theatre: theatre.name))

        return self._get(
            f"/movies/{quote(movie_id, safe='')}/shows",
            parse,
            SHOWS_TTL,
            params={"date": day.isoformat()},
            not_found=MovieNotFound(details={"movieId": movie_id}),
        )

    def show_get(self, *, show_id: str) -> Show:
        if canonical_id(show_id) != show_id:
            raise ShowNotFound(details={"showId": show_id})
        return self._get(
            f"/shows/{quote(show_id, safe='')}/seatmap",
            lambda body: show(body, show_id),
            SEATMAP_TTL,
            not_found=ShowNotFound(details={"showId": show_id}),
        )

    def _get[T](
        self,
        path: str,
        parse: Callable[[dict], T],
        ttl: int,
        *,
        params: dict[str, str | int] | None = None,
        not_found: Exception | None = None,
    ) -> T:
        key = f"catalog:lambda:{path}?{urlencode(params or {})}"
        cached = cache.get(key)
        if cached is not None:
            return cached
        try:
            body = self.client.get_json(path, params)
        except LambdaNotFound:
            if not_found is None:
                raise CatalogUnavailable() from None
            raise not_found from None
        try:
            value = parse(body)
        except (Unusable, TypeError, AttributeError) as exc:
            logger.warning("Catalog API answer for %s is unusable: %s", path, exc)
            raise CatalogUnavailable() from exc
        cache.set(key, value, ttl)
        return value
