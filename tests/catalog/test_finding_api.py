"""Cities, search and filters in the JSON API: /api/v1/cities, /api/v1/movies and a
movie's shows."""

import pytest
from rest_framework.test import APIClient

from tests.catalog.finding_data import catalog_create
from tests.support.catalog import catalog_cold


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def data(db):
    return catalog_create()


def titles(api, query: str) -> list[str]:
    response = api.get(f"/api/v1/movies?{query}")
    assert response.status_code == 200, response.json()
    return [movie["title"] for movie in response.json()["movies"]]


def test_cities_are_the_catalogs_by_name(api, data):
    assert api.get("/api/v1/cities").json() == {
        "cities": [{"slug": "mumbai", "name": "Mumbai"}, {"slug": "pune", "name": "Pune"}]
    }


def test_movies_without_filters_are_every_movie(api, data):
    assert titles(api, "") == ["Arjun Returns", "Monsoon Express", "Orbit 9", "Pune Stories"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("city=mumbai", ["Arjun Returns", "Monsoon Express", "Orbit 9"]),
        ("city=PUNE", ["Monsoon Express", "Orbit 9", "Pune Stories"]),
        ("status=now_showing", ["Arjun Returns", "Monsoon Express", "Pune Stories"]),
        ("status=now_showing&city=mumbai", ["Arjun Returns", "Monsoon Express"]),
        ("status=coming_soon", ["Orbit 9"]),
        ("status=coming_soon&city=pune", ["Orbit 9"]),
        ("language=english", ["Monsoon Express", "Orbit 9"]),
        ("language=Tamil", ["Arjun Returns"]),
        ("genre=drama", ["Arjun Returns", "Pune Stories"]),
        ("format=IMAX", ["Monsoon Express"]),
        ("format=3d", ["Orbit 9"]),
        ("format=2D&language=English&status=now_showing", ["Monsoon Express"]),
        ("genre=Drama&city=mumbai", ["Arjun Returns"]),
        ("q=orbit", ["Orbit 9"]),
        ("q=express", ["Monsoon Express"]),
        ("q=marathi", ["Pune Stories"]),
        ("q=sci", ["Orbit 9"]),
        ("q=nothing+like+it", []),
    ],
)
def test_movie_filters_and_their_combinations(api, data, query, expected):
    assert titles(api, query) == expected


def test_a_title_match_ranks_before_a_cast_match(api, data):
    assert titles(api, "q=arjun") == ["Arjun Returns", "Monsoon Express"]
    assert titles(api, "q=mehra") == ["Monsoon Express"]


def test_filtered_movies_page_through(api, data):
    first = api.get("/api/v1/movies?city=mumbai&limit=2").json()
    second = api.get("/api/v1/movies?city=mumbai&limit=2&offset=2").json()
    assert first["pagination"] == {"limit": 2, "offset": 0, "hasMore": True}
    assert second["pagination"] == {"limit": 2, "offset": 2, "hasMore": False}
    assert [m["title"] for m in first["movies"] + second["movies"]] == [
        "Arjun Returns",
        "Monsoon Express",
        "Orbit 9",
    ]


@pytest.mark.parametrize(
    ("query", "field", "allowed"),
    [
        ("city=delhi", "city", ["mumbai", "pune"]),
        ("language=Klingon", "language", ["English", "Hindi", "Marathi", "Tamil"]),
        ("genre=Western", "genre", ["Action", "Drama", "Sci-Fi", "Thriller"]),
        ("format=8K", "format", ["2D", "3D", "IMAX", "IMAX 3D", "4DX", "ScreenX"]),
        ("status=soon", "status", ["now_showing", "coming_soon"]),
    ],
)
def test_an_unknown_movie_filter_is_400_with_the_allowed_values(api, data, query, field, allowed):
    response = api.get(f"/api/v1/movies?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"]["allowed"] == {field: allowed}
    assert error["details"][field] == [
        f"{query.split('=')[1]!r} is not one of: {', '.join(allowed)}."
    ]


