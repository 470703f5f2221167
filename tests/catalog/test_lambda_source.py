"""The Lambda source: every quirk of the service is absorbed, every failure mapped, every
bad row left out (and logged once) while the rest of the answer stands."""

import logging
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import requests
import responses
from django.core.cache import cache
from responses import matchers

from catalog.domain import Availability
from catalog.errors import CatalogUnavailable, MovieNotFound, ShowCancelled, ShowNotFound
from catalog.sources import get_catalog
from catalog.sources.lambda_api import LambdaCatalog
from tests.catalog.lambda_service import BASE, LambdaStandIn, new_id

UNKNOWN = "00000000-0000-4000-8000-000000000000"
DAY = timedelta(days=1)
VERSION_1 = "6f1c2a4e-8d1b-1c3a-9e2f-1a2b3c4d5e6f"

MOVIE_ID = "6f1c2a4e-8d1b-4c3a-9e2f-1a2b3c4d5e6f"
SHOW_ID = "f3681b2c-7a9e-4d10-8b6c-0c1d2e3f4a5b"

MOVIE = {
    "movie_id": MOVIE_ID,
    "title": "RRR",
    "about": "Two revolutionaries.",
    "thumbnail_url": "https://img.example.test/rrr.jpg",
    "rating": "8.8",
    "duration_mins": 187,
    "age_rating": "UA",
    "release_date": "2022-03-25",
    "language": "Telugu",
    "format": "2D, IMAX",
    "genres": ["Action", "Drama"],
    "created_at": "2025-01-01T00:00:00+00:00",
    "brand_new_field": {"x": 1},
}
SEATMAP = {
    "showId": SHOW_ID,
    "movieTitle": "",
    "theatreName": "PVR Phoenix Mills",
    "startTime": "2025-12-17 18:00:00+00:00",
    "price": "350.00",
    "layout": [
        {"seatId": "A2", "row": "A", "number": 2, "type": "regular"},
        {"seatId": "A1", "row": "A", "number": 1, "type": "regular"},
        {"seatId": "B1", "row": "B", "number": "1", "type": "regular", "extra": True},
    ],
    "unavailableSeatIds": ["A2"],
    "heldSeatIds": ["B1"],
}


@pytest.fixture
def lambda_catalog(settings) -> LambdaCatalog:
    settings.BMS_API_URL = BASE
    settings.BMS_API_RETRIES = 2
    catalog = get_catalog()
    assert isinstance(catalog, LambdaCatalog)
    return catalog


@pytest.fixture
def mocked():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


@pytest.fixture
def service(mocked) -> LambdaStandIn:
    return LambdaStandIn().install(mocked)


def left_out(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("Catalog API:")]


# -- movies -----------------------------------------------------------------------------


def test_movie_list_normalises_snake_case_and_string_numbers(lambda_catalog, mocked):
    second = new_id()
    mocked.get(
        f"{BASE}/movies",
        match=[matchers.query_param_matcher({"limit": "100", "offset": "0"})],
        json={
            "movies": [
                {**MOVIE, "rating": "8.8"},
                {
                    **MOVIE,
                    "movie_id": second.upper(),
                    "title": "Null rating",
                    "rating": None,
                    "duration_mins": "120",
                    "genres": None,
                    "thumbnail_url": None,
                    "release_date": None,
                },
            ],
            "pagination": {"limit": 100, "offset": 0, "hasMore": False},
        },
    )
    page = lambda_catalog.movie_list(limit=20, offset=0)
    assert [card.movie_id for card in page.movies] == [MOVIE_ID, second]
    assert page.movies[0].rating == Decimal("8.8")
    assert page.movies[1].rating is None
    assert page.movies[1].duration_mins == 120
    assert page.movies[0].genres == ("Action", "Drama")
    assert page.movies[1].genres == ()
    assert page.movies[1].thumbnail_url == "/static/posters/placeholder.svg"
    assert page.has_more is False


