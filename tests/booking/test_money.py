"""One money rule everywhere: amounts to the paisa, half up, never rounded to whole
rupees. A Lambda show priced ₹412.50 reads ₹412.50 on the listing, the seat map, the
checkout, the payment button, the ticket and in the API; ₹412.505 reads ₹412.51."""

from datetime import timedelta
from decimal import Decimal

import pytest
import responses
from django.template import Context, Template
from django.utils import timezone
from rest_framework.test import APIClient

from booking.pricing import price_seats
from bookmyshow.money import money, rupees
from catalog.domain import Seat, SeatLayout, SeatRow, Tier
from tests.booking.test_identities import CUSTOMER
from tests.catalog.lambda_service import BASE, LambdaStandIn


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [
        ("412.5", "412.50"),
        ("412.505", "412.51"),  # half up (half-even would say 412.50)
        ("412.515", "412.52"),
        ("412.504999", "412.50"),
        ("0.005", "0.01"),
        (250, "250.00"),
    ],
)
def test_amounts_round_to_the_paisa_half_up(amount, rounded):
    assert money(amount) == Decimal(rounded)
    assert rupees(amount) == f"₹{rounded}"


def test_prices_beside_seats_leave_out_only_the_paise_of_whole_rupees():
    assert rupees(Decimal("250.00"), compact=True) == "₹250"
    assert rupees(Decimal("412.50"), compact=True) == "₹412.50"
    assert rupees(Decimal("249.995"), compact=True) == "₹250"


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        ("0", "₹0.00"),
        ("999.99", "₹999.99"),
        ("7200", "₹7,200.00"),
        ("99999.5", "₹99,999.50"),
        ("125000", "₹1,25,000.00"),
        ("12345678.9", "₹1,23,45,678.90"),
        ("-1500", "-₹1,500.00"),
    ],
)
def test_amounts_are_grouped_as_indian_digits_are(amount, written):
    assert rupees(amount) == written


def test_whole_rupees_beside_seats_are_grouped_too():
    assert rupees(Decimal("1500"), compact=True) == "₹1,500"


def test_templates_write_amounts_with_the_same_rule():
    template = Template('{{ price|rupees }} {{ price|rupees:"compact" }} {{ whole|rupees }}')
    context = Context({"price": Decimal("412.505"), "whole": 250})
    assert template.render(context) == "₹412.51 ₹412.51 ₹250.00"


def test_the_convenience_fee_is_rounded_once_per_seat(settings):
    settings.CONVENIENCE_FEE_PER_TICKET = Decimal("10.005")
    tier = Tier(code="STANDARD", name="Standard", price=Decimal("412.50"))
    seats = tuple(Seat(f"A{n}", "A", n, "STANDARD", n) for n in (1, 2, 3))
    layout = SeatLayout(
        tiers=(tier,), rows=(SeatRow("A", "STANDARD", seats),), blocked_seat_ids=frozenset()
    )
    price = price_seats(layout, ["A1", "A2", "A3"])
    assert (price.tickets, price.convenience_fee, price.total) == (
        Decimal("1237.50"),
        Decimal("30.03"),  # 3 × ₹10.01, what the page says per seat
        Decimal("1267.53"),
    )


@pytest.mark.parametrize(("price", "shown"), [(412.5, "412.50"), (412.505, "412.51")])
def test_a_price_in_paise_reads_the_same_everywhere(client, user, settings, db, price, shown):
    settings.BMS_API_URL = BASE
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        service = LambdaStandIn().install(mocked)
        movie = service.movie_add("RRR")
        start = timezone.now() + timedelta(days=1)
        show = service.show_add(movie, service.theatre(), start.isoformat(), price=price)
        day = timezone.localtime(start).date()

        listing = client.get(f"/movies/{movie}/buytickets/{day}/?city=mumbai").content.decode()
        seats = client.get(f"/shows/{show}/seats/?seats=A1").content.decode()
        show_times = api.get(f"/api/v1/movies/{movie}/shows", {"date": day.isoformat()}).json()
        seat_map = api.get(f"/api/v1/shows/{show}/seatmap").json()
        held = api.post("/api/v1/holds", {"showId": show, "seatIds": ["A1"], "quantity": 1}, "json")
        hold_id = held.json()["holdId"]
        checkout = client.get(f"/holds/{hold_id}/").content.decode()
        ordered = api.post("/api/v1/orders", {"holdId": hold_id, "customer": CUSTOMER}, "json")
        order_id = ordered.json()["orderId"]
        to_pay = client.get(f"/orders/{order_id}/").content.decode()
        paid = api.post(f"/api/v1/orders/{order_id}/confirm-payment").json()
        ticket = client.get(f"/orders/{order_id}/").content.decode()

    assert f"from ₹{shown} · Available" in listing
    assert f"Standard · ₹{shown}</h2>" in seats
    assert f'<p class="summary__amount">₹{shown}</p>' in seats
    assert f"Continue to payment · ₹{shown}" in checkout
    assert f"Pay ₹{shown}" in to_pay
    assert f"<dt>Paid</dt><dd><strong>₹{shown}</strong></dd>" in ticket
    number = float(shown)
    assert show_times["theatres"][0]["shows"][0]["price"] == number
    assert (seat_map["price"], seat_map["tiers"][0]["price"]) == (number, number)
    assert held.json()["amount"] == number
    assert (paid["amount"], paid["breakdown"]["tickets"], paid["breakdown"]["total"]) == (
        number,
        number,
        number,
    )
