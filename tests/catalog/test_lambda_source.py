"""The Lambda source: every quirk of the service is absorbed, every failure mapped."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import requests
import responses
from responses import matchers

from catalog.domain import Availability
from catalog.errors import CatalogUnavailable, MovieNotFound, ShowNotFound
from catalog.sources import get_catalog
from catalog.sources.lambda_api import LambdaCatalog

BASE = "https://lambda.example.test/prod"
UNKNOWN = "00000000-0000-4000-8000-000000000000"

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


def test_movie_list_normalises_snake_case_and_string_numbers(lambda_catalog, mocked):
    mocked.get(
        f"{BASE}/movies",
        match=[matchers.query_param_matcher({"limit": "20", "offset": "0"})],
        json={
            "movies": [
                {**MOVIE, "rating": "8.8"},
                {
                    **MOVIE,
                    "movie_id": "m-2",
                    "title": "Null rating",
                    "rating": None,
                    "duration_mins": "120",
                },
            ],
            "pagination": {"limit": 20, "offset": 0, "hasMore": True},
        },
    )
    page = lambda_catalog.movie_list(limit=20, offset=0)
    assert [card.movie_id for card in page.movies] == [
        MOVIE_ID,
        "m-2",
    ]
    assert page.movies[0].rating == Decimal("8.8")
    assert page.movies[1].rating is None
    assert page.movies[1].duration_mins == 120
    assert page.movies[0].genres == ("Action", "Drama")
    assert page.has_more is True


def test_movie_get_reads_every_field_and_ignores_unknown_ones(lambda_catalog, mocked):
    mocked.get(f"{BASE}/movies/{MOVIE_ID}", json=MOVIE)
    movie = lambda_catalog.movie_get(movie_id=MOVIE_ID)
    assert movie.title == "RRR"
    assert movie.release_date == date(2022, 3, 25)
    assert movie.format == "2D, IMAX"
    assert movie.rating == Decimal("8.8")


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


@pytest.mark.parametrize("spelling", ["nope", "F368-…", f"{UNKNOWN}\n", f" {UNKNOWN}"])
def test_malformed_ids_are_not_found_without_asking_the_service(lambda_catalog, mocked, spelling):
    with pytest.raises(ShowNotFound):
        lambda_catalog.show_get(show_id=spelling)
    with pytest.raises(MovieNotFound):
        lambda_catalog.movie_get(movie_id=spelling)
    assert len(mocked.calls) == 0


def test_ids_the_service_echoes_in_upper_case_come_back_canonical(lambda_catalog, mocked):
    upper = "F3681B2C-7A9E-4D10-8B6C-0C1D2E3F4A5B"
    mocked.get(f"{BASE}/shows/{upper.lower()}/seatmap", json={**SEATMAP, "showId": upper})
    assert lambda_catalog.show_get(show_id=upper.lower()).show_id == upper.lower()


def test_unknown_show_becomes_show_not_found(lambda_catalog, mocked):
    mocked.get(f"{BASE}/shows/{UNKNOWN}/seatmap", status=404, json={"error": {"message": "x"}})
    with pytest.raises(ShowNotFound):
        lambda_catalog.show_get(show_id=UNKNOWN)


@pytest.mark.parametrize(
    ("status", "body", "content_type"),
    [
        (500, '{"error": {"message": "boom"}}', "application/json"),
        (500, "<html><body>Internal Server Error</body></html>", "text/html"),
        (500, "", "text/plain"),
        (200, "<html>not json</html>", "text/html"),
        (200, "[1, 2, 3]", "application/json"),
        (403, '{"message": "Forbidden"}', "application/json"),
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


def test_missing_required_field_becomes_catalog_unavailable(lambda_catalog, mocked):
    mocked.get(f"{BASE}/movies/{MOVIE_ID}", json={**MOVIE, "title": ""})
    with pytest.raises(CatalogUnavailable):
        lambda_catalog.movie_get(movie_id=MOVIE_ID)


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


def test_shows_normalise_statuses_times_and_prices(lambda_catalog, mocked):
    mocked.get(
        f"{BASE}/movies/{MOVIE_ID}/shows",
        match=[matchers.query_param_matcher({"date": "2025-12-17"})],
        json={
            "movieId": MOVIE_ID,
            "date": "2025-12-17",
            "theatres": [
                {
                    "theatreId": "t-2",
                    "name": "Zeta Cinemas",
                    "address": "",
                    "geo": {},
                    "cancellationAvailable": False,
                    "shows": [
                        {
                            "showId": "s-3",
                            "startTime": "2025-12-17T21:00:00+00:00",
                            "price": 300,
                            "status": "almost_full",
                        }
                    ],
                },
                {
                    "theatreId": "t-1",
                    "name": "Alpha Cinemas",
                    "address": "Lower Parel",
                    "geo": {"lat": "19.01", "lng": 72.83},
                    "cancellationAvailable": True,
                    "shows": [
                        {
                            "showId": "s-2",
                            "startTime": "2025-12-17 20:00:00+00:00",
                            "price": "350.00",
                            "status": "filling_fast",
                        },
                        {
                            "showId": SHOW_ID,
                            "startTime": "2025-12-17T18:00:00+00:00",
                            "price": 350.0,
                            "status": "active",
                        },
                    ],
                },
            ],
        },
    )
    theatres = lambda_catalog.theatre_shows_for_date(movie_id=MOVIE_ID, day=date(2025, 12, 17))
    assert [t.name for t in theatres] == ["Alpha Cinemas", "Zeta Cinemas"]
    alpha = theatres[0]
    assert (alpha.lat, alpha.lng, alpha.cancellation_available) == (19.01, 72.83, True)
    assert [s.show_id for s in alpha.shows] == [SHOW_ID, "s-2"]
    assert alpha.shows[1].start_time == datetime(2025, 12, 17, 20, tzinfo=UTC)
    assert alpha.shows[1].price == Decimal("350.00")
    assert [s.source_status for s in alpha.shows] == [
        Availability.AVAILABLE,
        Availability.FILLING_FAST,
    ]
    assert theatres[1].shows[0].source_status == Availability.ALMOST_FULL
    assert theatres[1].lat is None


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


def test_seatmap_with_bad_datetime_is_unavailable(lambda_catalog, mocked):
    mocked.get(
        f"{BASE}/shows/{SHOW_ID}/seatmap",
        json={**SEATMAP, "startTime": "yesterday"},
    )
    with pytest.raises(CatalogUnavailable):
        lambda_catalog.show_get(show_id=SHOW_ID)
