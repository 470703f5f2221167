"""One money rule everywhere: amounts to the paisa, half up, never rounded to whole
rupees."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from booking.pricing import price_seats
from bookmyshow.money import money, rupees
from catalog.domain import Seat, SeatLayout, SeatRow, Tier


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
