"""A stand-in for the Lambda service, answering as its real handlers were observed to
(``spec/LAMBDA.md``, "Corrections"), registered on a ``responses`` mock.

- ``GET /movies``: snake_case rows, ``limit`` capped at 100, ordered by release date alone
  (ties in a new random order on every request, so pages repeat and skip movies),
  ``hasMore`` is ``len(page) == limit``;
- ``GET /movies/{id}``: 400 for anything but a version-4 UUID (any letter case), 404 for
  an unknown movie;
- ``GET /movies/{id}/shows?date=``: camelCase, the shows whose stored start falls on that
  UTC day, ``CANCELLED`` (that spelling only) left out, 200 with no theatres for an
  unknown movie;
- ``GET /shows/{id}/seatmap``: ``showId`` echoed as asked, ``unavailableSeatIds`` its sold
  and broken seats, ``heldSeatIds`` its own users' holds.

It also sells: ``sell`` and ``hold`` are its own front end at work.
"""

import json
import random
import re
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import responses

BASE = "https://lambda.example.test/prod"
UUID_V4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
BROKEN = ("A5", "B10", "C8")  # the service's broken seats at its latest version


def new_id() -> str:
    return str(uuid.uuid4())


def error(status: int, message: str) -> tuple[int, dict, str]:
    body = {"error": {"message": message, "timestamp": "2025-11-26T07:10:00.000Z"}}
    return status, {"Content-Type": "application/json"}, json.dumps(body)


def ok(body: dict) -> tuple[int, dict, str]:
    return 200, {"Content-Type": "application/json"}, json.dumps(body)


