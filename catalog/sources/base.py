"""The one interface every catalog source implements."""

from collections.abc import Sequence
from datetime import date

from catalog.domain import City, Movie, MovieCard, MoviePage, Show, TheatreShows


class CatalogSource:
    """Read-only access to movies, shows and seat layouts.

    Every method returns frozen domain values. Unknown ids (and ids that are not
    canonical UUIDs) raise ``MovieNotFound`` or ``ShowNotFound``; a show the source called
    cancelled raises ``ShowCancelled``; a source that cannot answer raises
    ``CatalogUnavailable``.
    """

    def movies_all(self) -> tuple[MovieCard, ...]:
        """Every movie, each once, in a stable order."""
        raise NotImplementedError("CatalogSource.movies_all")

    def movie_list(self, *, limit: int, offset: int) -> MoviePage:
        """A page of ``movies_all``."""
        movies = self.movies_all()
        return MoviePage(
            movies=movies[offset : offset + limit],
            limit=limit,
            offset=offset,
            has_more=offset + limit < len(movies),
        )

    def movie_get(self, *, movie_id: str) -> Movie:
        raise NotImplementedError("CatalogSource.movie_get")

    def movie_card_get(self, *, movie_id: str) -> MovieCard:
        """The movie with what a listing of its shows needs (title, languages, formats),
        from the cheapest place the source has it. Raises ``MovieNotFound``."""
        movie = self.movie_get(movie_id=movie_id)
        return MovieCard(
            movie_id=movie.movie_id,
            title=movie.title,
            thumbnail_url=movie.thumbnail_url,
            rating=movie.rating,
            duration_mins=movie.duration_mins,
            genres=movie.genres,
            languages=movie.languages,
            formats=movie.formats,
            release_date=movie.release_date,
            vote_count=movie.vote_count,
        )

    def cities(self) -> tuple[City, ...]:
        """The cities with cinemas, by name."""
        raise NotImplementedError("CatalogSource.cities")

    def movies_showing(self, *, city: City | None) -> frozenset[str] | None:
        """Ids of the movies with a show still to start in ``city`` (anywhere: None);
        None when the source cannot tell without reading every movie's shows."""
        return None

    def theatre_shows_for_date(self, *, movie_id: str, day: date) -> tuple[TheatreShows, ...]:
        """Theatres showing the movie on ``day`` (a day of the site's time zone, India),
        by name; shows by time. Raises ``MovieNotFound`` for an unknown movie."""
        raise NotImplementedError("CatalogSource.theatre_shows_for_date")

    def theatre_shows_for_days(
        self, *, movie_id: str, days: Sequence[date], city: City | None = None
    ) -> dict[date, tuple[TheatreShows, ...]]:
        """``theatre_shows_for_date`` of each day; a source may read them at once, and
        may leave out the theatres of other cities than ``city`` (callers still filter
        by city: ``catalog.finding.ShowFilters``)."""
        return {day: self.theatre_shows_for_date(movie_id=movie_id, day=day) for day in days}

    def show_get(self, *, show_id: str, max_age: float | None = None) -> Show:
        """The show with its layout and the seats the source itself has taken (blocked:
        sold elsewhere or broken; held by the source's own users).

        ``max_age``: what the source says of the show's seats must be no older than this
        many seconds; ``0`` asks the source now, past every cache (before an order or a
        payment, when someone else may have sold a seat since). None: any copy the source
        keeps will do (pages)."""
        raise NotImplementedError("CatalogSource.show_get")
