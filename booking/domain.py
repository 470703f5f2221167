"""Holds and orders as the rest of the project sees them: frozen values read from the
booking store (or, for paid orders, from the database), each with its status already
judged on the store's clock at the moment of reading (``as_of``)."""

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

MOBILE = re.compile(r"[6-9][0-9]{9}")


class HoldStatus(StrEnum):
    HELD = "HELD"
    EXPIRED = "EXPIRED"
    RELEASED = "RELEASED"
    CONVERTED = "CONVERTED"


class OrderStatus(StrEnum):
    PAYMENT_PENDING = "PAYMENT_PENDING"
    CONFIRMED = "CONFIRMED"
    EXPIRED = "EXPIRED"
    CANCELLED = "CANCELLED"


def seconds_between(start: datetime, end: datetime) -> int:
    """Whole seconds from ``start`` to ``end``, never negative (a countdown)."""
    return max(0, int((end - start).total_seconds()))


@dataclass(frozen=True, slots=True)
class Hold:
    hold_id: str
    user_id: int
    show_id: str
    seat_ids: tuple[str, ...]
    status: HoldStatus  # as of `as_of`: EXPIRED once its time ran out
    created_at: datetime
    expires_at: datetime
    amount: Decimal
    as_of: datetime  # the store's clock when this was read or written
    order_id: str | None = None  # the order made from it (CONVERTED)
    # Known when the hold is placed (booking.services): whether its seats are one block;
    # None when read back. Not part of what the hold is: equal holds may differ in it.
    together: bool | None = field(default=None, compare=False)

    @property
    def is_active(self) -> bool:
        return self.status is HoldStatus.HELD

    @property
    def quantity(self) -> int:
        return len(self.seat_ids)

    @property
    def seconds_left(self) -> int:
        return seconds_between(self.as_of, self.expires_at) if self.is_active else 0


@dataclass(frozen=True, slots=True)
class Customer:
    name: str
    email: str
    phone: str


@dataclass(frozen=True, slots=True)
class ShowSnapshot:
    """What an order shows about its show, copied when the order is made."""

    show_id: str
    movie_id: str | None
    movie_title: str
    theatre_id: str | None
    theatre_name: str
    screen_name: str
    start_time: datetime


@dataclass(frozen=True, slots=True)
class Order:
    order_id: str
    hold_id: str
    user_id: int
    show: ShowSnapshot
    seat_ids: tuple[str, ...]
    status: OrderStatus  # as of `as_of`: EXPIRED once its time ran out
    created_at: datetime
    expires_at: datetime  # end of the payment window
    tickets_amount: Decimal
    convenience_fee: Decimal
    customer: Customer
    as_of: datetime
    # Set once payment began: the order then stays pending past `expires_at` until the
    # payment is recorded or its grace runs out, and it can no longer be cancelled.
    payment_started_at: datetime | None = None
    # Only a committed sale (the database) has these; the store never issues tickets.
    ticket_code: str | None = None
    confirmed_at: datetime | None = None
    idempotency_key: str | None = None
    # A paid order's seats cancelled since (seat_ids holds those still valid; for an
    # order cancelled whole, every seat it had).
    cancelled_seat_ids: tuple[str, ...] = ()

    @property
    def amount(self) -> Decimal:
        return self.tickets_amount + self.convenience_fee

    @property
    def is_pending(self) -> bool:
        return self.status is OrderStatus.PAYMENT_PENDING

    @property
    def payment_in_progress(self) -> bool:
        return self.is_pending and self.payment_started_at is not None

    @property
    def seconds_left(self) -> int:
        if not self.is_pending or self.payment_started_at is not None:
            return 0
        return seconds_between(self.as_of, self.expires_at)


@dataclass(frozen=True, slots=True)
class ShowClaims:
    """Live claims on one show's seats in the store."""

    held: frozenset[str]  # active holds and pending orders
    sold: frozenset[str]  # sales the store has recorded
    version: int  # changes whenever any seat of the show changes state
    as_of: datetime


@dataclass(frozen=True, slots=True)
class Sale:
    """A committed sale, as the store records it: the database is the record of what was
    sold, and the store converges to it."""

    order_id: str
    user_id: int
    show_id: str
    seat_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PartitionStats:
    """One booking queue: the requests for one tier of one show. Counts a backend does
    not keep are None."""

    show_id: str
    tier: str
    waiting: int | None
    processed: int
    rejected: int | None
    longest_wait_seconds: float | None


def indian_mobile(raw: str) -> str:
    """The ten digits of an Indian mobile number written with ``+91``, spaces or dashes.

    Raises ``ValueError`` when what is left is not ten digits starting with 6 to 9.
    """
    digits = raw.strip().replace(" ", "").replace("-", "")
    digits = digits.removeprefix("+91")
    if not MOBILE.fullmatch(digits):  # ASCII digits only: "²" and "९" are digits too
        raise ValueError("Enter a 10-digit Indian mobile number, like 98765 43210.")
    return digits
