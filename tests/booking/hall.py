"""Seat layouts drawn as text, for tests of the picking rules.

One line per row, back row first (the screen is in front of the last line):
``"C:PRIME ....|......|...."``: the row label, optionally its tier after a colon, then
one character per seat: ``.`` free, ``x`` taken (held or sold), ``#`` blocked; ``|`` is
an aisle. Seats are numbered from 1 along the row, aisles not counted.
"""

from dataclasses import dataclass
from decimal import Decimal

from catalog.domain import Seat, SeatLayout, SeatRow, Tier

TIERS = {"RECLINER": "650", "PRIME": "380", "CLASSIC": "250", "STANDARD": "200"}


@dataclass(frozen=True)
class Hall:
    layout: SeatLayout
    taken: frozenset[str]  # taken and blocked seats


def hall(*lines: str) -> Hall:
    rows, taken, blocked, tiers = [], set(), set(), []
    for line in lines:
        head, _, marks = line.partition(" ")
        label, _, tier = head.partition(":")
        tier = tier or "STANDARD"
        if tier not in tiers:
            tiers.append(tier)
        seats, column, number = [], 0, 0
        for mark in marks:
            column += 1
            if mark == "|":
                continue
            number += 1
            seat_id = f"{label}{number}"
            seats.append(Seat(seat_id=seat_id, row=label, number=number, tier=tier, column=column))
            if mark in "x#":
                taken.add(seat_id)
            if mark == "#":
                blocked.add(seat_id)
        rows.append(SeatRow(label=label, tier=tier, seats=tuple(seats)))
    layout = SeatLayout(
        tiers=tuple(Tier(code=t, name=t.title(), price=Decimal(TIERS[t])) for t in tiers),
        rows=tuple(rows),
        blocked_seat_ids=frozenset(blocked),
    )
    return Hall(layout=layout, taken=frozenset(taken))