def test_movies_that_fail_validation_are_left_out_and_logged_once(lambda_catalog, mocked, caplog):
    good, untitled = new_id(), new_id()
    mocked.get(
        f"{BASE}/movies",
        json={
            "movies": [
                {**MOVIE, "movie_id": good, "title": "Kept"},
                {**MOVIE, "movie_id": untitled, "title": ""},
                {**MOVIE, "movie_id": "bad1", "title": None},
                {**MOVIE, "movie_id": None},
                {**MOVIE, "movie_id": "m-2"},  # no page of the site could reach it
                {**MOVIE, "movie_id": VERSION_1},  # the service refuses to show it (400)
                "not a movie",
            ],
            "pagination": {"limit": 100, "offset": 0, "hasMore": False},
        },
    )
    caplog.set_level(logging.WARNING, "catalog")
    assert [card.title for card in lambda_catalog.movies_all()] == ["Kept"]
    cache.clear()  # the next fresh copy of the list has the same bad rows
    assert [card.title for card in lambda_catalog.movies_all()] == ["Kept"]
    assert len(mocked.calls) == 2
    logged = left_out(caplog)
    assert len(logged) == len(set(logged)) == 6
    assert f"Catalog API: left out movie {untitled}: no title" in logged
    assert "Catalog API: left out movie bad1: no movie_id (got 'bad1')" in logged
    assert "Catalog API: left out movie m-2: no movie_id (got 'm-2')" in logged
    assert (
        f"Catalog API: left out movie {VERSION_1}: movie_id {VERSION_1} is not a version-4 UUID"
        in logged
    )


def test_movie_get_reads_every_field_and_ignores_unknown_ones(lambda_catalog, mocked):
    mocked.get(f"{BASE}/movies/{MOVIE_ID}", json=MOVIE)
    movie = lambda_catalog.movie_get(movie_id=MOVIE_ID)
    assert movie.title == "RRR"
    assert movie.release_date == date(2022, 3, 25)
    assert movie.format == "2D, IMAX"
    assert movie.rating == Decimal("8.8")


def test_nulls_where_the_service_has_no_value(lambda_catalog, mocked):
    nulls = dict.fromkeys(["about", "thumbnail_url", "rating", "age_rating", "language"])
    mocked.get(
        f"{BASE}/movies/{MOVIE_ID}",
        json={**MOVIE, **nulls, "genres": [], "release_date": None, "format": None},
    )
    movie = lambda_catalog.movie_get(movie_id=MOVIE_ID)
    assert (movie.about, movie.age_rating, movie.language, movie.format) == ("", "", "", "")
    assert (movie.rating, movie.release_date, movie.genres) == (None, None, ())
    assert movie.thumbnail_url == "/static/posters/placeholder.svg"


def test_a_movie_without_a_title_is_not_found(lambda_catalog, mocked, caplog):
    mocked.get(f"{BASE}/movies/{MOVIE_ID}", json={**MOVIE, "title": None})
    with pytest.raises(MovieNotFound):
        lambda_catalog.movie_get(movie_id=MOVIE_ID)
    assert f"Catalog API: left out movie {MOVIE_ID}: no title" in left_out(caplog)


def test_movie_get_is_cached(lambda_catalog, mocked):
    mocked.get(f"{BASE}/movies/{MOVIE_ID}", json=MOVIE)
    lambda_catalog.movie_get(movie_id=MOVIE_ID)
    lambda_catalog.movie_get(movie_id=MOVIE_ID)
    assert len(mocked.calls) == 1


@pytest.mark.parametrize("status", [400, 404])
def test_service_not_found_or_bad_id_becomes_movie_not_found(lambda_catalog, mocked, status):
    mocked.get(
        f"{BASE}/movies/{UNKNOWN}",
        status=status,
        json={"error": {"message": "Movie not found", "timestamp": "…"}},
    )
    with pytest.raises(MovieNotFound):
        lambda_catalog.movie_get(movie_id=UNKNOWN)


def test_shows_of_an_unknown_movie_are_not_found_as_on_the_local_catalog(lambda_catalog, service):
    # The service answers an unknown movie's shows with 200 and no theatres.
    with pytest.raises(MovieNotFound):
        lambda_catalog.theatre_shows_for_date(movie_id=UNKNOWN, day=date(2025, 11, 26))


