"""One show, hold and order whatever the letter case of their ids: upper- and mixed-case
spellings reach the same object on both catalog sources, and can never make a second
sale of a seat."""

import json
import re
from datetime import timedelta

import pytest
import responses
from django.utils import timezone
from rest_framework.test import APIClient

from booking.models import Booking, SoldSeat
from tests.catalog.test_lambda_source import BASE, SEATMAP

CUSTOMER = {"name": "Asha Rao", "email": "asha@example.com", "phone": "9876543210"}

pytestmark = pytest.mark.usefixtures("booking_backend")


def mixed(uuid: str) -> str:
    return "".join(c.upper() if i % 2 else c for i, c in enumerate(uuid))


@pytest.fixture
def rival(other_user):
    client = APIClient()
    client.force_authenticate(other_user)
    return client


def hold(client, show_id, seats):
    return client.post(
        "/api/v1/holds",
        {"showId": show_id, "seatIds": seats, "quantity": len(seats)},
        format="json",
    )


def book_with_every_spelling(api, rival, show_id: str) -> dict:
    """Hold, order and pay through upper- and mixed-case spellings of every id; a rival
    tries the same seats with the other spellings at every step."""
    held = hold(api, show_id.upper(), ["B1", "B2"])
    assert held.status_code == 201, held.content
    hold_id = held.json()["holdId"]
    assert held.json()["showId"] == show_id
    assert hold_id == hold_id.lower()
    assert hold(rival, show_id, ["B2"]).json()["error"]["code"] == "SEAT_UNAVAILABLE"
    assert hold(rival, mixed(show_id), ["B1"]).json()["error"]["code"] == "SEAT_UNAVAILABLE"
    assert api.get(f"/api/v1/holds/{mixed(hold_id)}").json()["holdId"] == hold_id
    order = api.post(
        "/api/v1/orders", {"holdId": hold_id.upper(), "customer": CUSTOMER}, format="json"
    )
    assert order.status_code == 201, order.content
    order_id = order.json()["orderId"]
    paid = api.post(f"/api/v1/orders/{order_id.upper()}/confirm-payment")
    assert paid.status_code == 200, paid.content
    assert (
        api.get(f"/api/v1/orders/{mixed(order_id)}").json()["ticketCode"]
        == (paid.json()["ticketCode"])
    )
    for spelling in (show_id, show_id.upper(), mixed(show_id)):
        assert hold(rival, spelling, ["B1"]).json()["error"]["code"] == "SEAT_UNAVAILABLE"
        seat_map = APIClient().get(f"/api/v1/shows/{spelling}/seatmap").json()
        assert seat_map["showId"] == show_id
        assert {"B1", "B2"} <= set(seat_map["unavailableSeatIds"])
    assert list(SoldSeat.objects.values_list("show_id", "seat_id").order_by("seat_id")) == [
        (show_id, "B1"),
        (show_id, "B2"),
    ]
    assert Booking.objects.get().show_id == show_id
    return paid.json()


def test_every_spelling_reaches_the_same_local_show_hold_and_order(api, rival, show):
    book_with_every_spelling(api, rival, str(show.id))


def test_every_spelling_reaches_the_same_lambda_show_even_when_it_echoes_ids(
    api, rival, db, settings
):
    settings.BMS_API_URL = BASE
    show_id = SEATMAP["showId"]
    layout = [{"seatId": f"B{n}", "row": "B", "number": n, "type": "regular"} for n in range(1, 5)]
    seat_map = {
        **SEATMAP,
        "layout": layout,
        "price": 250,
        "heldSeatIds": [],
        "unavailableSeatIds": [],
        "startTime": (timezone.now() + timedelta(days=1)).isoformat(),
    }

    def echo(request):
        """As the real service does: any letter case accepted, the id echoed as sent."""
        asked_id = request.url.split("/shows/")[1].split("/")[0]
        return 200, {}, json.dumps({**seat_map, "showId": asked_id})

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        mocked.add_callback(
            responses.GET, re.compile(rf"{BASE}/shows/(?i:{show_id})/seatmap"), callback=echo
        )
        book_with_every_spelling(api, rival, show_id)
        asked = {call.request.url.split("/shows/")[1] for call in mocked.calls}
    assert asked == {f"{show_id}/seatmap"}  # the service is only ever asked one spelling


def test_the_website_answers_any_spelling_with_canonical_links(client, show):
    page = client.get(f"/shows/{mixed(str(show.id))}/seats/")
    assert page.status_code == 200
    assert f'action="/shows/{show.id}/hold/"' in page.content.decode()
    assert client.get(f"/shows/{show.id}%0A/seats/").status_code == 404
