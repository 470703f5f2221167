"""The benchmark's floor hold (``benchmarks.floor_urls``): a real hold in the store,
served only beside the project's URLs by the benchmark's settings."""

from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from booking.stores import get_store


@pytest.fixture
def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_floor_hold_holds_the_seats_in_the_store(settings, token_client, show, user):
    settings.ROOT_URLCONF = "benchmarks.floor_urls"

    answer = token_client.post(
        "/bench/floor-hold", {"showId": str(show.id), "seatIds": ["B1", "B2"]}, format="json"
    )

    assert answer.status_code == 201
    hold = get_store().hold_get(answer.json()["holdId"])
    assert (hold.user_id, hold.show_id, hold.seat_ids, hold.amount) == (
        user.id,
        str(show.id),
        ("B1", "B2"),
        Decimal("500.00"),
    )
    # The project's own endpoints are all still there, and see the seats as held.
    taken = token_client.post(
        "/api/v1/holds",
        {"showId": str(show.id), "seatIds": ["B2"], "quantity": 1},
        format="json",
    )
    assert (taken.status_code, taken.json()["error"]["code"]) == (409, "SEAT_UNAVAILABLE")


def test_the_project_does_not_route_the_floor_hold(token_client, show):
    answer = token_client.post(
        "/bench/floor-hold", {"showId": str(show.id), "seatIds": ["B1"]}, format="json"
    )

    assert answer.status_code == 404
