"""The catalog from this project's own models (the default, and what runs offline)."""

import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from time import monotonic
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Max, Prefetch
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.templatetags.static import static
from django.utils import timezone

from bookmyshow.ids import canonical_id
from catalog import models
from catalog.cities import city_of
from catalog.domain import (
    DEFAULT_FORMAT,
    City,
    Credit,
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
from catalog.errors import MovieNotFound, ShowNotFound
from catalog.sources.base import CatalogSource

VERSION_KEY = "catalog:local:version"


def local_index_clear() -> None:
    """Mark the catalog changed, so that every process rebuilds the movie list, cities,
    what is showing where, the screens' seat counts and the shows it keeps (after a
    change; bulk inserts send no signal, so they call this).

    The new version is written in the change's own transaction: no process can see it
    before the change itself. This process forgets its copy of the version now, and
    again once the change is committed: a read in between (on another connection, which
    does not see the change yet) would otherwise keep the old version for a minute."""
    version_token = uuid.uuid4().hex
    if not models.CatalogVersion.objects.filter(pk=1).update(token=version_token):
        models.CatalogVersion.objects.get_or_create(pk=1, defaults={"token": version_token})
    cache.delete(VERSION_KEY)
    transaction.on_commit(lambda: cache.delete(VERSION_KEY))


def _version_read() -> str:
    """The catalog's version from the database (made on the first read after a flush)."""
    version, _ = models.CatalogVersion.objects.get_or_create(
        pk=1, defaults={"token": uuid.uuid4().hex}
    )
    return version.token


@receiver(post_save)
@receiver(post_delete)
def _catalog_changed(sender: type, **kwargs) -> None:
    if sender in (
        models.Movie,
        models.Credit,
        models.Theatre,
        models.Screen,
        models.Show,
        models.ShowPrice,
        models.SeatRow,
    ):
        local_index_clear()


class _ShowingIndex:
    """What is showing where, from the start of each movie's last show in each city: a
    movie stops showing when that show starts, with no rebuild of the index."""

    def __init__(self, last_starts: dict[str, dict[str, datetime]]) -> None:
        self._last_starts = last_starts  # city slug ("" for every city): movie id: start
        self._now: dict[str, tuple[datetime, frozenset[str]]] = {}

    def movie_ids(self, slug: str, now: datetime) -> frozenset[str]:
        """Ids of the movies with a show in the city still to start at ``now``; kept until
        the first of their last shows starts."""
        kept = self._now.get(slug)
        if kept is not None and now < kept[0]:
            return kept[1]
        starts = {
            movie_id: start
            for movie_id, start in self._last_starts.get(slug, {}).items()
            if start > now
        }
        ids = frozenset(starts)
        self._now[slug] = (min(starts.values(), default=datetime.max.replace(tzinfo=UTC)), ids)
        return ids


def _poster_url(movie: models.Movie) -> str:
    return static(movie.poster) if movie.poster else static("posters/placeholder.svg")


def _card(movie: models.Movie, cast_names: tuple[str, ...] = ()) -> MovieCard:
    return MovieCard(
        movie_id=str(movie.id),
        title=movie.title,
        thumbnail_url=_poster_url(movie),
        rating=movie.rating,
        duration_mins=movie.duration_mins,
        genres=tuple(movie.genres),
        languages=tuple(movie.languages),
        formats=tuple(movie.formats),
        release_date=movie.release_date,
        vote_count=movie.vote_count,
        cast_names=cast_names,
    )


def _priced_rows(show: models.Show) -> tuple[list[models.SeatRow], dict[int, models.ShowPrice]]:
    """The screen's rows whose tier has a positive price for this show; a tier without
    one is not sold."""
    prices = {price.tier_id: price for price in show.prices.all() if price.price > 0}
    rows = [row for row in show.screen.rows.all() if row.tier_id in prices]
    return rows, prices


def build_layout(rows: Iterable[models.SeatRow], prices: dict[int, models.ShowPrice]) -> SeatLayout:
    tiers = sorted(prices.values(), key=lambda price: (price.tier.position, price.tier.code))
    seat_rows = []
    blocked = set()
    for row in rows:
        seats = []
        column = 0
        for number in range(1, row.seat_count + 1):
            column += 1
            seat_id = f"{row.label}{number}"
            seats.append(
                Seat(
                    seat_id=seat_id, row=row.label, number=number, tier=row.tier.code, column=column
                )
            )
            if number in row.aisle_after:
                column += 1  # the aisle takes a column of its own
            if number in row.blocked:
                blocked.add(seat_id)
        seat_rows.append(SeatRow(label=row.label, tier=row.tier.code, seats=tuple(seats)))
    return SeatLayout(
        tiers=tuple(Tier(code=p.tier.code, name=p.tier.name, price=p.price) for p in tiers),
        rows=tuple(seat_rows),
        blocked_seat_ids=frozenset(blocked),
    )


def _layout_signature(rows: Iterable[models.SeatRow], prices: dict[int, models.ShowPrice]) -> tuple:
    """All that ``build_layout`` reads, cheap to compare: rows are a few dozen, seats many
    hundreds."""
    return (
        tuple(
            (row.label, row.seat_count, tuple(row.aisle_after), tuple(row.blocked), row.tier.code)
            for row in rows
        ),
        tuple(
            (p.tier.code, p.tier.name, p.tier.position, p.price)
            for p in sorted(prices.values(), key=lambda p: p.tier_id)
        ),
    )


def _local_day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


class LocalCatalog(CatalogSource):
    """Reads the catalog models. Shows are memoised in the process for up to
    ``SHOW_TTL_SECONDS`` (or a caller's ``max_age``): every hold and every seat-grid
    refresh needs the show's layout, and building a 600-seat layout costs more than the
    rest of a hold together. A show read again keeps its layout (the same object) unless
    its rows or prices changed, so only a change costs a new layout, and shows of one
    screen at one price share theirs.

    The indexes (movies, cities, what is showing where, seat counts) and the movies'
    weeks of shows are kept in the process under the catalog's version, and rebuilt only
    when it changes. The version lives in the database; the cache holds this process's
    copy for ``VERSION_CHECK_SECONDS``, so a page costs a cache read, not a query. A
    change made in this process is seen on its next read; one made in another process
    within ``VERSION_CHECK_SECONDS`` (at once where the cache is shared)."""

    SHOW_TTL_SECONDS = 10.0
    SHOW_CACHE_SIZE = 512
    VERSION_CHECK_SECONDS = 60  # how long a copy of the catalog's version is trusted
    LISTINGS_SIZE = 512  # movies' weeks of shows kept

    def __init__(self) -> None:
        self._shows: dict[str, tuple[float, Show]] = {}
        self._layouts: dict[tuple, SeatLayout] = {}
        self._shows_lock = threading.Lock()
        self._index: dict[str, tuple[str, Any]] = {}
        self._by_id: tuple[tuple[MovieCard, ...], dict[str, MovieCard]] | None = None
        self._listings: dict[tuple, tuple[str, dict[date, tuple[TheatreShows, ...]]]] = {}

    def movies_all(self) -> tuple[MovieCard, ...]:
        """Every movie by title (then id), with its cast's names: two queries, kept in
        the process until the catalog changes."""
        return self._cached("movies", self._movies_read)

    def _movies_read(self) -> tuple[MovieCard, ...]:
        cast: dict[uuid.UUID, list[str]] = {}
        for movie_id, name in models.Credit.objects.filter(
            kind=models.Credit.Kind.CAST
        ).values_list("movie_id", "name"):
            cast.setdefault(movie_id, []).append(name)
        return tuple(
            _card(movie, tuple(cast.get(movie.id, ())))
            for movie in models.Movie.objects.order_by("title", "id")
        )

    def cities(self) -> tuple[City, ...]:
        return self._cached("cities", self._cities_read)

    def _cities_read(self) -> tuple[City, ...]:
        names = models.Theatre.objects.values_list("city", flat=True).distinct()
        return tuple(sorted({city_of(name) for name in names}))

    def movies_showing(self, *, city: City | None) -> frozenset[str] | None:
        showing = self._cached("showing", self._showing_read)
        return showing.movie_ids(city.slug if city else "", timezone.now())

    def _showing_read(self) -> _ShowingIndex:
        """The start of each movie's last show still to start, by city slug (and over
        every city under "")."""
        last_starts: dict[str, dict[str, datetime]] = {"": {}}
        rows = (
            models.Show.objects.filter(start_time__gt=timezone.now())
            .values_list("movie_id", "screen__theatre__city")
            .annotate(last_start=Max("start_time"))
            .order_by()
        )
        for movie_id, city_name, last_start in rows:
            for slug in (city_of(city_name).slug, ""):
                starts = last_starts.setdefault(slug, {})
                starts[str(movie_id)] = max(last_start, starts.get(str(movie_id), last_start))
        return _ShowingIndex(last_starts)

    def _seats_read(self) -> dict[tuple[uuid.UUID, int], tuple[int, int]]:
        """Every screen's seats by tier: (screen id, tier id) to (seats, blocked)."""
        seats: dict[tuple[uuid.UUID, int], tuple[int, int]] = {}
        rows = models.SeatRow.objects.values_list("screen_id", "tier_id", "seat_count", "blocked")
        for screen_id, tier_id, count, blocked in rows:
            total, off = seats.get((screen_id, tier_id), (0, 0))
            seats[(screen_id, tier_id)] = (total + count, off + len(blocked))
        return seats

    def _version(self) -> str:
        """The catalog's version: this process's copy from the cache, else (a change
        here deleted it, or it is ``VERSION_CHECK_SECONDS`` old) from the database. Read
        it before the data it stands for: data read first could be older than it."""
        version = cache.get(VERSION_KEY)
        if version is None:
            version = _version_read()
            cache.set(VERSION_KEY, version, self.VERSION_CHECK_SECONDS)
        return version

    def _cached[T](self, name: str, read: Callable[[], T]) -> T:
        """``read()``, kept in this process until the catalog's version changes: a page
        pays one small cache read per index instead of unpickling every movie."""
        version = self._version()
        memo = self._index.get(name)
        if memo is not None and memo[0] == version:
            return memo[1]
        value = read()
        self._index[name] = (version, value)
        return value

    def movie_get(self, *, movie_id: str) -> Movie:
        movie = self._movie(movie_id)
        credits = tuple(
            Credit(name=credit.name, role=credit.role, kind=credit.kind)
            for credit in movie.credits.all()
        )
        return Movie(
            movie_id=str(movie.id),
            title=movie.title,
            about=movie.about,
            thumbnail_url=_poster_url(movie),
            rating=movie.rating,
            duration_mins=movie.duration_mins,
            age_rating=movie.age_rating,
            release_date=movie.release_date,
            language=", ".join(movie.languages),
            format=", ".join(movie.formats),
            genres=tuple(movie.genres),
            languages=tuple(movie.languages),
            formats=tuple(movie.formats),
            vote_count=movie.vote_count,
            trailer_url=movie.trailer_url,
            credits=credits,
        )

    def theatre_shows_for_date(self, *, movie_id: str, day: date) -> tuple[TheatreShows, ...]:
        return self.theatre_shows_for_days(movie_id=movie_id, days=(day,))[day]

    def theatre_shows_for_days(
        self, *, movie_id: str, days: Sequence[date], city: City | None = None
    ) -> dict[date, tuple[TheatreShows, ...]]:
        """Two queries (the shows with their theatres, their prices), read as plain
        values, whatever the number of days, theatres and shows; the movie and the
        screens' seat counts come from indexes kept like the movie list, and the answer
        is kept in the process until the catalog changes."""
        movie = self._movie_card(movie_id)
        key = (movie.movie_id, tuple(sorted(set(days))), city.slug if city else "")
        version = self._version()
        kept = self._listings.get(key)
        if kept is not None and kept[0] == version:
            return kept[1]
        found = self._theatre_shows_read(movie, days, city)
        if len(self._listings) >= self.LISTINGS_SIZE:
            self._listings.clear()
        self._listings[key] = (version, found)
        return found

    def _theatre_shows_read(
        self, movie: MovieCard, days: Sequence[date], city: City | None
    ) -> dict[date, tuple[TheatreShows, ...]]:
        wanted = set(days)
        start, end = _local_day_bounds(min(wanted))[0], _local_day_bounds(max(wanted))[1]
        shows = models.Show.objects.filter(
            movie_id=movie.movie_id, start_time__gte=start, start_time__lt=end
        ).order_by("screen__theatre__name", "screen__theatre_id", "start_time")
        if city is not None:
            shows = shows.filter(screen__theatre__city__iexact=city.name)
        show_rows = list(
            shows.values_list(
                "id",
                "start_time",
                "format",
                "language",
                "screen_id",
                "screen__name",
                "screen__theatre_id",
                "screen__theatre__name",
                "screen__theatre__address",
                "screen__theatre__lat",
                "screen__theatre__lng",
                "screen__theatre__cancellation_available",
                "screen__theatre__city",
            )
        )
        prices: dict[uuid.UUID, dict[int, Decimal]] = {}
        for show_id, tier_id, price in models.ShowPrice.objects.filter(
            show_id__in=[row[0] for row in show_rows], price__gt=0
        ).values_list("show_id", "tier_id", "price"):
            prices.setdefault(show_id, {})[tier_id] = price
        seats = self._cached("seats", self._seats_read)
        main_language = movie.languages[0] if movie.languages else ""
        by_day: dict[date, dict[Any, tuple[tuple, list[ShowTime]]]] = {d: {} for d in wanted}
        for show_id, start_time, fmt, language, screen_id, screen_name, *theatre in show_rows:
            day = timezone.localtime(start_time).date()
            priced = {
                tier: price
                for tier, price in prices.get(show_id, {}).items()
                if (screen_id, tier) in seats
            }
            if day not in wanted or not priced:
                continue  # nothing on sale
            show_times = by_day[day].setdefault(theatre[0], (tuple(theatre), []))[1]
            show_times.append(
                ShowTime(
                    show_id=str(show_id),
                    start_time=start_time,
                    price=min(priced.values()),
                    capacity=sum(seats[(screen_id, tier)][0] for tier in priced),
                    blocked_count=sum(seats[(screen_id, tier)][1] for tier in priced),
                    screen_name=screen_name,
                    format=fmt or DEFAULT_FORMAT,
                    language=language or main_language,
                )
            )
        return {
            day: tuple(
                TheatreShows(
                    theatre_id=str(theatre_id),
                    name=name,
                    address=address,
                    lat=lat,
                    lng=lng,
                    cancellation_available=cancellation,
                    shows=tuple(show_times),
                    city=city_of(city_name),
                )
                for (
                    theatre_id,
                    name,
                    address,
                    lat,
                    lng,
                    cancellation,
                    city_name,
                ), show_times in theatres.values()
            )
            for day, theatres in by_day.items()
        }

    def show_get(self, *, show_id: str, max_age: float | None = None) -> Show:
        """Nothing but this project sells a local show's seats, so ``max_age`` bounds only
        how long a change to its layout (a seat blocked in the admin) may go unseen."""
        limit = self.SHOW_TTL_SECONDS if max_age is None else min(self.SHOW_TTL_SECONDS, max_age)
        with self._shows_lock:
            cached = self._shows.get(show_id)
        if cached and monotonic() - cached[0] < limit:
            return cached[1]
        show = self._show_load(show_id)
        with self._shows_lock:
            if len(self._shows) >= self.SHOW_CACHE_SIZE:
                self._shows.clear()
            self._shows[show_id] = (monotonic(), show)
        return show

    def _show_load(self, show_id: str) -> Show:
        pk = canonical_id(show_id)
        show = (
            models.Show.objects.select_related("movie", "screen__theatre")
            .prefetch_related(
                "prices__tier",
                Prefetch("screen__rows", models.SeatRow.objects.select_related("tier")),
            )
            .filter(pk=pk)
            .first()
            if pk
            else None
        )
        rows, prices = _priced_rows(show) if show is not None else ([], {})
        if show is None or not rows:  # a show with nothing priced is never on sale
            raise ShowNotFound(details={"showId": str(show_id)})
        return Show(
            show_id=str(show.id),
            movie_id=str(show.movie_id),
            movie_title=show.movie.title,
            theatre_id=str(show.screen.theatre_id),
            theatre_name=show.screen.theatre.name,
            screen_name=show.screen.name,
            start_time=show.start_time,
            layout=self._layout(rows, prices),
        )

    def _layout(
        self, rows: list[models.SeatRow], prices: dict[int, models.ShowPrice]
    ) -> SeatLayout:
        signature = _layout_signature(rows, prices)
        layout = self._layouts.get(signature)
        if layout is None:
            layout = build_layout(rows, prices)
            with self._shows_lock:
                if len(self._layouts) >= self.SHOW_CACHE_SIZE:
                    self._layouts.clear()
                self._layouts[signature] = layout
        return layout

    def movie_card_get(self, *, movie_id: str) -> MovieCard:
        return self._movie_card(movie_id)

    def _movie_card(self, movie_id: str) -> MovieCard:
        """The movie's card from the index. Raises ``MovieNotFound``."""
        movies = self.movies_all()
        memo = self._by_id
        if memo is None or memo[0] is not movies:
            memo = self._by_id = (movies, {movie.movie_id: movie for movie in movies})
        card = memo[1].get(canonical_id(movie_id) or "")
        if card is None:
            raise MovieNotFound(details={"movieId": str(movie_id)})
        return card

    def _movie(self, movie_id: str) -> models.Movie:
        pk = canonical_id(movie_id)
        movie = models.Movie.objects.filter(pk=pk).first() if pk else None
        if movie is None:
            raise MovieNotFound(details={"movieId": str(movie_id)})
        return movie
