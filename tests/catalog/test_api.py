"""The catalog endpoints of /api/v1 and the error envelope on every API path."""

from datetime import timedelta

import pytest
import responses
from django.utils import timezone
from rest_framework.test import APIClient

from tests import factories


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_movie_list_shape_and_pagination(api, db):
    factories.movie_create(title="A")
    factories.movie_create(title="B", rating=None)
    response = api.get("/api/v1/movies?limit=1&offset=1")
    assert response.status_code == 200
    body = response.json()
    assert body["pagination"] == {"limit": 1, "offset": 1, "hasMore": False}
    [movie] = body["movies"]
    assert set(movie) == {
        "movieId",
        "title",
        "thumbnailUrl",
        "rating",
        "voteCount",
        "durationMins",
        "genres",
        "languages",
        "formats",
        "releaseDate",
    }
    assert movie["title"] == "B"
    assert movie["rating"] is None


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=abc", "offset=-1"])
def test_movie_list_rejects_bad_paging(api, db, query):
    response = api.get(f"/api/v1/movies?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


def test_movie_detail_shape(api, db):
    movie = factories.movie_create()
    body = api.get(f"/api/v1/movies/{movie.id}").json()
    assert body == {
        "movieId": str(movie.id),
        "title": "Monsoon Express",
        "about": "A night train.",
        "thumbnailUrl": "/static/posters/monsoon-express.svg",
        "rating": 8.4,
        "durationMins": 148,
        "ageRating": "UA13+",
        "releaseDate": None,
        "language": "Hindi",
        "format": "2D",
        "genres": ["Action", "Thriller"],
        "languages": ["Hindi"],
        "formats": ["2D"],
        "voteCount": 0,
        "trailerUrl": "",
        "cast": [],
        "crew": [],
    }


UNKNOWN = "00000000-0000-4000-8000-000000000000"


def test_unknown_movie_is_404_movie_not_found(api, db):
    response = api.get(f"/api/v1/movies/{UNKNOWN}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "MOVIE_NOT_FOUND"


@pytest.mark.parametrize("spelling", ["not-a-movie", "6f1c%0A", "%20" + UNKNOWN])
def test_a_malformed_id_is_404_not_found(api, db, spelling):
    response = api.get(f"/api/v1/movies/{spelling}")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "NOT_FOUND")


def test_shows_for_date_shape(api, show):
    day = timezone.localtime(show.start_time).date()
    body = api.get(f"/api/v1/movies/{show.movie_id}/shows?date={day}").json()
    assert body["movieId"] == str(show.movie_id)
    assert body["date"] == day.isoformat()
    [theatre] = body["theatres"]
    assert theatre["geo"] == {"lat": 18.99, "lng": 72.82}
    assert theatre["cancellationAvailable"] is True
    assert theatre["city"] == {"slug": "mumbai", "name": "Mumbai"}
    assert theatre["shows"] == [
        {
            "showId": str(show.id),
            "startTime": timezone.localtime(show.start_time).isoformat(),
            "price": 150.0,
            "status": "AVAILABLE",
            "format": "2D",
            "language": "Hindi",
            "screenName": "Audi 1",
        }
    ]
    assert theatre["shows"][0]["startTime"].endswith("+05:30")


def test_started_shows_are_not_listed(api, db):
    started = factories.show_create(start_time=timezone.now() - timedelta(minutes=1))
    day = timezone.localtime(started.start_time).date()
    body = api.get(f"/api/v1/movies/{started.movie_id}/shows?date={day}").json()
    assert body["theatres"] == []


@pytest.mark.parametrize("query", ["", "?date=2026-13-01", "?date=tomorrow"])
def test_shows_need_a_valid_date(api, show, query):
    response = api.get(f"/api/v1/movies/{show.movie_id}/shows{query}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert "date" in response.json()["error"]["details"]


def test_seat_map_shape(api, show):
    body = api.get(f"/api/v1/shows/{show.id}/seatmap").json()
    assert body["showId"] == str(show.id)
    assert body["movieTitle"] == "Monsoon Express"
    assert body["screenName"] == "Audi 1"
    assert body["price"] == 150.0
    assert body["currency"] == "INR"
    assert body["tiers"] == [
        {"code": "PRIME", "name": "Prime", "price": 250.0},
        {"code": "CLASSIC", "name": "Classic", "price": 150.0},
    ]
    assert body["layout"][3] == {
        "seatId": "B4",
        "row": "B",
        "number": 4,
        "type": "regular",
        "tier": "PRIME",
        "column": 5,
    }
    assert len(body["layout"]) == 10
    assert body["unavailableSeatIds"] == ["A4"]
    assert body["heldSeatIds"] == []


def test_unknown_show_is_404_show_not_found(api, db):
    response = api.get(f"/api/v1/shows/{UNKNOWN}/seatmap")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "SHOW_NOT_FOUND"


@pytest.mark.parametrize("debug", [True, False])
def test_unknown_api_path_is_a_json_404(api, db, settings, debug):
    settings.DEBUG = debug
    response = api.get("/api/v1/no/such/thing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": {"code": "NOT_FOUND", "message": "No such resource."}}


def test_wrong_method_is_a_json_405(api, db):
    response = api.post("/api/v1/movies", {}, format="json")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "METHOD_NOT_ALLOWED"


def test_catalog_outage_is_503_catalog_unavailable(api, db, settings):
    settings.BMS_API_URL = "https://lambda.example.test/prod"
    with responses.RequestsMock() as mocked:
        mocked.get("https://lambda.example.test/prod/movies", status=500, body="<html>")
        response = api.get("/api/v1/movies")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["error"]["code"] == "CATALOG_UNAVAILABLE"