@pytest.mark.parametrize("spelling", ["nope", "F368-…", f"{UNKNOWN}\n", f" {UNKNOWN}"])
def test_malformed_ids_are_not_found_without_asking_the_service(lambda_catalog, mocked, spelling):
    with pytest.raises(ShowNotFound):
        lambda_catalog.show_get(show_id=spelling)
    with pytest.raises(MovieNotFound):
        lambda_catalog.movie_get(movie_id=spelling)
    with pytest.raises(MovieNotFound):
        lambda_catalog.theatre_shows_for_date(movie_id=spelling, day=date(2025, 11, 26))
    assert len(mocked.calls) == 0


def test_ids_the_service_echoes_in_upper_case_come_back_canonical(lambda_catalog, mocked):
    upper = "F3681B2C-7A9E-4D10-8B6C-0C1D2E3F4A5B"
    mocked.get(f"{BASE}/shows/{upper.lower()}/seatmap", json={**SEATMAP, "showId": upper})
    assert lambda_catalog.show_get(show_id=upper.lower()).show_id == upper.lower()


def test_unknown_show_becomes_show_not_found(lambda_catalog, mocked):
    mocked.get(f"{BASE}/shows/{UNKNOWN}/seatmap", status=404, json={"error": {"message": "x"}})
    with pytest.raises(ShowNotFound):
        lambda_catalog.show_get(show_id=UNKNOWN)


# -- failures ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "content_type"),
    [
        (500, '{"error": {"message": "boom"}}', "application/json"),
        (500, "<html><body>Internal Server Error</body></html>", "text/html"),
        (500, "", "text/plain"),
        (502, '{"message": "Internal server error"}', "application/json"),
        (200, "<html>not json</html>", "text/html"),
        (200, "[1, 2, 3]", "application/json"),
        (403, '{"message": "Missing Authentication Token"}', "application/json"),
    ],
)
def test_failures_become_catalog_unavailable(lambda_catalog, mocked, status, body, content_type):
    mocked.get(
        f"{BASE}/movies/{MOVIE_ID}",
        status=status,
        body=body,
        content_type=content_type,
    )
    with pytest.raises(CatalogUnavailable):
        lambda_catalog.movie_get(movie_id=MOVIE_ID)


def test_a_list_that_is_not_a_list_is_catalog_unavailable(lambda_catalog, mocked):
    mocked.get(f"{BASE}/movies", json={"movies": {"oops": 1}, "pagination": {}})
    with pytest.raises(CatalogUnavailable):
        lambda_catalog.movies_all()


def test_timeout_becomes_catalog_unavailable(lambda_catalog, mocked):
    mocked.get(f"{BASE}/movies/{MOVIE_ID}", body=requests.ReadTimeout("slow"))
    with pytest.raises(CatalogUnavailable):
        lambda_catalog.movie_get(movie_id=MOVIE_ID)
    assert len(mocked.calls) == 1  # a read timeout is not retried


def test_gateway_errors_are_retried_then_succeed(lambda_catalog, mocked):
    mocked.get(f"{BASE}/movies/{MOVIE_ID}", status=503, body="")
    mocked.get(f"{BASE}/movies/{MOVIE_ID}", status=502, body="")
    mocked.get(f"{BASE}/movies/{MOVIE_ID}", json=MOVIE)
    assert lambda_catalog.movie_get(movie_id=MOVIE_ID).title == "RRR"
    assert len(mocked.calls) == 3


def test_gateway_errors_give_up_after_the_retry_budget(lambda_catalog, mocked):
    mocked.get(f"{BASE}/movies/{MOVIE_ID}", status=504, body="")
    with pytest.raises(CatalogUnavailable):
        lambda_catalog.movie_get(movie_id=MOVIE_ID)
    assert len(mocked.calls) == 3  # the first try and two retries


def test_connection_errors_are_retried(lambda_catalog, mocked):
    mocked.get(
        f"{BASE}/movies/{MOVIE_ID}",
        body=requests.ConnectionError("refused"),
    )
    with pytest.raises(CatalogUnavailable):
        lambda_catalog.movie_get(movie_id=MOVIE_ID)


# -- shows by date ----------------------------------------------------------------------


