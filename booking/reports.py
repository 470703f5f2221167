"""Staff reports on what was sold and refunded: per show, by tier, from the database."""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Sum

from booking.cancellation import seat_prices
from booking.models import Booking, Refund
from bookmyshow.money import money_split

ZERO = Decimal("0.00")


@dataclass
class TierSales:
    tier: str
    seats_sold: int = 0  # every seat ever sold, cancelled ones included
    seats_refunded: int = 0  # seats cancelled since
    tickets: Decimal = ZERO  # what the tickets were paid
    refunded: Decimal = ZERO  # what was refunded of them

    @property
    def revenue(self) -> Decimal:
        return self.tickets - self.refunded


@dataclass
class ShowSales:
    show_id: str
    movie_title: str = ""
    theatre_name: str = ""
    screen_name: str = ""
    show_start: datetime | None = None
    bookings: int = 0
    tiers: dict[str, TierSales] = field(default_factory=dict)
    fees: Decimal = ZERO
    fees_refunded: Decimal = ZERO

    def tier(self, name: str) -> TierSales:
        return self.tiers.setdefault(name, TierSales(name))


def _tier_name(booking: Booking, seat: str) -> str:
    return booking.seat_tiers.get(seat, {}).get("name", "") or "All seats"


def show_sales_summary(*, show_id: str) -> ShowSales:
    """Seats sold and refunded, and revenue, by tier, for one show."""
    summary = ShowSales(show_id=show_id)
    bookings = Booking.objects.filter(show_id=show_id).prefetch_related("refunds")
    for booking in bookings:
        summary.movie_title, summary.theatre_name = booking.movie_title, booking.theatre_name
        summary.screen_name, summary.show_start = booking.screen_name, booking.show_start
        summary.bookings += 1
        summary.fees += booking.convenience_fee
        prices = seat_prices(booking)
        for seat in booking.seat_ids:
            line = summary.tier(_tier_name(booking, seat))
            line.seats_sold += 1
            line.tickets += prices[seat]
        for refund in booking.refunds.all():
            summary.fees_refunded += refund.fee_amount
            shares = money_split(refund.tickets_amount, {s: prices[s] for s in refund.seat_ids})
            for seat, share in shares.items():
                line = summary.tier(_tier_name(booking, seat))
                line.seats_refunded += 1
                line.refunded += share
    return summary


CSV_HEADER = [
    "tier",
    "seats sold",
    "seats refunded",
    "tickets (INR)",
    "refunded (INR)",
    "revenue (INR)",
]


def show_sales_csv(summary: ShowSales) -> str:
    """The summary as CSV: one row per tier, then the convenience fee and the total."""
    out = io.StringIO()
    writer = csv.writer(out)
    start = summary.show_start.isoformat() if summary.show_start else ""
    writer.writerow(
        [
            "show",
            summary.show_id,
            summary.movie_title,
            summary.theatre_name,
            summary.screen_name,
            start,
        ]
    )
    writer.writerow(CSV_HEADER)
    for line in sorted(summary.tiers.values(), key=lambda t: t.tier):
        writer.writerow(
            [
                line.tier,
                line.seats_sold,
                line.seats_refunded,
                line.tickets,
                line.refunded,
                line.revenue,
            ]
        )
    writer.writerow(
        [
            "Convenience fee",
            "",
            "",
            summary.fees,
            summary.fees_refunded,
            summary.fees - summary.fees_refunded,
        ]
    )
    lines = summary.tiers.values()
    tickets = sum((t.tickets for t in lines), ZERO) + summary.fees
    refunded = sum((t.refunded for t in lines), ZERO) + summary.fees_refunded
    sold = sum(t.seats_sold for t in lines)
    refunded_seats = sum(t.seats_refunded for t in lines)
    writer.writerow(["Total", sold, refunded_seats, tickets, refunded, tickets - refunded])
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class ShowRefunds:
    show_id: str
    movie_title: str
    theatre_name: str
    show_start: datetime
    refunds: int
    amount: Decimal
    pending: Decimal


def refund_totals_by_show(refunds) -> list[ShowRefunds]:
    """Refund totals per show, for the refunds listed (a filtered queryset)."""
    rows = (
        refunds.values(
            "booking__show_id",
            "booking__movie_title",
            "booking__theatre_name",
            "booking__show_start",
        )
        .annotate(count=Count("pk"), amount=Sum("amount"))
        .order_by("-booking__show_start")
    )
    pending: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for row in (
        refunds.filter(status=Refund.Status.PENDING)
        .values("booking__show_id")
        .annotate(amount=Sum("amount"))
        .order_by()
    ):
        pending[row["booking__show_id"]] = row["amount"]
    return [
        ShowRefunds(
            show_id=row["booking__show_id"],
            movie_title=row["booking__movie_title"],
            theatre_name=row["booking__theatre_name"],
            show_start=row["booking__show_start"],
            refunds=row["count"],
            amount=row["amount"] or ZERO,
            pending=pending[row["booking__show_id"]],
        )
        for row in rows
    ]