def shows(api, data, query: str = "") -> list[tuple[str, str, str, str]]:
    movie = data.monsoon.id
    response = api.get(f"/api/v1/movies/{movie}/shows?date={data.day}&{query}")
    assert response.status_code == 200, response.json()
    return [
        (theatre["city"]["slug"], show["format"], show["language"], show["startTime"][11:16])
        for theatre in response.json()["theatres"]
        for show in theatre["shows"]
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "",
            [
                "pune 2D Hindi 14:00",
                "mumbai 2D Hindi 10:00",
                "mumbai IMAX English 19:00",
                "mumbai IMAX Hindi 22:30",
            ],
        ),
        (
            "city=mumbai",
            ["mumbai 2D Hindi 10:00", "mumbai IMAX English 19:00", "mumbai IMAX Hindi 22:30"],
        ),
        ("format=imax", ["mumbai IMAX English 19:00", "mumbai IMAX Hindi 22:30"]),
        ("language=english", ["mumbai IMAX English 19:00"]),
        ("timeOfDay=morning", ["mumbai 2D Hindi 10:00"]),
        ("timeOfDay=afternoon", ["pune 2D Hindi 14:00"]),
        ("timeOfDay=evening", ["mumbai IMAX English 19:00"]),
        ("timeOfDay=night", ["mumbai IMAX Hindi 22:30"]),
        ("format=IMAX&timeOfDay=evening", ["mumbai IMAX English 19:00"]),
        ("priceMin=200", ["mumbai IMAX English 19:00", "mumbai IMAX Hindi 22:30"]),
        ("priceMax=150", ["pune 2D Hindi 14:00", "mumbai 2D Hindi 10:00"]),
        (
            "priceMin=150&priceMax=300&language=Hindi&city=mumbai",
            ["mumbai 2D Hindi 10:00", "mumbai IMAX Hindi 22:30"],
        ),
        ("city=pune&format=IMAX", []),
    ],
)
def test_show_filters_and_their_combinations(api, data, query, expected):
    assert [" ".join(show) for show in shows(api, data, query)] == expected


def test_each_show_says_its_format_language_and_screen(api, data):
    body = api.get(f"/api/v1/movies/{data.monsoon.id}/shows?date={data.day}&city=mumbai").json()
    [theatre] = body["theatres"]
    assert [(s["format"], s["language"], s["screenName"]) for s in theatre["shows"]] == [
        ("2D", "Hindi", "Audi 1"),
        ("IMAX", "English", "IMAX"),
        ("IMAX", "Hindi", "IMAX"),
    ]


@pytest.mark.parametrize(
    ("query", "details"),
    [
        (
            "timeOfDay=dawn",
            {
                "timeOfDay": ["'dawn' is not one of: morning, afternoon, evening, night."],
                "allowed": {"timeOfDay": ["morning", "afternoon", "evening", "night"]},
            },
        ),
        (
            "city=goa",
            {
                "city": ["'goa' is not one of: mumbai, pune."],
                "allowed": {"city": ["mumbai", "pune"]},
            },
        ),
        ("priceMin=cheap", {"priceMin": ["Enter an amount in rupees from 0 to 100000, e.g. 250."]}),
        ("priceMin=-1", {"priceMin": ["Enter an amount in rupees from 0 to 100000, e.g. 250."]}),
        ("priceMin=NaN", {"priceMin": ["Enter an amount in rupees from 0 to 100000, e.g. 250."]}),
        (
            "priceMin=300&priceMax=200",
            {"priceMax": ["The highest price must not be below the lowest."]},
        ),
    ],
)
def test_bad_show_filters_are_400_saying_what_is_allowed(api, data, query, details):
    response = api.get(f"/api/v1/movies/{data.monsoon.id}/shows?date={data.day}&{query}")
    assert response.status_code == 400
    assert response.json()["error"]["details"] == details


def test_movie_queries_do_not_grow_with_the_results(api, data):

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories

    def count(query: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(f"/api/v1/movies?{query}").status_code == 200
        return len(queries)

    few = count("city=mumbai&q=a&status=now_showing")
    for n in range(30):
        movie = factories.movie_create(f"Another {n}")
        factories.show_create(
            movie=movie,
            screen=data.shows["arjun_mumbai"].screen,
            start_time=data.shows["arjun_mumbai"].start_time
            + __import__("datetime").timedelta(minutes=n + 1),
        )

    catalog_cold()
    assert count("city=mumbai&q=a&status=now_showing") == few
    assert len(api.get("/api/v1/movies?city=mumbai&limit=100").json()["movies"]) == 33


def test_show_queries_do_not_grow_with_the_results(api, data):
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories

    url = f"/api/v1/movies/{data.monsoon.id}/shows?date={data.day}&format=IMAX"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(url).status_code == 200
        return len(queries)

    few = count()
    imax = data.shows["evening_imax_english"].screen
    for n in range(20):
        factories.show_create(
            movie=data.monsoon,
            screen=imax,
            start_time=data.shows["evening_imax_english"].start_time + timedelta(minutes=n + 1),
            format="IMAX",
        )
    assert count() == few
    assert len(shows(api, data, "format=IMAX")) == 22