class LambdaStandIn:
    def __init__(self, *, seed: int = 13):
        self.rng = random.Random(seed)
        self.movies: dict[str, dict] = {}
        self.shows: dict[str, dict] = {}
        self.on_seatmap: Callable[[str], None] | None = None  # told of every seat-map read

    # -- its data -------------------------------------------------------------------------

    def movie_add(self, title: str = "RRR", *, release_date: str | None = "2022-03-25", **row):
        movie_id = row.pop("movie_id", None) or new_id()
        self.movies[movie_id] = {
            "movie_id": movie_id,
            "title": title,
            "about": "Two revolutionaries.",
            "thumbnail_url": "https://img.example.test/rrr.jpg",
            "rating": "8.8",
            "duration_mins": 187,
            "age_rating": "UA",
            "release_date": release_date,
            "language": "Telugu",
            "format": "2D, IMAX",
            "genres": ["Action", "Drama"],
            "created_at": "2025-01-01T00:00:00.123456+00:00",
            **row,
        }
        return movie_id

    @staticmethod
    def theatre(name: str = "PVR Phoenix Mills", **fields) -> dict:
        return {
            "theatreId": new_id(),
            "name": name,
            "address": "Lower Parel, Mumbai",
            "geo": {"lat": 19.0132, "lng": 72.8342},
            "cancellationAvailable": True,
            **fields,
        }

    def show_add(
        self,
        movie_id: str,
        theatre: dict,
        start: str,
        *,
        price: object = 350.0,
        status: str = "active",
        rows: str = "ABC",
        per_row: int = 10,
        **listed,
    ) -> str:
        """A show starting at ``start``, exactly as the service stores and sends it."""
        show_id = listed.pop("showId", None) or new_id()
        self.shows[show_id] = {
            "movie_id": movie_id,
            "theatre": theatre,
            "start": start,
            "price": price,
            "status": status,
            "seats": [f"{row}{n}" for row in rows for n in range(1, per_row + 1)],
            "broken": {seat for seat in BROKEN if seat[0] in rows},
            "sold": set(),
            "held": set(),
            "listed": listed,  # extra fields of the listing row
        }
        return show_id

    def sell(self, show_id: str, *seats: str) -> None:
        """Its own front end sold these seats (through its POST /orders)."""
        self.shows[show_id]["held"] -= set(seats)
        self.shows[show_id]["sold"] |= set(seats)

    def hold(self, show_id: str, *seats: str) -> None:
        """Its own front end's user holds these seats (in its Redis)."""
        self.shows[show_id]["held"] |= set(seats)

    # -- its handlers ---------------------------------------------------------------------

    def install(self, mocked: responses.RequestsMock) -> "LambdaStandIn":
        base = re.escape(BASE)
        mocked.add_callback(responses.GET, re.compile(rf"{base}/movies(\?.*)?$"), self._movies)
        mocked.add_callback(
            responses.GET, re.compile(rf"{base}/movies/([^/?]+)/shows(\?.*)?$"), self._shows
        )
        mocked.add_callback(responses.GET, re.compile(rf"{base}/movies/([^/?]+)$"), self._movie)
        mocked.add_callback(
            responses.GET, re.compile(rf"{base}/shows/([^/?]+)/seatmap$"), self._seatmap
        )
        return self

    def _movies(self, request):
        query = parse_qs(urlsplit(request.url).query)
        limit = min(int(query.get("limit", ["20"])[0]), 100)
        offset = int(query.get("offset", ["0"])[0])
        rows = list(self.movies.values())
        self.rng.shuffle(rows)  # PostgreSQL's order among equal release dates
        rows.sort(key=lambda row: row["release_date"] or "", reverse=True)  # nulls last
        page = rows[offset : offset + limit]
        listed = ("movie_id", "title", "thumbnail_url", "rating", "duration_mins", "genres")
        return ok(
            {
                "movies": [{key: row.get(key) for key in listed} for row in page],
                "pagination": {"limit": limit, "offset": offset, "hasMore": len(page) == limit},
            }
        )

    def _movie(self, request):
        asked = urlsplit(request.url).path.rsplit("/", 1)[1]
        if not UUID_V4.fullmatch(asked.lower()):
            return error(400, "Invalid movie ID")
        movie = self.movies.get(asked.lower())
        return ok(movie) if movie else error(404, "Movie not found")

    def _shows(self, request):
        asked = urlsplit(request.url).path.split("/")[-2]
        raw_date = parse_qs(urlsplit(request.url).query).get("date", [""])[0]
        try:
            day = date.fromisoformat(raw_date)
        except ValueError:
            return error(400, "Invalid date")
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        theatres: dict[str, dict] = {}
        for show_id, show in self.shows.items():
            begins = datetime.fromisoformat(show["start"])
            if (
                show["movie_id"] != asked.lower()
                or not start <= begins < start + timedelta(days=1)
                or show["status"] == "CANCELLED"
            ):
                continue
            theatre = theatres.setdefault(
                show["theatre"]["theatreId"], {**show["theatre"], "shows": []}
            )
            theatre["shows"].append(
                {
                    "showId": show_id,
                    "startTime": show["start"],
                    "price": show["price"],
                    "status": show["status"],
                    **show["listed"],
                }
            )
        return ok({"movieId": asked, "date": raw_date, "theatres": list(theatres.values())})

    def _seatmap(self, request):
        asked = urlsplit(request.url).path.split("/")[-2]
        if self.on_seatmap is not None:
            self.on_seatmap(asked)
        show = self.shows.get(asked.lower())
        if show is None:
            return error(404, "Show not found")
        return ok(
            {
                "showId": asked,
                "movieTitle": self.movies.get(show["movie_id"], {}).get("title"),
                "theatreName": show["theatre"]["name"],
                "startTime": show["start"],
                "price": show["price"],
                "layout": [
                    {"seatId": seat, "row": seat[0], "number": int(seat[1:]), "type": "regular"}
                    for seat in show["seats"]
                ],
                "unavailableSeatIds": sorted(show["sold"] | show["broken"]),
                "heldSeatIds": sorted(show["held"]),
            }
        )
