"""Holds and orders: frozen values whose effective status is computed at a given moment."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


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


@dataclass(frozen=True, slots=True)
class Hold:
    hold_id: str
    user_id: int
    show_id: str
    seat_ids: tuple[str, ...]
    status: HoldStatus  # as stored; EXPIRED is never stored, see status_at
    created_at: datetime
    expires_at: datetime
    amount: Decimal

    def status_at(self, now: datetime) -> HoldStatus:
        if self.status is HoldStatus.HELD and now >= self.expires_at:
            return HoldStatus.EXPIRED
        return self.status

    def is_active(self, now: datetime) -> bool:
        return self.status_at(now) is HoldStatus.HELD


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
    status: OrderStatus  # as stored; EXPIRED is never stored, see status_at
    created_at: datetime
    expires_at: datetime
    tickets_amount: Decimal
    convenience_fee: Decimal
    customer: Customer
    ticket_code: str | None = None
    confirmed_at: datetime | None = None
    idempotency_key: str | None = None

    @property
    def amount(self) -> Decimal:
        return self.tickets_amount + self.convenience_fee

    def status_at(self, now: datetime) -> OrderStatus:
        if self.status is OrderStatus.PAYMENT_PENDING and now >= self.expires_at:
            return OrderStatus.EXPIRED
        return self.status

    def is_pending(self, now: datetime) -> bool:
        return self.status_at(now) is OrderStatus.PAYMENT_PENDING


@dataclass(frozen=True, slots=True)
class ShowClaims:
    """Live claims on one show's seats in the store."""

    held: frozenset[str]  # active holds and pending orders
    sold: frozenset[str]  # confirmed orders


@dataclass(frozen=True, slots=True)
class PartitionStats:
    """One booking queue: the requests for one tier of one show."""

    show_id: str
    tier: str
    waiting: int
    processed: int
    rejected: int
    longest_wait_seconds: float


def indian_mobile(raw: str) -> str:
    """The ten digits of an Indian mobile number written with ``+91``, spaces or dashes.

    Raises ``ValueError`` when what is left is not ten digits starting with 6 to 9.
    """
    digits = raw.strip().replace(" ", "").replace("-", "")
    digits = digits.removeprefix("+91")
    if len(digits) != 10 or not digits.isdigit() or digits[0] not in "6789":
        raise ValueError("Enter a 10-digit Indian mobile number, like 98765 43210.")
    return digits
