"""The catalog from the Lambda service (which also sells; this project only reads it).

``lambda_rows`` reads the service's answers (its quirks, its bad rows) and
``lambda_times`` its clock; this module decides what to ask and what to keep:

- **Every movie.** The service pages by release date alone, so movies sharing a date come
  back in no stable order: pages repeat some and skip others, and ``hasMore`` is true
  before an empty page. The list is read whole (100 at a time, the service's limit, until
  a short page gives the count), then again through windows shifted by half and a quarter
  of a page while movies are missing, de-duplicated by id, and sorted in an order of our
  own (newest release first, then title). Pages of our own API are slices of that list.
- **An India day** is asked for as every service day that overlaps it, keeping the shows
  that start on it.
- **Unknown movies** are 404 (the service answers their shows with an empty list).
- **Cancelled shows** (``cancelled``, ``CANCELLED``, ``canceled``) are left out of listings
  and remembered, so their seat maps answer ``ShowCancelled`` and nothing is sold for them.
  The service hides ``CANCELLED`` shows from its listings itself, so a show someone is
  buying must still be listed on its day (``_check_listed``).
- **Seat maps** are cached for the service's own 10 s, and read afresh, past every cache,
  for a caller that needs a younger one (``max_age``): holds, orders and payments.
- **Availability**: a listed show whose seat map is in the cache carries its capacity and
  the seats the service has taken, so availability is counted rather than taken from the
  service's status, which then stands only when nothing better is known.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache

from bookmyshow.ids import canonical_id
from catalog.cities import known_cities
from catalog.client import CircuitBreaker, LambdaClient, LambdaNotFound
from catalog.domain import City, Movie, MovieCard, Show, ShowTime, TheatreShows
from catalog.errors import CatalogUnavailable, MovieNotFound, ShowCancelled, ShowNotFound
from catalog.sources import lambda_rows as rows
from catalog.sources.base import CatalogSource
from catalog.sources.lambda_times import ServiceTimes, TimeLabels

logger = logging.getLogger(__name__)

# Cache lifetimes, in seconds, from the service's own.
MOVIE_LIST_TTL = 300
MOVIE_TTL = 3600
SHOWS_TTL = 60
SEATMAP_TTL = 10
CANCELLED_TTL = 24 * 3600  # a show the service called cancelled, until a listing says otherwise

MOVIE_PAGE = 100  # the most movies the service returns at once
MOVIE_PAGE_STARTS = (0, MOVIE_PAGE // 2, MOVIE_PAGE // 4)  # one pass through the list each
MOVIE_PAGES_MAX = 200  # pages read for one list, whatever the service answers


class LambdaCatalog(CatalogSource):
    def __init__(self, *, base_url: str, clock: Callable[[], float] = time.time):
        self.clock = clock  # seat-map ages; the cache may be shared, so wall-clock seconds
        self.client = LambdaClient(
            base_url=base_url,
            connect_timeout=settings.BMS_API_CONNECT_TIMEOUT,
            read_timeout=settings.BMS_API_READ_TIMEOUT,
            retries=settings.BMS_API_RETRIES,
            breaker=CircuitBreaker(
                failures=settings.BMS_API_BREAKER_FAILURES,
                cooldown=settings.BMS_API_BREAKER_COOLDOWN_SECONDS,
                clock=time.monotonic,
            ),
        )
        labels = TimeLabels(settings.BMS_API_TIMES)
        self.times = ServiceTimes(labels=labels, site_zone=settings.TIME_ZONE)
        self.dropped = rows.DropLog()
        self.key_prefix = f"catalog:lambda:{labels}"

    # -- movies ---------------------------------------------------------------------------

    def movies_all(self) -> tuple[MovieCard, ...]:
        return self._cached(f"{self.key_prefix}:movies", MOVIE_LIST_TTL, self._movies_read)

    def _movies_read(self) -> tuple[MovieCard, ...]:
        found: dict[str, dict] = {}
        count: int | None = None
        pages = 0
        for start in MOVIE_PAGE_STARTS:
            offset = start
            while pages < MOVIE_PAGES_MAX:
                body = self._fetch("/movies", params={"limit": MOVIE_PAGE, "offset": offset})
                page = self._answer(body, rows.rows, "movies")
                pages += 1
                for item in page:
                    found.setdefault(_movie_key(item), item)
                if len(page) < MOVIE_PAGE:  # the last page: its end is the count
                    count = offset + len(page)
                    break
                offset += MOVIE_PAGE
            if count is not None and len(found) >= count:
                break
        else:
            logger.warning(
                "Catalog API: %d distinct movies of %s after reading the list %d times",
                len(found),
                count,
                len(MOVIE_PAGE_STARTS),
            )
        listed = [item for item in found.values() if isinstance(item, dict)]
        if len(listed) < len(found):
            self.dropped.drop("movie", "", "not an object")
        return rows.movie_cards(sorted(listed, key=rows.movie_order_key), self.dropped)

    def cities(self) -> tuple[City, ...]:
        """The service lists no theatres but under a movie's day: its cities are the
        ones an address may end in (``catalog.cities``), and Other."""
        return known_cities()

    def movie_get(self, *, movie_id: str) -> Movie:
        if canonical_id(movie_id) != movie_id:  # never ask the service about a bad id
            raise MovieNotFound(details={"movieId": movie_id})
        return self._cached(
            f"{self.key_prefix}:movie:{movie_id}", MOVIE_TTL, lambda: self._movie_read(movie_id)
        )

    def _movie_read(self, movie_id: str) -> Movie:
        not_found = MovieNotFound(details={"movieId": movie_id})
        body = self._fetch(f"/movies/{quote(movie_id, safe='')}", not_found=not_found)
        try:
            return rows.movie(body)
        except rows.Unusable as exc:
            self.dropped.drop("movie", movie_id, str(exc))
            raise not_found from None

    # -- shows by date --------------------------------------------------------------------

    def theatre_shows_for_date(self, *, movie_id: str, day: date) -> tuple[TheatreShows, ...]:
        self.movie_get(movie_id=movie_id)  # MovieNotFound, as the local catalog says it
        theatres: dict[str, TheatreShows] = {}
        for service_day in self.times.service_days(day):
            for theatre in self._listing(movie_id, service_day).theatres:
                shows = [s for s in theatre.shows if self.times.site_day(s.start_time) == day]
                known = theatres.get(theatre.theatre_id)
                if known is not None:
                    seen = {show.show_id for show in known.shows}
                    shows = [*known.shows, *(s for s in shows if s.show_id not in seen)]
                theatres[theatre.theatre_id] = replace(theatre, shows=tuple(shows))
        counted = self._with_seat_counts(
            [theatre for theatre in theatres.values() if theatre.shows]
        )
        return tuple(sorted(counted, key=lambda theatre: (theatre.name, theatre.theatre_id)))

    def _listing(self, movie_id: str, service_day: date, *, fresh: bool = False) -> rows.Listing:
        key = f"{self.key_prefix}:shows:{movie_id}:{service_day}"
        listing = None if fresh else cache.get(key)
        if listing is None:
            listing = self._listing_read(movie_id, service_day)
            cache.set(key, listing, SHOWS_TTL)
        return listing

    def _listing_read(self, movie_id: str, service_day: date) -> rows.Listing:
        body = self._fetch(
            f"/movies/{quote(movie_id, safe='')}/shows",
            params={"date": service_day.isoformat()},
            not_found=MovieNotFound(details={"movieId": movie_id}),
        )
        listing = self._answer(body, rows.listing, self.times, self.dropped)
        cache.set_many(
            {
                **{self._cancelled_key(show_id): True for show_id in listing.cancelled},
                **{self._movie_of_key(s): movie_id for s in listing.cancelled | listing.listed},
            },
            CANCELLED_TTL,
        )
        cache.delete_many([self._cancelled_key(show_id) for show_id in listing.listed])
        return listing

    def _with_seat_counts(self, theatres: list[TheatreShows]) -> list[TheatreShows]:
        """Each listed show whose seat map is cached, with its capacity and the seats the
        service has taken (sold, broken, held)."""
        keys = {s.show_id: self._seatmap_key(s.show_id) for t in theatres for s in t.shows}
        seat_maps = cache.get_many(list(keys.values()))

        def counted(show_time: ShowTime) -> ShowTime:
            cached = seat_maps.get(keys[show_time.show_id])
            if cached is None:
                return show_time
            layout, held = cached[1].layout, cached[1].source_held_seat_ids
            return replace(
                show_time,
                capacity=layout.capacity,
                blocked_count=len(layout.blocked_seat_ids | held),
            )

        return [replace(t, shows=tuple(counted(s) for s in t.shows)) for t in theatres]

    # -- a show's seat map ----------------------------------------------------------------

    def show_get(self, *, show_id: str, max_age: float | None = None) -> Show:
        if canonical_id(show_id) != show_id:
            raise ShowNotFound(details={"showId": show_id})
        if cache.get(self._cancelled_key(show_id)):
            raise ShowCancelled(details={"showId": show_id})
        key = self._seatmap_key(show_id)
        cached: tuple[float, Show] | None = cache.get(key)
        if cached is None or (max_age is not None and not self.clock() - cached[0] < max_age):
            cached = (self.clock(), self._show_read(show_id, fresh=max_age is not None))
            cache.set(key, cached, SEATMAP_TTL)
        if max_age is not None:  # someone is buying: the show must still be listed
            self._check_listed(cached[1], fresh=max_age == 0)
        return cached[1]

    def _check_listed(self, show: Show, *, fresh: bool) -> None:
        """Raise ``ShowCancelled`` unless the service still lists the show. Its seat maps
        say nothing of a cancellation, and it leaves ``CANCELLED`` shows out of its
        listings itself: a show missing from its movie's listing of its own day (read
        afresh to be sure, and always afresh when ``fresh``) is a cancelled show. The
        movie is the one the show was listed under, or else the movies of the seat map's
        title; a show with neither cannot be checked (it appears on no page of the site),
        and is logged."""
        movie_id = cache.get(self._movie_of_key(show.show_id))
        movie_ids = [movie_id] if movie_id else self._movies_titled(show.movie_title)
        if not movie_ids:
            self.dropped.once(f"cannot tell whether show {show.show_id} is cancelled: no movie")
            return
        service_day = show.start_time.astimezone(self.times.service_zone).date()
        for afresh in (True,) if fresh else (False, True):
            for listed_under in movie_ids:
                try:
                    listing = self._listing(listed_under, service_day, fresh=afresh)
                except MovieNotFound:  # the movie is gone, and its shows with it
                    continue
                if show.show_id in listing.listed:
                    return
                if show.show_id in listing.cancelled:
                    raise ShowCancelled(details={"showId": show.show_id})
        cache.set(self._cancelled_key(show.show_id), True, CANCELLED_TTL)
        raise ShowCancelled(details={"showId": show.show_id})

    def _movies_titled(self, title: str) -> list[str]:
        if not title:
            return []
        return [m.movie_id for m in self.movies_all() if m.title.casefold() == title.casefold()]

    def _show_read(self, show_id: str, *, fresh: bool) -> Show:
        not_found = ShowNotFound(details={"showId": show_id})
        body = self._fetch(
            f"/shows/{quote(show_id, safe='')}/seatmap", not_found=not_found, fresh=fresh
        )
        if rows.is_cancelled(body):
            cache.set(self._cancelled_key(show_id), True, CANCELLED_TTL)
            raise ShowCancelled(details={"showId": show_id})
        try:
            return rows.show(body, show_id, self.times, self.dropped)
        except rows.Unusable as exc:  # never on sale: not a show of ours
            self.dropped.drop("show", show_id, str(exc))
            raise not_found from None

    # -- plumbing -------------------------------------------------------------------------

    def _seatmap_key(self, show_id: str) -> str:
        return f"{self.key_prefix}:seatmap:{show_id}"

    def _cancelled_key(self, show_id: str) -> str:
        return f"catalog:lambda:cancelled:{show_id}"

    def _movie_of_key(self, show_id: str) -> str:
        return f"catalog:lambda:movie-of:{show_id}"

    def _cached[T](self, key: str, ttl: int, read: Callable[[], T]) -> T:
        value = cache.get(key)
        if value is None:
            value = read()
            cache.set(key, value, ttl)
        return value

    def _fetch(
        self,
        path: str,
        *,
        params: dict[str, str | int] | None = None,
        not_found: Exception | None = None,
        fresh: bool = False,
    ) -> dict:
        try:
            return self.client.get_json(path, params, fresh=fresh)
        except LambdaNotFound:
            if not_found is None:
                raise CatalogUnavailable() from None
            raise not_found from None

    def _answer[T](self, body: dict, read: Callable[..., T], *args) -> T:
        """``read(body, *args)``; an answer it cannot use at all is ``CatalogUnavailable``."""
        try:
            return read(body, *args)
        except rows.Unusable as exc:
            logger.warning("Catalog API answer is unusable: %s", exc)
            raise CatalogUnavailable() from exc


def _movie_key(item: object) -> str:
    """The same movie under any spelling of its id; a row without one stands alone."""
    if isinstance(item, dict):
        movie_id = canonical_id(str(item.get("movie_id") or "").strip())
        if movie_id:
            return movie_id
    return repr(item)