def listing(theatres: list[dict]) -> dict:
    return {"movieId": MOVIE_ID, "date": "2025-12-17", "theatres": theatres}


def on_day(mocked, service_day: str, theatres: list[dict]) -> None:
    mocked.get(
        f"{BASE}/movies/{MOVIE_ID}/shows",
        match=[matchers.query_param_matcher({"date": service_day})],
        json=listing(theatres),
    )


def test_shows_normalise_statuses_times_and_prices(lambda_catalog, mocked):
    alpha, zeta, late, early = new_id(), new_id(), new_id(), new_id()
    mocked.get(f"{BASE}/movies/{MOVIE_ID}", json=MOVIE)
    on_day(mocked, "2025-12-16", [])
    on_day(
        mocked,
        "2025-12-17",
        [
            {
                "theatreId": zeta,
                "name": "Zeta Cinemas",
                "address": None,
                "geo": None,
                "cancellationAvailable": None,
                "shows": [
                    {
                        "showId": new_id(),
                        "startTime": "2025-12-17T15:30:00.250000+00:00",
                        "price": 300,
                        "status": "almost_full",
                    }
                ],
            },
            {
                "theatreId": alpha.upper(),
                "name": "Alpha Cinemas",
                "address": "Lower Parel",
                "geo": {"lat": "19.01", "lng": 72.83},
                "cancellationAvailable": True,
                "shows": [
                    {
                        "showId": late,
                        "startTime": "2025-12-17 14:00:00+00:00",
                        "price": "350.00",
                        "status": "FILLING_FAST",
                    },
                    {
                        "showId": early,
                        "startTime": "2025-12-17T12:00:00+00:00",
                        "price": 350.0,
                        "status": "active",
                    },
                ],
            },
        ],
    )
    theatres = lambda_catalog.theatre_shows_for_date(movie_id=MOVIE_ID, day=date(2025, 12, 17))
    assert [t.name for t in theatres] == ["Alpha Cinemas", "Zeta Cinemas"]
    alpha_shows = theatres[0]
    assert alpha_shows.theatre_id == alpha
    assert (alpha_shows.lat, alpha_shows.lng, alpha_shows.cancellation_available) == (
        19.01,
        72.83,
        True,
    )
    assert [s.show_id for s in alpha_shows.shows] == [early, late]
    assert alpha_shows.shows[1].start_time == datetime(2025, 12, 17, 14, tzinfo=UTC)
    assert alpha_shows.shows[1].price == Decimal("350.00")
    assert [s.source_status for s in alpha_shows.shows] == [
        Availability.AVAILABLE,
        Availability.FILLING_FAST,
    ]
    zeta_shows = theatres[1]
    assert zeta_shows.shows[0].source_status == Availability.ALMOST_FULL
    assert zeta_shows.shows[0].start_time == datetime(2025, 12, 17, 15, 30, 0, 250000, tzinfo=UTC)
    assert (zeta_shows.address, zeta_shows.lat, zeta_shows.cancellation_available) == (
        "",
        None,
        False,
    )


def test_theatres_and_shows_that_fail_validation_are_left_out(lambda_catalog, service, caplog):
    movie = service.movie_add()
    kept_theatre = service.theatre("Kept Cinema")
    start = "2025-11-26T10:00:00+00:00"
    kept = service.show_add(movie, kept_theatre, start)
    for price in (None, 0, -5, "free"):
        service.show_add(movie, kept_theatre, start, price=price)
    no_name = service.theatre(None)
    service.show_add(movie, no_name, start)
    no_id = service.theatre("No id", theatreId=None)
    service.show_add(movie, no_id, start)
    bad_start = service.show_add(movie, kept_theatre, start, startTime="soon")
    service.shows[bad_start]["start"] = start  # the stand-in selects by the stored value
    service.shows[bad_start]["listed"] = {"startTime": "soon"}

    caplog.set_level(logging.WARNING, "catalog")
    theatres = lambda_catalog.theatre_shows_for_date(movie_id=movie, day=date(2025, 11, 26))
    assert [(t.name, [s.show_id for s in t.shows]) for t in theatres] == [("Kept Cinema", [kept])]
    logged = left_out(caplog)
    assert f"Catalog API: left out theatre {no_name['theatreId']}: no name" in logged
    assert "Catalog API: left out theatre (no id): no theatreId (got None)" in logged
    assert f"Catalog API: left out show {bad_start}: bad startTime 'soon'" in logged
    assert sum("no positive price" in line for line in logged) == 4


