"""The one home of the cancellation rules: whether a paid booking may be cancelled now,
and what comes back. Pure functions over a policy, a booking and the time; the service
(``booking.services.booking_cancel``) reads the policy and writes the result.

A policy, as Indian multiplexes run it: cancellation closes ``cutoff`` before the show;
before that, the refund is a share of the tickets that depends on how early (the share of
the earliest tier the cancellation is in time for: with tiers 2 h → 75 % and 0 → 50 %,
cancelling 3 h before gets 75 %, exactly 2 h before 75 %, 1 h 59 min before 50 %); the
convenience fee comes back only where the policy says so.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from booking.errors import (
    CancellationClosed,
    DuplicateSeats,
    OrderNotPending,
    SeatsNotOnTicket,
)
from booking.models import Booking
from bookmyshow.money import money, money_split


@dataclass(frozen=True, slots=True)
class Policy:
    cutoff: timedelta
    tiers: tuple[tuple[timedelta, int], ...]  # (at least this long before, percent), earliest first
    fee_refunded: bool

    def closes_at(self, start: datetime) -> datetime:
        return start - self.cutoff

    def share(self, *, start: datetime, now: datetime) -> int:
        """The percent of the tickets refunded when cancelling at ``now``. Raises
        ``CancellationClosed`` past the cut-off (cancelling exactly at it is in time)."""
        if now > self.closes_at(start):
            raise CancellationClosed(self.closes_at(start))
        return next((percent for before, percent in self.tiers if start - now >= before), 0)


# Cinemas whose catalog says "Cancellation available" and that staff gave no policy of
# their own: 75 % up to 2 hours before, 50 % after, closing 20 minutes before; no fee.
DEFAULT_POLICY = Policy(
    cutoff=timedelta(minutes=20),
    tiers=((timedelta(hours=2), 75), (timedelta(0), 50)),
    fee_refunded=False,
)


def policy_from_row(row) -> Policy | None:
    """A ``CancellationPolicy`` row as a ``Policy``; None when it offers no cancellation."""
    if not row.offers_cancellation:
        return None
    return Policy(
        cutoff=timedelta(minutes=row.cutoff_minutes),
        tiers=tuple(
            sorted(
                ((timedelta(minutes=t.minutes_before), t.percent) for t in row.tiers.all()),
                reverse=True,
            )
        ),
        fee_refunded=row.fee_refunded,
    )


@dataclass(frozen=True, slots=True)
class RefundQuote:
    """What cancelling ``seat_ids`` of a booking now gives back."""

    seat_ids: tuple[str, ...]
    share_percent: int
    tickets_refund: Decimal
    fee_refund: Decimal
    closes_at: datetime  # the cut-off
    whole_booking: bool  # every seat still valid is cancelled

    @property
    def amount(self) -> Decimal:
        return self.tickets_refund + self.fee_refund


def seat_prices(booking: Booking) -> dict[str, Decimal]:
    """What each seat's ticket cost, out of the booking's ``tickets_amount``: shared by
    each seat's price as sold (equally for sales made before prices were recorded), the
    shares adding up to what was paid."""
    weights = {
        seat: Decimal(booking.seat_tiers.get(seat, {}).get("price", "1"))
        for seat in booking.seat_ids
    }
    return money_split(booking.tickets_amount, weights)


def _paid_for(booking: Booking, seat_ids: Collection[str]) -> Decimal:
    prices = seat_prices(booking)
    return sum((prices[seat] for seat in seat_ids), Decimal("0.00"))


def refund_quote(
    booking: Booking, *, policy: Policy, seat_ids: Collection[str] | None, now: datetime
) -> RefundQuote:
    """The refund for cancelling ``seat_ids`` of the booking (None: every seat still
    valid) at ``now``. Raises ``OrderNotPending`` (cancelled already),
    ``SeatsNotOnTicket``, ``CancellationClosed``."""
    if booking.is_cancelled:
        raise OrderNotPending("CANCELLED")
    active = booking.active_seat_ids
    chosen = tuple(active) if seat_ids is None else tuple(seat_ids)
    if len(set(chosen)) != len(chosen):
        raise DuplicateSeats()
    foreign = [seat for seat in chosen if seat not in active]
    if not chosen or foreign:
        raise SeatsNotOnTicket(foreign, active)
    share = policy.share(start=booking.show_start, now=now)
    whole = set(chosen) == set(active)
    paid = _paid_for(booking, chosen)
    fee_per_seat = booking.convenience_fee / len(booking.seat_ids)
    return RefundQuote(
        seat_ids=chosen,
        share_percent=share,
        tickets_refund=money(paid * share / 100),
        fee_refund=money(fee_per_seat * len(chosen)) if policy.fee_refunded else Decimal("0.00"),
        closes_at=policy.closes_at(booking.show_start),
        whole_booking=whole,
    )
