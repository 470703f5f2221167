"""Cancellation through the API and the ticket page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from booking.models import Booking, CancellationPolicy, Refund, SoldSeat
from tests import factories
from tests.booking.test_staff import paid_order


def test_the_api_quotes_then_cancels_a_paid_order(api, user, show):
    paid = paid_order(user, show, ["B2", "B3"])
    quote = api.get(f"/api/v1/orders/{paid.order_id}/refund-quote")
    assert quote.status_code == 200
    assert quote.json() | {"cutoff": None} == {
        "seats": ["B2", "B3"],
        "sharePercent": 75,
        "ticketsRefund": 375.0,
        "feeRefund": 0.0,
        "amount": 375.0,
        "currency": "INR",
        "cutoff": None,
        "wholeOrder": True,
    }
    cut = api.get(f"/api/v1/orders/{paid.order_id}/refund-quote?seatIds=B3")
    assert cut.status_code == 409
    assert cut.json()["error"] == {
        "code": "ORPHAN_SEAT",
        "message": "This leaves B3 on its own: add it, or move one seat.",
        "details": {"seatIds": ["B3"]},
    }
    done = api.post(f"/api/v1/orders/{paid.order_id}/cancel", format="json")
    assert done.status_code == 200
    body = done.json()
    assert body["status"] == "CANCELLED"
    assert body["refund"] == {
        "amount": 375.0,
        "currency": "INR",
        "status": "PENDING",
        "seats": ["B2", "B3"],
        "sharePercent": 75,
        "ticketsRefund": 375.0,
        "feeRefund": 0.0,
    }
    assert api.get(f"/api/v1/orders/{paid.order_id}").json()["status"] == "CANCELLED"
    again = api.post(f"/api/v1/orders/{paid.order_id}/cancel", format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "ORDER_NOT_PENDING"


def test_the_api_cancels_some_seats(api, user, show):
    paid = paid_order(user, show, ["B1", "B2", "B3"])
    response = api.post(
        f"/api/v1/orders/{paid.order_id}/cancel", {"seatIds": ["B2", "B3"]}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "CONFIRMED"
    assert response.json()["seats"] == ["B1"]
    assert response.json()["cancelledSeats"] == ["B2", "B3"]
    assert list(SoldSeat.objects.values_list("seat_id", flat=True)) == ["B1"]


def test_past_the_cut_off_the_api_says_when_it_closed(api, user, db):
    show = factories.show_create(start_time=timezone.now() + timedelta(minutes=10))
    paid = paid_order(user, show, ["B1"])
    response = api.post(f"/api/v1/orders/{paid.order_id}/cancel", format="json")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "CANCELLATION_CLOSED"
    assert error["details"] == {
        "cutoff": timezone.localtime(show.start_time - timedelta(minutes=20)).isoformat()
    }
    assert Booking.objects.get().status == "CONFIRMED"


def test_a_cinema_without_cancellation_is_409_not_available(api, user, db):
    theatre = factories.theatre_create(cancellation_available=False)
    show = factories.show_create(screen=factories.screen_create(theatre))
    paid = paid_order(user, show, ["B1"])
    response = api.post(f"/api/v1/orders/{paid.order_id}/cancel", format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "CANCELLATION_NOT_AVAILABLE"


def test_someone_elses_order_is_403(user, rival, show):
    paid = paid_order(user, show, ["B1"])
    assert rival.post(f"/api/v1/orders/{paid.order_id}/cancel").status_code == 403
    assert rival.get(f"/api/v1/orders/{paid.order_id}/refund-quote").status_code == 403


@pytest.mark.parametrize(
    "body", [{"seatIds": []}, {"seatIds": ["b2"]}, {"seatIds": ["B2", "B2"]}, {"seatIds": "B2"}]
)
def test_odd_cancel_bodies_are_400(api, user, show, body):
    paid = paid_order(user, show, ["B2", "B3"])
    response = api.post(f"/api/v1/orders/{paid.order_id}/cancel", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert SoldSeat.objects.count() == 2


def test_the_error_codes_are_in_the_api_docs(client, db):
    description = client.get("/api/schema/?format=json").json()["info"]["description"]
    for code in (
        "CANCELLATION_NOT_AVAILABLE",
        "CANCELLATION_CLOSED",
        "TICKET_CANCELLED",
        "INVALID_SCAN",
    ):
        assert f"`{code}`" in description


# -- the ticket page ------------------------------------------------------------------------


def test_the_ticket_page_shows_the_refund_and_cancels(client, user, show):
    paid = paid_order(user, show, ["B2", "B3"])
    client.force_login(user)
    ticket = client.get(f"/orders/{paid.order_id}/").content.decode()
    assert "get ₹375.00 back (75% of the tickets; the convenience fee is not refunded)" in ticket
    preview = client.get(f"/orders/{paid.order_id}/cancel-ticket/").content.decode()
    assert "Cancel B2, B3 and get ₹375.00 back" in preview
    partial = client.get(f"/orders/{paid.order_id}/cancel-ticket/?seats=B3").content.decode()
    assert "This leaves B3 on its own" in partial
    assert "and get" not in partial
    done = client.post(
        f"/orders/{paid.order_id}/cancel-ticket/", {"seats": ["B2", "B3"]}, follow=True
    )
    page = done.content.decode()
    assert "Cancelled seats B2, B3. Refund of ₹375.00 recorded" in page
    assert f"Booking {paid.ticket_code} was cancelled" in page
    assert "On its way" in page
    assert Refund.objects.get().amount == Decimal("375.00")


@pytest.mark.parametrize(("in_catalog", "offers"), [(True, False), (False, True)])
def test_the_badge_follows_the_cinemas_own_policy(client, db, in_catalog, offers):
    theatre = factories.theatre_create(cancellation_available=in_catalog)
    show = factories.show_create(screen=factories.screen_create(theatre))
    day = timezone.localtime(show.start_time).date()
    url = f"/api/v1/movies/{show.movie_id}/shows?date={day}"
    assert client.get(url).json()["theatres"][0]["cancellationAvailable"] is in_catalog
    CancellationPolicy.objects.create(
        theatre_id=str(theatre.id), theatre_name=theatre.name, offers_cancellation=offers
    )
    assert client.get(url).json()["theatres"][0]["cancellationAvailable"] is offers
    page = client.get(f"/movies/{show.movie_id}/buytickets/{day}/").content.decode()
    assert ("Cancellation available" in page) is offers
