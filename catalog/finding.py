"""Finding a show: the one home of the rules for cities, search and filters, used alike by
the JSON API and the pages.

- Query values are read by ``movie_filters_parse`` and ``show_filters_parse`` from a plain
  mapping (a query string), the same names everywhere: ``city``, ``q``, ``language``,
  ``genre``, ``format``, ``status``; ``priceMin``, ``priceMax``, ``timeOfDay``. A value the
  catalog does not know raises ``FilterInvalid`` (400 ``VALIDATION_ERROR``), whose details
  name the field and list the allowed values.
- Values match whatever their letter case; they come back spelled as the catalog spells
  them, so a link or an API answer is the same whoever typed it.
- Search ranks a title that starts with the words first, then a title that contains
  them, then a language or genre, then someone in the cast; within a rank the catalog's
  own order stands.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from django.utils import timezone

from catalog.domain import FORMATS, City, MovieCard, ShowTime, TheatreShows
from catalog.errors import CatalogError
from catalog.sources import get_catalog

MAX_QUERY_LENGTH = 100
MAX_PRICE = Decimal("100000")


class FilterInvalid(CatalogError):
    """A filter value the catalog does not know, or a malformed one (details: the field's
    errors, and under ``allowed`` the values it takes)."""

    status_code = 400
    code = "VALIDATION_ERROR"
    message = "Some filters have values we do not know."


class MovieStatus(StrEnum):
    NOW_SHOWING = "now_showing"
    COMING_SOON = "coming_soon"

    @property
    def label(self) -> str:
        return self.replace("_", " ").capitalize()


class TimeOfDay(StrEnum):
    """Parts of an India day a show starts in: morning before noon, afternoon to 5 PM,
    evening to 9 PM, night after."""

    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"
    NIGHT = "night"

    @classmethod
    def of(cls, moment: datetime) -> "TimeOfDay":
        hour = timezone.localtime(moment).hour
        if hour < 12:
            return cls.MORNING
        if hour < 17:
            return cls.AFTERNOON
        if hour < 21:
            return cls.EVENING
        return cls.NIGHT

    @property
    def label(self) -> str:
        return self.capitalize()

    @property
    def hours(self) -> str:
        return {
            "morning": "before 12 PM",
            "afternoon": "12 to 5 PM",
            "evening": "5 to 9 PM",
            "night": "after 9 PM",
        }[self.value]


@dataclass(frozen=True, slots=True)
class Facets:
    """The values each filter takes, as the catalog spells them."""

    cities: tuple[City, ...]
    languages: tuple[str, ...]
    genres: tuple[str, ...]
    formats: tuple[str, ...] = FORMATS


_facets_memo: list[tuple[tuple[MovieCard, ...], tuple[City, ...], Facets]] = []


def facets_get() -> Facets:
    """The filters' values, from the catalog's movies and cities (worked out again only
    when the catalog gives another list: its sources keep theirs)."""
    catalog = get_catalog()
    movies, cities = catalog.movies_all(), catalog.cities()
    memo = _facets_memo[0] if _facets_memo else None
    if memo is not None and memo[0] is movies and memo[1] is cities:
        return memo[2]
    facets = Facets(
        cities=cities,
        languages=_distinct(name for movie in movies for name in movie.languages),
        genres=_distinct(name for movie in movies for name in movie.genres),
    )
    _facets_memo[:] = [(movies, cities, facets)]
    return facets


def _distinct(names: Iterable[str]) -> tuple[str, ...]:
    found: dict[str, str] = {}
    for name in names:
        found.setdefault(name.casefold(), name)
    return tuple(sorted(found.values(), key=str.casefold))


@dataclass(frozen=True, slots=True)
class MovieFilters:
    city: City | None = None
    q: str = ""
    language: str = ""
    genre: str = ""
    format: str = ""
    status: MovieStatus | None = None

    def active(self) -> list[tuple[str, str]]:
        """The filters in use besides the city, as (query name, value)."""
        pairs = [
            ("q", self.q),
            ("language", self.language),
            ("genre", self.genre),
            ("format", self.format),
        ]
        if self.status is not None:
            pairs.append(("status", self.status.value))
        return [(name, value) for name, value in pairs if value]


@dataclass(frozen=True, slots=True)
class ShowFilters:
    city: City | None = None
    language: str = ""
    format: str = ""
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    time_of_day: TimeOfDay | None = None

    def active(self) -> list[tuple[str, str]]:
        """The filters in use besides the city, as (query name, value)."""
        pairs = [
            ("language", self.language),
            ("format", self.format),
            ("priceMin", "" if self.price_min is None else str(self.price_min)),
            ("priceMax", "" if self.price_max is None else str(self.price_max)),
            ("timeOfDay", self.time_of_day.value if self.time_of_day else ""),
        ]
        return [(name, value) for name, value in pairs if value]

    def matches(self, show: ShowTime) -> bool:
        return (
            (not self.language or show.language.casefold() == self.language.casefold())
            and (not self.format or show.format == self.format)
            and (self.price_min is None or show.price >= self.price_min)
            and (self.price_max is None or show.price <= self.price_max)
            and (self.time_of_day is None or TimeOfDay.of(show.start_time) == self.time_of_day)
        )

    def theatres(self, theatres: Iterable[TheatreShows]) -> tuple[TheatreShows, ...]:
        """The theatres of the city with the shows that match; theatres left with none
        are left out."""
        kept = []
        for theatre in theatres:
            if self.city is not None and theatre.city.slug != self.city.slug:
                continue
            shows = tuple(show for show in theatre.shows if self.matches(show))
            if shows:
                kept.append(replace(theatre, shows=shows))
        return tuple(kept)


# -- reading filters --------------------------------------------------------------------


class _Errors:
    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}
        self.allowed: dict[str, list[str]] = {}

    def unknown(self, name: str, value: str, allowed: Iterable[str]) -> None:
        values = list(allowed)
        shown = ", ".join(values) if values else "none in this catalog"
        self.fields[name] = [f"{value!r} is not one of: {shown}."]
        self.allowed[name] = values

    def bad(self, name: str, message: str) -> None:
        self.fields[name] = [message]

    def raise_any(self) -> None:
        if self.fields:
            details: dict = {**self.fields}
            if self.allowed:
                details["allowed"] = self.allowed
            raise FilterInvalid(details=details)


def _value(params: Mapping[str, str], name: str) -> str:
    return " ".join(str(params.get(name) or "").split())[:MAX_QUERY_LENGTH]


def _choice(params, name: str, allowed: Iterable[str], errors: _Errors) -> str:
    value = _value(params, name)
    if not value:
        return ""
    options = list(allowed)
    for option in options:
        if option.casefold() == value.casefold():
            return option
    errors.unknown(name, value, options)
    return ""


def _enum[E: StrEnum](params, name: str, kind: type[E], errors: _Errors) -> E | None:
    value = _choice(params, name, [member.value for member in kind], errors)
    return kind(value) if value else None


def city_find(slug: str, cities: Iterable[City]) -> City | None:
    """The city of ``slug`` (any letter case) among ``cities``, or None."""
    slug = slug.strip().casefold()
    return next((city for city in cities if city.slug == slug), None)


def _city(params, facets: Facets, default: City | None, errors: _Errors) -> City | None:
    value = _value(params, "city")
    if not value:
        return default
    city = city_find(value, facets.cities)
    if city is None:
        errors.unknown("city", value, [city.slug for city in facets.cities])
    return city


def _price(params, name: str, errors: _Errors) -> Decimal | None:
    value = _value(params, name)
    if not value:
        return None
    try:
        price = Decimal(value)
    except InvalidOperation:
        price = None
    if price is None or not price.is_finite() or not 0 <= price <= MAX_PRICE:
        errors.bad(name, f"Enter an amount in rupees from 0 to {MAX_PRICE}, e.g. 250.")
        return None
    return price


def movie_filters_parse(
    params: Mapping[str, str], *, facets: Facets, city: City | None = None
) -> MovieFilters:
    """The movie filters of a query. ``city``: the one to use when the query names none
    (the visitor's own, on the pages). Raises ``FilterInvalid``."""
    errors = _Errors()
    filters = MovieFilters(
        city=_city(params, facets, city, errors),
        q=_value(params, "q"),
        language=_choice(params, "language", facets.languages, errors),
        genre=_choice(params, "genre", facets.genres, errors),
        format=_choice(params, "format", facets.formats, errors),
        status=_enum(params, "status", MovieStatus, errors),
    )
    errors.raise_any()
    return filters


def show_filters_parse(
    params: Mapping[str, str], *, facets: Facets, city: City | None = None
) -> ShowFilters:
    """The show filters of a query (see ``movie_filters_parse``). Raises
    ``FilterInvalid``, also for a lowest price above the highest."""
    errors = _Errors()
    filters = ShowFilters(
        city=_city(params, facets, city, errors),
        language=_choice(params, "language", facets.languages, errors),
        format=_choice(params, "format", facets.formats, errors),
        price_min=_price(params, "priceMin", errors),
        price_max=_price(params, "priceMax", errors),
        time_of_day=_enum(params, "timeOfDay", TimeOfDay, errors),
    )
    if (
        filters.price_min is not None
        and filters.price_max is not None
        and filters.price_min > filters.price_max
    ):
        errors.bad("priceMax", "The highest price must not be below the lowest.")
    errors.raise_any()
    return filters


# -- movies -----------------------------------------------------------------------------


def is_released(movie: MovieCard, today: date) -> bool:
    """A movie without a release date is taken as released."""
    return movie.release_date is None or movie.release_date <= today


def _status_matches(
    movie: MovieCard, status: MovieStatus | None, today: date, showing: frozenset[str] | None
) -> bool:
    """Whether the movie is ``status`` (None: either). Now showing: released, and in
    ``showing`` (what plays in the city) unless that is None (no city asked, or a source
    that cannot tell); coming soon: released later."""
    if not is_released(movie, today):
        return status is not MovieStatus.NOW_SHOWING
    if status is MovieStatus.COMING_SOON:
        return False
    return showing is None or movie.movie_id in showing


@dataclass(frozen=True, slots=True)
class _Folded:
    """A movie's words in one letter case, for matching."""

    title: str
    languages: frozenset[str]
    genres: frozenset[str]
    formats: frozenset[str]
    # Languages and genres, and the cast's names, each as one text with a line break
    # before every name: "starts with" and "has" are then one search of one string.
    tags: str
    cast: str

    @classmethod
    def of(cls, movie: MovieCard) -> "_Folded":
        languages = frozenset(name.casefold() for name in movie.languages)
        genres = frozenset(name.casefold() for name in movie.genres)
        return cls(
            title=movie.title.casefold(),
            languages=languages,
            genres=genres,
            formats=frozenset(name.casefold() for name in movie.formats),
            tags="".join(f"\n{name}" for name in sorted(languages | genres)),
            cast="".join(f"\n{name.casefold()}" for name in movie.cast_names),
        )


_folded_memo: list[tuple[tuple[MovieCard, ...], list[_Folded]]] = []


def _folded_all(movies: tuple[MovieCard, ...]) -> list[_Folded]:
    memo = _folded_memo[0] if _folded_memo else None
    if memo is not None and memo[0] is movies:
        return memo[1]
    folded = [_Folded.of(movie) for movie in movies]
    _folded_memo[:] = [(movies, folded)]
    return folded


def _rank(movie: _Folded, wanted: str) -> int | None:
    """How well the movie answers a search for ``wanted`` (folded, lower is better), or
    None: 0 the title starts with it, 1 the title has it, 2 a language or genre starts
    with it, 3 someone in the cast has it in their name."""
    if movie.title.startswith(wanted):
        return 0
    if wanted in movie.title:
        return 1
    if f"\n{wanted}" in movie.tags:
        return 2
    if wanted in movie.cast:  # a search holds no line break, so it matches within a name
        return 3
    return None


def movies_find(
    filters: MovieFilters, *, today: date | None = None, movies: tuple[MovieCard, ...] | None = None
) -> list[MovieCard]:
    """The catalog's movies that pass ``filters``, searched ones best first. Without a
    ``status``, a city narrows the list to what is showing there and what is coming
    soon. Reads the catalog's index of movies once, and once what is showing where."""
    catalog = get_catalog()
    today = today or timezone.localdate()
    movies = catalog.movies_all() if movies is None else movies
    folded = _folded_all(movies)
    language, genre = filters.language.casefold(), filters.genre.casefold()
    fmt, wanted = filters.format.casefold(), filters.q.casefold()
    needs_showing = filters.status is MovieStatus.NOW_SHOWING or filters.city is not None
    showing = catalog.movies_showing(city=filters.city) if needs_showing else None
    ranked: list[tuple[int, int, MovieCard]] = []
    for position, (movie, words) in enumerate(zip(movies, folded, strict=True)):
        if (
            (language and language not in words.languages)
            or (genre and genre not in words.genres)
            or (fmt and fmt not in words.formats)
        ):
            continue
        if not _status_matches(movie, filters.status, today, showing):
            continue
        rank = _rank(words, wanted) if wanted else 0
        if rank is not None:
            ranked.append((rank, position, movie))
    ranked.sort(key=lambda item: item[:2])
    return [movie for _, _, movie in ranked]
