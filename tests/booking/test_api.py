"""The holds, orders and token endpoints: status, body, error code, ownership, auth."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from booking.models import Booking

UNKNOWN = "00000000-0000-4000-8000-000000000000"
CUSTOMER = {"name": "Asha Rao", "email": "asha@example.com", "phone": "+91 98765-43210"}
HOLD_KEYS = {
    "holdId",
    "showId",
    "seatIds",
    "quantity",
    "status",
    "createdAt",
    "expiresAt",
    "amount",
    "currency",
    "orderId",
}
ORDER_KEYS = {
    "orderId",
    "holdId",
    "status",
    "movie",
    "theatre",
    "show",
    "seats",
    "cancelledSeats",
    "amount",
    "currency",
    "breakdown",
    "customer",
    "createdAt",
    "expiresAt",
    "ticketCode",
    "paymentInProgress",
}


@pytest.fixture
def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def other_api(other_user) -> APIClient:
    client = APIClient()
    client.force_authenticate(other_user)
    return client


def make_hold(api, show, seats=("B1", "B2")):
    response = api.post(
        "/api/v1/holds",
        {"showId": str(show.id), "seatIds": list(seats), "quantity": len(seats)},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def make_order(api, show, seats=("B1", "B2")):
    hold = make_hold(api, show, seats)
    response = api.post(
        "/api/v1/orders", {"holdId": hold["holdId"], "customer": CUSTOMER}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def error_of(response):
    return response.status_code, response.json()["error"]["code"]


def test_token_endpoint_gives_a_working_token(user, show):
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token", {"username": "asha", "password": "pass-word-123"}, format="json"
    )
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert make_hold(client, show)["status"] == "HELD"


def test_token_endpoint_refuses_wrong_passwords(user):
    response = APIClient().post(
        "/api/v1/auth/token", {"username": "asha", "password": "nope"}, format="json"
    )
    assert error_of(response) == (401, "AUTHENTICATION_REQUIRED")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/holds"),
        ("get", f"/api/v1/holds/{UNKNOWN}"),
        ("patch", f"/api/v1/holds/{UNKNOWN}"),
        ("post", f"/api/v1/holds/{UNKNOWN}/release"),
        ("get", "/api/v1/orders"),
        ("post", "/api/v1/orders"),
        ("get", f"/api/v1/orders/{UNKNOWN}"),
        ("post", f"/api/v1/orders/{UNKNOWN}/confirm-payment"),
        ("post", f"/api/v1/orders/{UNKNOWN}/cancel"),
    ],
)
def test_booking_endpoints_need_authentication(db, method, path):
    response = getattr(APIClient(), method)(path, {}, format="json")
    assert error_of(response) == (401, "AUTHENTICATION_REQUIRED")
    assert response["WWW-Authenticate"] == "Token"


def test_a_bad_token_is_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token nope")
    assert error_of(client.get("/api/v1/orders")) == (401, "AUTHENTICATION_REQUIRED")


def test_create_hold_shape(api, show):
    hold = make_hold(api, show)
    assert set(hold) == HOLD_KEYS | {"together"}  # said when a hold is made
    assert hold["together"] is True
    assert hold["seatIds"] == ["B1", "B2"]
    assert hold["quantity"] == 2
    assert hold["status"] == "HELD"
    assert hold["amount"] == 500.0
    assert hold["currency"] == "INR"
    assert hold["expiresAt"].endswith("+05:30")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"seatIds": ["B1"], "quantity": 2}, "quantity"),
        ({"seatIds": [], "quantity": 0}, "seatIds"),
        ({"seatIds": "B1", "quantity": 1}, "seatIds"),
        ({"seatIds": ["B1"], "quantity": "one"}, "quantity"),
        ({"seatIds": [f"B{n}" for n in range(101)], "quantity": 101}, "seatIds"),
        ({"quantity": 1}, "seatIds"),
    ],
)
def test_create_hold_validates_the_body(api, show, body, field):
    response = api.post("/api/v1/holds", {"showId": str(show.id), **body}, format="json")
    assert error_of(response) == (400, "VALIDATION_ERROR")
    assert field in response.json()["error"]["details"]


def test_more_than_ten_seats_is_a_validation_error(api, show):
    seats = [f"B{n}" for n in range(1, 7)] + ["A1", "A2", "A3", "B7", "B8"]
    response = api.post(
        "/api/v1/holds", {"showId": str(show.id), "seatIds": seats, "quantity": 11}, format="json"
    )
    assert error_of(response) == (400, "VALIDATION_ERROR")


def test_malformed_json_is_a_validation_error(api, show):
    response = api.post("/api/v1/holds", "{not json", content_type="application/json")
    assert error_of(response) == (400, "VALIDATION_ERROR")


def test_unknown_seat_is_400_unknown_seat(api, show):
    response = api.post(
        "/api/v1/holds", {"showId": str(show.id), "seatIds": ["Q1"], "quantity": 1}, format="json"
    )
    assert error_of(response) == (400, "UNKNOWN_SEAT")
    assert response.json()["error"]["details"] == {"seatIds": ["Q1"]}


def test_unknown_show_is_404(api, db):
    response = api.post(
        "/api/v1/holds", {"showId": UNKNOWN, "seatIds": ["A1"], "quantity": 1}, format="json"
    )
    assert error_of(response) == (404, "SHOW_NOT_FOUND")


@pytest.mark.parametrize("show_id", ["nope", UNKNOWN + "\n", UNKNOWN[:-1], 7])
def test_a_malformed_show_id_is_a_validation_error(api, db, show_id):
    response = api.post(
        "/api/v1/holds", {"showId": show_id, "seatIds": ["A1"], "quantity": 1}, format="json"
    )
    assert error_of(response) == (400, "VALIDATION_ERROR")
    assert response.json()["error"]["details"] == {"showId": ["Must be an id (a UUID)."]}


def test_taken_seats_are_409_with_every_conflicting_seat(api, other_api, show):
    make_hold(other_api, show, ["B1", "B2"])
    response = api.post(
        "/api/v1/holds",
        {"showId": str(show.id), "seatIds": ["B2", "B1", "B3"], "quantity": 3},
        format="json",
    )
    assert error_of(response) == (409, "SEAT_UNAVAILABLE")
    assert response.json()["error"]["details"] == {"seatIds": ["B1", "B2"]}
    assert response.json()["error"]["message"] == (
        "Seats B1 and B2 were just taken by someone else."
    )


def test_started_show_is_409_sales_closed(api, db):
    from tests import factories

    started = factories.show_create(start_time=timezone.now() - timedelta(minutes=5))
    response = api.post(
        "/api/v1/holds",
        {"showId": str(started.id), "seatIds": ["B1"], "quantity": 1},
        format="json",
    )
    assert error_of(response) == (409, "SALES_CLOSED")


def test_seat_limit_is_409(api, show, settings):
    settings.MAX_ACTIVE_SEATS_PER_USER = 2
    make_hold(api, show, ["B1", "B2"])
    response = api.post(
        "/api/v1/holds", {"showId": str(show.id), "seatIds": ["B3"], "quantity": 1}, format="json"
    )
    assert error_of(response) == (409, "SEAT_LIMIT_REACHED")


def test_hold_creation_is_rate_limited_with_retry_after(api, show, settings):
    settings.HOLD_RATE_LIMIT = "2/min"
    make_hold(api, show, ["B1"])
    make_hold(api, show, ["B2"])
    response = api.post(
        "/api/v1/holds", {"showId": str(show.id), "seatIds": ["B3"], "quantity": 1}, format="json"
    )
    assert error_of(response) == (429, "RATE_LIMITED")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert api.get("/api/v1/orders").status_code == 200  # reads are not limited


def test_get_patch_and_release_a_hold(api, show):
    hold = make_hold(api, show)
    url = f"/api/v1/holds/{hold['holdId']}"
    assert api.get(url).json() == {key: value for key, value in hold.items() if key != "together"}
    changed = api.patch(url, {"seatIds": ["A1"], "quantity": 1}, format="json")
    assert changed.status_code == 200
    assert changed.json()["seatIds"] == ["A1"]
    assert changed.json()["amount"] == 150.0
    assert changed.json()["expiresAt"] == hold["expiresAt"]
    released = api.post(f"{url}/release")
    assert released.status_code == 200
    assert released.json()["status"] == "RELEASED"
    again = api.post(f"{url}/release")
    assert error_of(again) == (409, "HOLD_NOT_ACTIVE")
    assert again.json()["error"]["details"] == {"status": "RELEASED"}


def test_someone_elses_hold_is_403(api, other_api, show):
    hold = make_hold(api, show)
    url = f"/api/v1/holds/{hold['holdId']}"
    assert error_of(other_api.get(url)) == (403, "FORBIDDEN")
    assert error_of(other_api.post(f"{url}/release")) == (403, "FORBIDDEN")
    assert error_of(other_api.patch(url, {"seatIds": ["A1"], "quantity": 1}, format="json")) == (
        403,
        "FORBIDDEN",
    )
    assert api.get(url).json()["status"] == "HELD"


def test_unknown_hold_is_404(api, db):
    assert error_of(api.get(f"/api/v1/holds/{UNKNOWN}")) == (404, "HOLD_NOT_FOUND")
    assert error_of(api.get("/api/v1/holds/nope")) == (404, "NOT_FOUND")


def test_create_order_shape(api, show):
    order = make_order(api, show)
    assert set(order) == ORDER_KEYS
    assert order["status"] == "PAYMENT_PENDING"
    assert order["seats"] == ["B1", "B2"]
    assert order["movie"] == {"movieId": str(show.movie_id), "title": "Monsoon Express"}
    assert order["theatre"]["name"] == "PVR Phoenix Palladium"
    assert order["show"]["screenName"] == "Audi 1"
    assert order["breakdown"] == {"tickets": 500.0, "convenienceFee": 0.0, "total": 500.0}
    assert order["customer"] == {
        "name": "Asha Rao",
        "email": "asha@example.com",
        "phone": "9876543210",
    }
    assert order["ticketCode"] is None


@pytest.mark.parametrize(
    ("customer", "field"),
    [
        ({**CUSTOMER, "phone": "12345"}, "phone"),
        ({**CUSTOMER, "phone": "5876543210"}, "phone"),
        ({**CUSTOMER, "email": "not-an-email"}, "email"),
        ({**CUSTOMER, "name": ""}, "name"),
        ({**CUSTOMER, "name": "x" * 101}, "name"),
    ],
)
def test_create_order_validates_the_customer(api, show, customer, field):
    hold = make_hold(api, show)
    response = api.post(
        "/api/v1/orders", {"holdId": hold["holdId"], "customer": customer}, format="json"
    )
    assert error_of(response) == (400, "VALIDATION_ERROR")
    assert field in response.json()["error"]["details"]["customer"]
    assert api.get(f"/api/v1/holds/{hold['holdId']}").json()["status"] == "HELD"


def test_a_hold_makes_at_most_one_order(api, show):
    order = make_order(api, show)
    response = api.post(
        "/api/v1/orders", {"holdId": order["holdId"], "customer": CUSTOMER}, format="json"
    )
    assert error_of(response) == (409, "HOLD_NOT_ACTIVE")
    assert response.json()["error"]["details"] == {"status": "CONVERTED"}


def test_someone_elses_hold_cannot_make_an_order(api, other_api, show):
    hold = make_hold(api, show)
    response = other_api.post(
        "/api/v1/orders", {"holdId": hold["holdId"], "customer": CUSTOMER}, format="json"
    )
    assert error_of(response) == (403, "FORBIDDEN")


def test_confirm_payment_and_idempotency_key(api, show):
    order = make_order(api, show)
    url = f"/api/v1/orders/{order['orderId']}/confirm-payment"
    first = api.post(url, HTTP_IDEMPOTENCY_KEY="pay-1")
    assert first.status_code == 200
    assert first.json()["status"] == "CONFIRMED"
    assert first.json()["ticketCode"].startswith("BMS-")
    repeat = api.post(url, HTTP_IDEMPOTENCY_KEY="pay-1")
    assert (repeat.status_code, repeat.json()) == (200, first.json())
    assert error_of(api.post(url)) == (409, "ORDER_NOT_PENDING")
    assert Booking.objects.count() == 1


def test_cancel_order_and_listing(api, other_api, show):
    first = make_order(api, show, ["B1"])
    second = make_order(api, show, ["B2"])
    cancelled = api.post(f"/api/v1/orders/{first['orderId']}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "CANCELLED"
    assert error_of(api.post(f"/api/v1/orders/{first['orderId']}/cancel")) == (
        409,
        "ORDER_NOT_PENDING",
    )
    listing = api.get("/api/v1/orders?limit=1").json()
    assert [o["orderId"] for o in listing["orders"]] == [second["orderId"]]
    assert listing["pagination"] == {"limit": 1, "offset": 0, "hasMore": True}
    assert other_api.get("/api/v1/orders").json()["orders"] == []


def test_someone_elses_order_is_403_and_unknown_is_404(api, other_api, show):
    order = make_order(api, show)
    url = f"/api/v1/orders/{order['orderId']}"
    assert error_of(other_api.get(url)) == (403, "FORBIDDEN")
    assert error_of(other_api.post(f"{url}/confirm-payment")) == (403, "FORBIDDEN")
    assert error_of(other_api.post(f"{url}/cancel")) == (403, "FORBIDDEN")
    assert api.get(url).json()["status"] == "PAYMENT_PENDING"
    assert error_of(api.get(f"/api/v1/orders/{UNKNOWN}")) == (404, "ORDER_NOT_FOUND")


def test_seat_map_merges_live_state(api, other_api, show):
    make_hold(api, show, ["B1"])
    order = make_order(other_api, show, ["B2", "B3"])
    paid = make_order(api, show, ["A1"])
    api.post(f"/api/v1/orders/{paid['orderId']}/confirm-payment")
    body = APIClient().get(f"/api/v1/shows/{show.id}/seatmap").json()
    assert body["heldSeatIds"] == ["B1", "B2", "B3"]
    assert body["unavailableSeatIds"] == ["A1", "A4"]
    other_api.post(f"/api/v1/orders/{order['orderId']}/cancel")
    body = APIClient().get(f"/api/v1/shows/{show.id}/seatmap").json()
    assert body["heldSeatIds"] == ["B1"]


def test_session_authentication_needs_csrf(user, show):
    client = APIClient(enforce_csrf_checks=True)
    client.login(username="asha", password="pass-word-123")
    response = client.post(
        "/api/v1/holds", {"showId": str(show.id), "seatIds": ["B1"], "quantity": 1}, format="json"
    )
    assert error_of(response) == (403, "FORBIDDEN")


def test_a_partial_serializer_made_elsewhere_does_not_make_fields_optional(api, show):
    """The API's serializers share their fields; a partial one (the browsable API makes
    them for its forms) must not make a required field skippable for everyone else."""
    from booking.api import SeatsInput

    SeatsInput(data={}, partial=True).is_valid()
    held = make_hold(api, show)
    response = api.patch(f"/api/v1/holds/{held['holdId']}", {"seatIds": ["B3"]}, format="json")
    assert error_of(response) == (400, "VALIDATION_ERROR")
    assert response.json()["error"]["details"] == {"quantity": ["This field is required."]}


@pytest.mark.parametrize("seat", ["b1", "B", "B123", "ABC1", " B1", "B1\n", 7])
def test_a_seat_id_must_be_spelled_like_one(api, show, seat):
    response = api.post(
        "/api/v1/holds", {"showId": str(show.id), "seatIds": [seat], "quantity": 1}, format="json"
    )
    assert error_of(response) == (400, "VALIDATION_ERROR")
    assert response.json()["error"]["details"] == {
        "seatIds": {"0": ["Must be a seat id, like B7."]}
    }
