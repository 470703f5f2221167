"""Whatever a client sends, the API answers with the documented error and changes
nothing when it fails."""

import json

import pytest
from rest_framework.test import APIClient

from booking.stores import get_store


@pytest.fixture
def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def error_code(response):
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response.status_code, response.json()["error"]["code"]


def test_a_huge_body_is_refused_cleanly(api, show):
    body = json.dumps({"showId": str(show.id), "seatIds": ["B1"] * 400_000, "quantity": 1})
    response = api.post("/api/v1/holds", body, content_type="application/json")
    assert error_code(response) == (400, "VALIDATION_ERROR")
    assert not get_store().holds_list()


def test_a_form_body_is_415(api, show):
    response = api.post("/api/v1/holds", {"showId": str(show.id)}, format="multipart")
    assert error_code(response) == (415, "UNSUPPORTED_MEDIA_TYPE")


@pytest.mark.parametrize(
    "seat_ids", [[1, 2], [["B1"]], [{"seat": "B1"}], None, "B1,B2", ["B1" * 10]]
)
def test_wrong_types_are_validation_errors(api, show, seat_ids):
    response = api.post(
        "/api/v1/holds", {"showId": str(show.id), "seatIds": seat_ids, "quantity": 2}, format="json"
    )
    assert error_code(response) == (400, "VALIDATION_ERROR")
    assert not get_store().holds_list()


@pytest.mark.parametrize("body", ["[]", "null", "42", '"text"', "{", '{"showId": }'])
def test_bodies_that_are_not_objects_are_validation_errors(api, show, body):
    response = api.post("/api/v1/holds", body, content_type="application/json")
    assert error_code(response) == (400, "VALIDATION_ERROR")


def test_a_failed_hold_changes_nothing(api, show):
    before = get_store().seat_versions(show_id=str(show.id))
    response = api.post(
        "/api/v1/holds",
        {"showId": str(show.id), "seatIds": ["B1", "A4"], "quantity": 2},
        format="json",
    )
    assert error_code(response) == (409, "SEAT_UNAVAILABLE")
    assert get_store().seat_versions(show_id=str(show.id)) == before
    assert not get_store().holds_list()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/holds/%00",
        "/api/v1/orders/..%2F..",
        "/api/v1/movies/' OR 1=1 --",
        "/api/v1/shows/☃/seatmap",
    ],
)
def test_odd_ids_are_404s(api, db, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response.json()["error"]["code"].endswith("NOT_FOUND")