def test_every_spelling_of_cancelled_is_left_out_and_cannot_be_sold(lambda_catalog, service):
    movie = service.movie_add()
    theatre = service.theatre()
    start = "2025-11-26T10:00:00+00:00"
    on_sale = service.show_add(movie, theatre, start)
    cancelled = [
        service.show_add(movie, theatre, start, status=status)
        for status in ("cancelled", "canceled", " Cancelled ", "CANCELED")
    ]
    listed = lambda_catalog.theatre_shows_for_date(movie_id=movie, day=date(2025, 11, 26))
    assert [s.show_id for s in listed[0].shows] == [on_sale]
    for show_id in cancelled:
        with pytest.raises(ShowCancelled):
            lambda_catalog.show_get(show_id=show_id)
        with pytest.raises(ShowCancelled):
            lambda_catalog.show_get(show_id=show_id, max_age=0)
    assert lambda_catalog.show_get(show_id=on_sale).show_id == on_sale


def test_a_show_listed_again_is_on_sale_again(lambda_catalog, service):
    movie = service.movie_add()
    show_id = service.show_add(movie, service.theatre(), "2025-11-26T10:00:00+00:00")
    service.shows[show_id]["status"] = "cancelled"
    lambda_catalog.theatre_shows_for_date(movie_id=movie, day=date(2025, 11, 26))
    with pytest.raises(ShowCancelled):
        lambda_catalog.show_get(show_id=show_id)
    service.shows[show_id]["status"] = "active"
    days = lambda_catalog.times.service_days(date(2025, 11, 26))  # the listing's 60 s are up
    cache.delete_many([f"{lambda_catalog.key_prefix}:shows:{movie}:{day}" for day in days])
    lambda_catalog.theatre_shows_for_date(movie_id=movie, day=date(2025, 11, 26))
    assert lambda_catalog.show_get(show_id=show_id).show_id == show_id


def test_a_seat_map_that_says_cancelled_is_refused(lambda_catalog, mocked):
    mocked.get(f"{BASE}/shows/{SHOW_ID}/seatmap", json={**SEATMAP, "status": "CANCELLED"})
    with pytest.raises(ShowCancelled):
        lambda_catalog.show_get(show_id=SHOW_ID)


def test_sold_out_and_unknown_statuses_stand_only_until_the_seats_are_known(
    lambda_catalog, service, caplog
):
    movie = service.movie_add()
    theatre = service.theatre()
    sold_out = service.show_add(movie, theatre, "2025-11-26T10:00:00+00:00", status="sold_out")
    odd = service.show_add(movie, theatre, "2025-11-26T13:30:00+00:00", status="Housefull")
    day = date(2025, 11, 26)

    def listed() -> dict:
        shows = lambda_catalog.theatre_shows_for_date(movie_id=movie, day=day)[0].shows
        return {s.show_id: (s.source_status, s.capacity, s.blocked_count) for s in shows}

    assert listed() == {sold_out: (Availability.SOLD_OUT, None, 0), odd: (None, None, 0)}
    assert any("unknown show status 'housefull'" in line for line in left_out(caplog))
    service.hold(sold_out, "A1", "A2")
    lambda_catalog.show_get(show_id=sold_out)  # someone opened its seat map
    # 30 seats, three broken and two held at the service: now counted, not taken on trust
    assert listed()[sold_out] == (Availability.SOLD_OUT, 30, 5)


# -- a show's seat map ------------------------------------------------------------------


