"""The one home of a seat's state, and of when a show's sales close.

Every view of a show's seats (the seat map and its API, the picker's grid, the staff's
seat view) and every claim (the services, before the store's atomic check) derive the
state of a seat from ``seat_states``; nothing else decides it.
"""

from collections.abc import Collection
from datetime import datetime
from enum import StrEnum

from booking.domain import ShowClaims
from catalog.domain import Show


class SeatState(StrEnum):
    AVAILABLE = "available"
    HELD = "held"  # in a live hold or an order waiting for payment, or held at the source
    SOLD = "sold"  # a recorded sale: in the database, or in the store
    BLOCKED = "blocked"  # broken, or kept by the house: never for sale


def seat_states(
    show: Show, *, sold: Collection[str], claims: ShowClaims | None = None
) -> dict[str, SeatState]:
    """Every seat of the show that is not available, with its state; a seat not listed is
    available. ``sold`` are the seats the database records as sold; ``claims`` the
    store's live claims (None: leave them to the store, which checks them atomically
    when a seat is claimed)."""
    states = dict.fromkeys(show.source_held_seat_ids, SeatState.HELD)
    if claims is not None:
        states.update(dict.fromkeys(claims.held, SeatState.HELD))
        states.update(dict.fromkeys(claims.sold, SeatState.SOLD))
    states.update(dict.fromkeys(sold, SeatState.SOLD))
    states.update(dict.fromkeys(show.layout.blocked_seat_ids, SeatState.BLOCKED))
    return states


def sales_close_at(show_start: datetime) -> datetime:
    """Sales of a show close when it starts: holds, orders and payments after that are
    refused, and no hold or payment window runs past it."""
    return show_start


def is_on_sale(show_start: datetime, now: datetime) -> bool:
    return now < sales_close_at(show_start)
