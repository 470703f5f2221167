"""Holds and orders as a store keeps them, and their flat form for stores that keep
strings (Redis hashes).

A record keeps what the domain values leave out: the client address and seat tiers that
per-address limits and queue statistics need, the request fingerprint that idempotent
repeats are compared on, and ``live_until``, the instant its seats stop being claimed. A
record's effective status is judged against the store's clock: that rule lives here for
Python, and in ``redis_functions`` for the functions that must judge it inside Redis.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from booking.domain import (
    Customer,
    Hold,
    HoldStatus,
    Order,
    OrderStatus,
    ShowSnapshot,
)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def to_us(moment: datetime) -> int:
    """Microseconds since the epoch: how stores keep instants."""
    return (moment - EPOCH) // MICROSECOND


def from_us(value: str | int) -> datetime:
    return EPOCH + timedelta(microseconds=int(value))


@dataclass(frozen=True, slots=True)
class HoldRecord:
    hold_id: str
    user_id: int
    client: str
    show_id: str
    seat_ids: tuple[str, ...]
    tiers: tuple[str, ...]  # each seat's tier, in the order of seat_ids
    status: HoldStatus  # as stored: HELD, RELEASED or CONVERTED (EXPIRED is judged)
    created_at: datetime
    expires_at: datetime
    amount: Decimal
    fingerprint: str = ""
    order_id: str | None = None

    def is_active(self, now: datetime) -> bool:
        return self.status is HoldStatus.HELD and now < self.expires_at

    def status_at(self, now: datetime) -> HoldStatus:
        if self.status is HoldStatus.HELD and not self.is_active(now):
            return HoldStatus.EXPIRED
        return self.status

    def at(self, now: datetime) -> Hold:
        return Hold(
            hold_id=self.hold_id,
            user_id=self.user_id,
            show_id=self.show_id,
            seat_ids=self.seat_ids,
            status=self.status_at(now),
            created_at=self.created_at,
            expires_at=self.expires_at,
            amount=self.amount,
            as_of=now,
            order_id=self.order_id,
        )


@dataclass(frozen=True, slots=True)
class OrderRecord:
    order_id: str
    hold_id: str
    user_id: int
    client: str
    show: ShowSnapshot
    seat_ids: tuple[str, ...]
    tiers: tuple[str, ...]
    status: OrderStatus  # as stored: PAYMENT_PENDING, CONFIRMED or CANCELLED
    created_at: datetime
    expires_at: datetime  # end of the payment window, as shown
    live_until: datetime  # when its claims end: expires_at, or later once payment began
    tickets_amount: Decimal
    convenience_fee: Decimal
    customer: Customer
    sales_close_at: datetime
    payment_started_at: datetime | None = None
    fingerprint: str = ""

    def is_pending(self, now: datetime) -> bool:
        return self.status is OrderStatus.PAYMENT_PENDING and now < self.live_until

    def status_at(self, now: datetime) -> OrderStatus:
        if self.status is OrderStatus.PAYMENT_PENDING and not self.is_pending(now):
            return OrderStatus.EXPIRED
        return self.status

    def at(self, now: datetime) -> Order:
        return Order(
            order_id=self.order_id,
            hold_id=self.hold_id,
            user_id=self.user_id,
            show=self.show,
            seat_ids=self.seat_ids,
            status=self.status_at(now),
            created_at=self.created_at,
            expires_at=self.expires_at,
            tickets_amount=self.tickets_amount,
            convenience_fee=self.convenience_fee,
            customer=self.customer,
            as_of=now,
            payment_started_at=self.payment_started_at,
        )


# -- the flat form: str fields -> str values ------------------------------------------------
# A hold's fields are all written by the function that creates it, from its arguments:
# id, user, client, show, seats, tiers, amount, fp, and what it decides on its own clock:
# status, created, expires, live (and order, when an order is made from it). An order's
# are written by Python once, at creation (``order_fields``), except status, created,
# expires, live, paying, close, seats, tiers, user and client.


def csv(items: tuple[str, ...] | list[str]) -> str:
    return ",".join(items)


def hold_from_fields(fields: dict[str, str]) -> HoldRecord:
    return HoldRecord(
        hold_id=fields["id"],
        user_id=int(fields["user"]),
        client=fields["client"],
        show_id=fields["show"],
        seat_ids=tuple(fields["seats"].split(",")),
        tiers=tuple(fields["tiers"].split(",")),
        status=HoldStatus(fields["status"]),
        created_at=from_us(fields["created"]),
        expires_at=from_us(fields["expires"]),
        amount=Decimal(fields["amount"]),
        fingerprint=fields.get("fp", ""),
        order_id=fields.get("order") or None,
    )


def order_fields(
    *,
    order_id: str,
    hold_id: str,
    user_id: int,
    client: str,
    show: ShowSnapshot,
    seat_ids: tuple[str, ...],
    tiers: tuple[str, ...],
    tickets_amount: Decimal,
    convenience_fee: Decimal,
    customer: Customer,
    fingerprint: str,
) -> dict[str, str]:
    return {
        "id": order_id,
        "hold": hold_id,
        "user": str(user_id),
        "client": client,
        "show": show.show_id,
        "seats": csv(seat_ids),
        "tiers": csv(tiers),
        "tickets": str(tickets_amount),
        "fee": str(convenience_fee),
        "customer": json.dumps([customer.name, customer.email, customer.phone]),
        "snapshot": json.dumps(
            [
                show.movie_id,
                show.movie_title,
                show.theatre_id,
                show.theatre_name,
                show.screen_name,
                to_us(show.start_time),
            ]
        ),
        "fp": fingerprint,
    }


def order_from_fields(fields: dict[str, str]) -> OrderRecord:
    movie_id, movie_title, theatre_id, theatre_name, screen_name, start = json.loads(
        fields["snapshot"]
    )
    return OrderRecord(
        order_id=fields["id"],
        hold_id=fields["hold"],
        user_id=int(fields["user"]),
        client=fields["client"],
        show=ShowSnapshot(
            show_id=fields["show"],
            movie_id=movie_id,
            movie_title=movie_title,
            theatre_id=theatre_id,
            theatre_name=theatre_name,
            screen_name=screen_name,
            start_time=from_us(start),
        ),
        seat_ids=tuple(fields["seats"].split(",")),
        tiers=tuple(fields["tiers"].split(",")),
        status=OrderStatus(fields["status"]),
        created_at=from_us(fields["created"]),
        expires_at=from_us(fields["expires"]),
        live_until=from_us(fields["live"]),
        tickets_amount=Decimal(fields["tickets"]),
        convenience_fee=Decimal(fields["fee"]),
        customer=Customer(*json.loads(fields["customer"])),
        sales_close_at=from_us(fields["close"]),
        payment_started_at=from_us(fields["paying"]) if fields.get("paying") else None,
        fingerprint=fields.get("fp", ""),
    )