def test_seatmap_becomes_one_tier_layout_at_the_show_price(lambda_catalog, mocked):
    mocked.get(f"{BASE}/shows/{SHOW_ID}/seatmap", json=SEATMAP)
    show = lambda_catalog.show_get(show_id=SHOW_ID)
    assert show.start_time == datetime(2025, 12, 17, 18, tzinfo=UTC)
    assert show.movie_title == ""
    assert [tier.price for tier in show.layout.tiers] == [Decimal("350.00")]
    assert [[seat.seat_id for seat in row.seats] for row in show.layout.rows] == [
        ["A1", "A2"],
        ["B1"],
    ]
    assert show.layout.blocked_seat_ids == {"A2"}
    assert show.source_held_seat_ids == {"B1"}
    assert show.layout.price_of("B1") == Decimal("350.00")


@pytest.mark.parametrize("price", [0, None, "0.00", -1])
def test_a_show_without_a_positive_price_is_never_on_sale(lambda_catalog, mocked, price, caplog):
    mocked.get(f"{BASE}/shows/{SHOW_ID}/seatmap", json={**SEATMAP, "price": price})
    with pytest.raises(ShowNotFound):
        lambda_catalog.show_get(show_id=SHOW_ID)
    assert f"Catalog API: left out show {SHOW_ID}: no positive price ({price!r})" in left_out(
        caplog
    )


def test_seatmap_with_bad_datetime_is_not_a_show(lambda_catalog, mocked):
    mocked.get(f"{BASE}/shows/{SHOW_ID}/seatmap", json={**SEATMAP, "startTime": "yesterday"})
    with pytest.raises(ShowNotFound):
        lambda_catalog.show_get(show_id=SHOW_ID)


def test_seats_outside_the_layout_are_ignored_and_logged(lambda_catalog, mocked, caplog):
    layout = [
        *SEATMAP["layout"],
        {"seatId": None, "row": "C", "number": 1},
        {"seatId": "C-2", "row": "C", "number": 2},
    ]
    mocked.get(
        f"{BASE}/shows/{SHOW_ID}/seatmap",
        json={
            **SEATMAP,
            "layout": layout,
            "unavailableSeatIds": ["A2", "Q1"],
            "heldSeatIds": ["B1", "Z99", None],
        },
    )
    show = lambda_catalog.show_get(show_id=SHOW_ID)
    assert show.layout.blocked_seat_ids == {"A2"}
    assert show.source_held_seat_ids == {"B1"}
    assert set(show.layout.seats_by_id) == {"A1", "A2", "B1"}
    logged = left_out(caplog)
    assert (
        f"Catalog API: ignored unavailableSeatIds of show {SHOW_ID} outside its layout: Q1"
        in logged
    )
    assert f"Catalog API: ignored heldSeatIds of show {SHOW_ID} outside its layout: Z99" in logged
    assert sum(f"left out seat of show {SHOW_ID}" in line for line in logged) == 2


def test_a_seat_map_younger_than_max_age_is_reused_an_older_one_read_again(lambda_catalog, mocked):
    mocked.get(f"{BASE}/shows/{SHOW_ID}/seatmap", json=SEATMAP)
    now = [1_000.0]
    lambda_catalog.clock = lambda: now[0]
    lambda_catalog.show_get(show_id=SHOW_ID)
    now[0] += 1.5
    lambda_catalog.show_get(show_id=SHOW_ID, max_age=2)
    lambda_catalog.show_get(show_id=SHOW_ID)
    assert len(mocked.calls) == 1
    now[0] += 1
    lambda_catalog.show_get(show_id=SHOW_ID, max_age=2)
    assert len(mocked.calls) == 2
    assert mocked.calls[1].request.headers["Cache-Control"] == "no-cache"


def test_max_age_zero_asks_the_service_every_time_past_every_cache(lambda_catalog, mocked):
    mocked.get(f"{BASE}/shows/{SHOW_ID}/seatmap", json=SEATMAP)
    lambda_catalog.clock = lambda: 1_000.0  # not even time passing
    lambda_catalog.show_get(show_id=SHOW_ID)
    for _ in range(3):
        lambda_catalog.show_get(show_id=SHOW_ID, max_age=0)
    assert len(mocked.calls) == 4
    assert "Cache-Control" not in mocked.calls[0].request.headers
    assert {call.request.headers["Cache-Control"] for call in mocked.calls[1:]} == {"no-cache"}


# -- every movie ------------------------------------------------------------------------


