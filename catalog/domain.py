"""What the catalog returns, whichever source it comes from: frozen, typed values."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

# The formats a show can play in, as people write them.
FORMATS = ("2D", "3D", "IMAX", "IMAX 3D", "4DX", "ScreenX")
DEFAULT_FORMAT = "2D"

SEAT_ID_PATTERN = re.compile(r"^[A-Z]{1,2}\d{1,2}$")
_SEAT_PARTS = re.compile(r"^([A-Z]*)(\d*)$")


def seat_sort_key(seat_id: str) -> tuple[str, int, str]:
    """Order seats as people read them: A2 before A10, Z9 before AA1."""
    match = _SEAT_PARTS.match(seat_id)
    if not match or not match[2]:
        return ("~", 0, seat_id)
    return (match[1].rjust(2), int(match[2]), seat_id)


@dataclass(frozen=True, slots=True, order=True)
class City:
    """A city listings are chosen by: ``slug`` in URLs (``mumbai``), ``name`` for people."""

    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class Credit:
    """Someone who made the movie: ``kind`` is ``cast`` (``role``: the character) or
    ``crew`` (``role``: the job)."""

    name: str
    role: str
    kind: str = "cast"


@dataclass(frozen=True, slots=True)
class MovieCard:
    """A movie as listed. The lists are empty where the source does not say (the
    Lambda's list gives no languages, formats or cast)."""

    movie_id: str
    title: str
    thumbnail_url: str
    rating: Decimal | None
    duration_mins: int | None
    genres: tuple[str, ...]
    languages: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    release_date: date | None = None
    vote_count: int | None = None
    cast_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MoviePage:
    movies: tuple[MovieCard, ...]
    limit: int
    offset: int
    has_more: bool


@dataclass(frozen=True, slots=True)
class Movie:
    movie_id: str
    title: str
    about: str
    thumbnail_url: str
    rating: Decimal | None
    duration_mins: int | None
    age_rating: str
    release_date: date | None
    language: str  # the languages as one string ("Hindi, Tamil"), as the API always said
    format: str  # likewise ("2D, IMAX")
    genres: tuple[str, ...]
    languages: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    vote_count: int | None = None
    trailer_url: str = ""
    credits: tuple[Credit, ...] = ()

    @property
    def cast(self) -> tuple[Credit, ...]:
        return tuple(credit for credit in self.credits if credit.kind == "cast")

    @property
    def crew(self) -> tuple[Credit, ...]:
        return tuple(credit for credit in self.credits if credit.kind == "crew")


class Availability(StrEnum):
    AVAILABLE = "AVAILABLE"
    FILLING_FAST = "FILLING_FAST"
    ALMOST_FULL = "ALMOST_FULL"
    SOLD_OUT = "SOLD_OUT"

    @property
    def label(self) -> str:
        return self.replace("_", " ").capitalize()

    @classmethod
    def from_counts(cls, *, capacity: int, taken: int) -> "Availability":
        """Availability from how many of ``capacity`` seats are sold, held or blocked."""
        free = capacity - taken
        if capacity <= 0 or free <= 0:
            return cls.SOLD_OUT
        if free * 10 <= capacity:  # 10% or less left
            return cls.ALMOST_FULL
        if free * 2 <= capacity:  # half or less left
            return cls.FILLING_FAST
        return cls.AVAILABLE


@dataclass(frozen=True, slots=True)
class Tier:
    code: str
    name: str
    price: Decimal


@dataclass(frozen=True, slots=True)
class Seat:
    seat_id: str
    row: str
    number: int
    tier: str
    column: int
    type: str = "regular"


Segment = tuple[Seat, ...]


@dataclass(frozen=True, slots=True)
class SeatRow:
    """One row as drawn: its seats in order; ``column`` gaps between seats are aisles."""

    label: str
    tier: str
    seats: tuple[Seat, ...]

    def segments(self) -> tuple[Segment, ...]:
        """The row's seats split at its aisles: the blocks of seats side by side."""
        segments: list[list[Seat]] = []
        for seat in self.seats:
            if segments and seat.column == segments[-1][-1].column + 1:
                segments[-1].append(seat)
            else:
                segments.append([seat])
        return tuple(tuple(segment) for segment in segments)


@dataclass(frozen=True, slots=True)
class SeatLayout:
    tiers: tuple[Tier, ...]
    rows: tuple[SeatRow, ...]
    blocked_seat_ids: frozenset[str]
    seats_by_id: dict[str, Seat] = field(init=False, repr=False, compare=False, hash=False)
    # Each seat's segment (its row's block between aisles), worked out once per layout.
    segment_of: dict[str, Segment] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        seats = {seat.seat_id: seat for row in self.rows for seat in row.seats}
        object.__setattr__(self, "seats_by_id", seats)
        segment_of = {
            seat.seat_id: segment
            for row in self.rows
            for segment in row.segments()
            for seat in segment
        }
        object.__setattr__(self, "segment_of", segment_of)

    @property
    def capacity(self) -> int:
        return len(self.seats_by_id)

    @property
    def seats(self) -> tuple[Seat, ...]:
        """Every seat, row by row."""
        return tuple(seat for row in self.rows for seat in row.seats)

    @property
    def width(self) -> int:
        """The widest row, in columns (aisle gaps counted)."""
        return max((row.seats[-1].column for row in self.rows if row.seats), default=0)

    def tier(self, code: str) -> Tier:
        return next(tier for tier in self.tiers if tier.code == code)

    def price_of(self, seat_id: str) -> Decimal:
        return self.tier(self.seats_by_id[seat_id].tier).price

    @property
    def lowest_price(self) -> Decimal:
        return min(tier.price for tier in self.tiers)


@dataclass(frozen=True, slots=True)
class Show:
    """A show with everything needed to draw its seats and price a booking."""

    show_id: str
    movie_id: str | None
    movie_title: str
    theatre_id: str | None
    theatre_name: str
    screen_name: str
    start_time: datetime
    layout: SeatLayout
    # Seats the source itself reports as held by its own users; they are not ours to sell.
    source_held_seat_ids: frozenset[str] = frozenset()

    @property
    def price(self) -> Decimal:
        return self.layout.lowest_price


@dataclass(frozen=True, slots=True)
class ShowTime:
    """A show as listed on a buy-tickets page. ``source_status`` is what the source says
    about availability when it cannot count seats for us (the Lambda)."""

    show_id: str
    start_time: datetime
    price: Decimal
    capacity: int | None
    blocked_count: int
    source_status: Availability | None = None
    screen_name: str = ""  # empty where the source does not say (the Lambda)
    format: str = ""  # likewise
    language: str = ""  # likewise

    @property
    def what(self) -> str:
        """What you get, as the show's button says it: its format and its screen
        ("IMAX · Audi 2"), each where the source says it, once when they are the same
        (an IMAX show in the screen named IMAX)."""
        parts = [self.format, self.screen_name]
        if self.format.casefold() == self.screen_name.casefold():
            parts = [self.format]
        return " · ".join(part for part in parts if part)


@dataclass(frozen=True, slots=True)
class TheatreShows:
    theatre_id: str
    name: str
    address: str
    lat: float | None
    lng: float | None
    cancellation_available: bool
    shows: tuple[ShowTime, ...]
    city: City = City("other", "Other")
