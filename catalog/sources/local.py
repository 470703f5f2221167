"""The catalog from this project's own models (the default, and what runs offline)."""

import threading
import uuid
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from time import monotonic

from django.db.models import Prefetch
from django.templatetags.static import static
from django.utils import timezone

from bookmyshow.ids import canonical_id
from catalog import models
from catalog.domain import (
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
from catalog.errors import MovieNotFound, ShowNotFound
from catalog.sources.base import CatalogSource


def _poster_url(movie: models.Movie) -> str:
    return static(movie.poster) if movie.poster else static("posters/placeholder.svg")


def _card(movie: models.Movie) -> MovieCard:
    return MovieCard(
        movie_id=str(movie.id),
        title=movie.title,
        thumbnail_url=_poster_url(movie),
        rating=movie.rating,
        duration_mins=movie.duration_mins,
        genres=tuple(movie.genres),
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
    screen at one price share theirs."""

    SHOW_TTL_SECONDS = 10.0
    SHOW_CACHE_SIZE = 512

    def __init__(self) -> None:
        self._shows: dict[str, tuple[float, Show]] = {}
        self._layouts: dict[tuple, SeatLayout] = {}
        self._shows_lock = threading.Lock()

    def movie_list(self, *, limit: int, offset: int) -> MoviePage:
        movies = list(models.Movie.objects.order_by("title", "id")[offset : offset + limit + 1])
        return MoviePage(
            movies=tuple(_card(movie) for movie in movies[:limit]),
            limit=limit,
            offset=offset,
            has_more=len(movies) > limit,
        )

    def movie_get(self, *, movie_id: str) -> Movie:
        movie = self._movie(movie_id)
        return Movie(
            movie_id=str(movie.id),
            title=movie.title,
            about=movie.about,
            thumbnail_url=_poster_url(movie),
            rating=movie.rating,
            duration_mins=movie.duration_mins,
            age_rating=movie.age_rating,
            release_date=movie.release_date,
            language=movie.language,
            format=movie.format,
            genres=tuple(movie.genres),
        )

    def theatre_shows_for_date(self, *, movie_id: str, day: date) -> tuple[TheatreShows, ...]:
        movie = self._movie(movie_id)
        start, end = _local_day_bounds(day)
        shows = (
            models.Show.objects.filter(movie=movie, start_time__gte=start, start_time__lt=end)
            .select_related("screen__theatre")
            .prefetch_related("prices__tier", "screen__rows")
            .order_by("screen__theatre__name", "start_time")
        )
        by_theatre: dict[uuid.UUID, tuple[models.Theatre, list[ShowTime]]] = {}
        for show in shows:
            rows, prices = _priced_rows(show)
            if not rows:
                continue  # nothing on sale
            theatre = show.screen.theatre
            show_times = by_theatre.setdefault(theatre.id, (theatre, []))[1]
            show_times.append(
                ShowTime(
                    show_id=str(show.id),
                    start_time=show.start_time,
                    price=min(price.price for price in prices.values()),
                    capacity=sum(row.seat_count for row in rows),
                    blocked_count=sum(len(row.blocked) for row in rows),
                    screen_name=show.screen.name,
                )
            )
        return tuple(
            TheatreShows(
                theatre_id=str(theatre.id),
                name=theatre.name,
                address=theatre.address,
                lat=theatre.lat,
                lng=theatre.lng,
                cancellation_available=theatre.cancellation_available,
                shows=tuple(show_times),
            )
            for theatre, show_times in by_theatre.values()
        )

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

    def _movie(self, movie_id: str) -> models.Movie:
        pk = canonical_id(movie_id)
        movie = models.Movie.objects.filter(pk=pk).first() if pk else None
        if movie is None:
            raise MovieNotFound(details={"movieId": str(movie_id)})
        return movie
