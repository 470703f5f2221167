"""Reads that combine the catalog with booking state (what is sold, held or blocked)."""

from dataclasses import dataclass
from datetime import date, datetime

from catalog.domain import Availability, Show, ShowTime, TheatreShows
from catalog.sources import get_catalog


@dataclass(frozen=True, slots=True)
class SeatMap:
    show: Show
    unavailable_seat_ids: frozenset[str]  # sold, blocked
    held_seat_ids: frozenset[str]  # in active holds and pending orders, of anyone


def seat_map_get(*, show_id: str, now: datetime) -> SeatMap:
    show = get_catalog().show_get(show_id=show_id)
    return SeatMap(
        show=show,
        unavailable_seat_ids=show.layout.blocked_seat_ids,
        held_seat_ids=show.source_held_seat_ids,
    )


def show_time_status(show_time: ShowTime) -> Availability:
    if show_time.capacity is None:
        return show_time.source_status or Availability.AVAILABLE
    return Availability.from_counts(capacity=show_time.capacity, taken=show_time.blocked_count)


@dataclass(frozen=True, slots=True)
class ListedShow:
    show_time: ShowTime
    status: Availability


@dataclass(frozen=True, slots=True)
class ListedTheatre:
    theatre: TheatreShows
    shows: tuple[ListedShow, ...]


def theatre_shows_list(*, movie_id: str, day: date, now: datetime) -> tuple[ListedTheatre, ...]:
    """Theatres showing the movie on ``day`` with shows still on sale and their status."""
    theatres = get_catalog().theatre_shows_for_date(movie_id=movie_id, day=day)
    listed = []
    for theatre in theatres:
        shows = tuple(
            ListedShow(show_time=show_time, status=show_time_status(show_time))
            for show_time in theatre.shows
            if show_time.start_time > now
        )
        if shows:
            listed.append(ListedTheatre(theatre=theatre, shows=shows))
    return tuple(listed)
