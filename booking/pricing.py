"""What seats cost: each seat at its tier's price, plus the convenience fee per seat (the
fee rounded to the paisa once, so the fee per seat times the seats is the fee charged)."""

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from bookmyshow.money import money
from catalog.domain import SeatLayout, Tier


@dataclass(frozen=True, slots=True)
class TierLine:
    tier: Tier
    quantity: int

    @property
    def subtotal(self) -> Decimal:
        return self.tier.price * self.quantity


@dataclass(frozen=True, slots=True)
class Price:
    lines: tuple[TierLine, ...]
    tickets: Decimal
    convenience_fee: Decimal

    @property
    def total(self) -> Decimal:
        return self.tickets + self.convenience_fee

    @property
    def quantity(self) -> int:
        return sum(line.quantity for line in self.lines)


def price_seats(layout: SeatLayout, seat_ids: Collection[str]) -> Price:
    """Precondition: every seat id is in ``layout``."""
    per_tier = Counter(layout.seats_by_id[seat_id].tier for seat_id in seat_ids)
    lines = tuple(
        TierLine(tier, per_tier[tier.code]) for tier in layout.tiers if per_tier[tier.code]
    )
    tickets = money(sum((line.subtotal for line in lines), Decimal(0)))
    fee = money(settings.CONVENIENCE_FEE_PER_TICKET) * len(seat_ids)
    return Price(lines=lines, tickets=tickets, convenience_fee=fee)