def test_every_movie_is_listed_once_in_a_stable_order_however_the_service_pages(
    lambda_catalog, service, mocked
):
    # 113 movies, many sharing a release date: the service's pages repeat and skip them.
    for n in range(113):
        service.movie_add(f"Movie {n:03}", release_date=f"2025-0{1 + n % 7}-01")
    service.movie_add("Undated", release_date=None)
    first = lambda_catalog.movies_all()
    assert len(first) == len({m.movie_id for m in first}) == 114
    assert {m.movie_id for m in first} == set(service.movies)
    cache.clear()
    assert lambda_catalog.movies_all() == first  # another read, other pages: the same list
    assert [m.title for m in first] == sorted(m.title for m in first)
    pages = [lambda_catalog.movie_list(limit=20, offset=offset) for offset in range(0, 120, 20)]
    assert [m for page in pages for m in page.movies] == list(first)
    assert [page.has_more for page in pages] == [True] * 5 + [False]


def test_the_service_alone_would_skip_movies_at_its_page_boundaries(service, mocked):
    """The control: the stand-in's own pages, read as its hasMore says, miss movies."""
    for n in range(113):
        service.movie_add(f"Movie {n:03}", release_date=f"2025-0{1 + n % 7}-01")
    seen, offset = [], 0
    while True:
        body = requests.get(f"{BASE}/movies", params={"limit": 20, "offset": offset}).json()
        seen += [row["movie_id"] for row in body["movies"]]
        if not body["pagination"]["hasMore"]:
            break
        offset += 20
    assert len(set(seen)) < 113


def test_a_full_last_page_ends_at_the_empty_page_after_it(lambda_catalog, service, mocked):
    for n in range(100):
        service.movie_add(f"Movie {n:03}", release_date=f"2025-01-{1 + n % 28:02}")
    assert len(lambda_catalog.movies_all()) == 100
    offsets = [call.request.params["offset"] for call in mocked.calls]
    assert offsets == ["0", "100"]  # hasMore said yes; the empty page said no


def test_a_list_read_whole_in_one_pass_is_read_once_and_kept(lambda_catalog, service, mocked):
    for n in range(113):
        service.movie_add(f"Movie {n:03}", release_date=(date(2020, 1, 1) + n * DAY).isoformat())
    lambda_catalog.movies_all()
    lambda_catalog.movie_list(limit=20, offset=100)
    offsets = [call.request.params["offset"] for call in mocked.calls]
    assert offsets == ["0", "100"]  # no ties, so no second pass; then the cache


def test_a_lambda_movie_has_its_languages_and_formats_as_lists(lambda_catalog, mocked):
    mocked.get(f"{BASE}/movies/{MOVIE_ID}", json={**MOVIE, "language": "Telugu, Hindi"})
    movie = lambda_catalog.movie_get(movie_id=MOVIE_ID)
    assert (movie.languages, movie.formats) == (("Telugu", "Hindi"), ("2D", "IMAX"))
    assert (movie.vote_count, movie.trailer_url, movie.credits) == (None, "", ())


def test_a_lambda_theatre_is_in_the_city_its_address_ends_in(lambda_catalog, mocked):
    mocked.get(f"{BASE}/movies/{MOVIE_ID}", json=MOVIE)
    show = {"startTime": "2025-12-17T15:30:00+00:00", "price": 300, "status": "active"}
    theatres = [
        {
            "theatreId": new_id(),
            "name": name,
            "address": address,
            "shows": [{**show, "showId": new_id()}],
        }
        for name, address in [
            ("A", "Lower Parel, Mumbai"),
            ("B", "Koramangala, Bangalore 560095"),
            ("C", None),
        ]
    ]
    on_day(mocked, "2025-12-16", [])
    on_day(mocked, "2025-12-17", theatres)
    found = lambda_catalog.theatre_shows_for_date(movie_id=MOVIE_ID, day=date(2025, 12, 17))
    assert [(t.name, t.city.name) for t in found] == [
        ("A", "Mumbai"),
        ("B", "Bengaluru"),
        ("C", "Other"),
    ]
    assert lambda_catalog.movies_showing(city=None) is None
    assert lambda_catalog.cities()[-1].name == "Other"
