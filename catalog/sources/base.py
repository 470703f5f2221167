"""The one interface every catalog source implements."""

from datetime import date

from catalog.domain import Movie, MoviePage, Show, TheatreShows


class CatalogSource:
    """Read-only access to movies, shows and seat layouts.

    Every method returns frozen domain values. Unknown ids raise ``MovieNotFound`` or
    ``ShowNotFound``; a source that cannot answer raises ``CatalogUnavailable``.
    """

    def movie_list(self, *, limit: int, offset: int) -> MoviePage:
        raise NotImplementedError("CatalogSource.movie_list")

    def movie_get(self, *, movie_id: str) -> Movie:
        raise NotImplementedError("CatalogSource.movie_get")

    def theatre_shows_for_date(self, *, movie_id: str, day: date) -> tuple[TheatreShows, ...]:
        """Theatres showing the movie on ``day`` (local time), by name; shows by time."""
        raise NotImplementedError("CatalogSource.theatre_shows_for_date")

    def show_get(self, *, show_id: str) -> Show:
        raise NotImplementedError("CatalogSource.show_get")
