"""The seat grid as the seat page draws it: rows of cells grouped under their tier."""

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from booking.seats import SeatState
from booking.selectors import SeatMap
from bookmyshow.money import rupees
from catalog.domain import Seat, Tier


class CellState(StrEnum):
    """A seat as the picker draws it: its state (``booking.seats``), or selected."""

    AVAILABLE = "available"
    SELECTED = "selected"
    HELD = "held"
    SOLD = "sold"
    BLOCKED = "blocked"

    @property
    def label(self) -> str:
        return {
            CellState.AVAILABLE: "available",
            CellState.SELECTED: "selected",
            CellState.HELD: "held by someone else",
            CellState.SOLD: "sold",
            CellState.BLOCKED: "not for sale",
        }[self]


@dataclass(frozen=True, slots=True)
class GridSeat:
    seat: Seat
    state: CellState
    price: Decimal
    tier_name: str
    grid_column: int  # CSS grid column, after the row label and the centring offset

    @property
    def selectable(self) -> bool:
        return self.state in (CellState.AVAILABLE, CellState.SELECTED)

    @property
    def accessible_label(self) -> str:
        return (
            f"Row {self.seat.row}, seat {self.seat.number}, {self.tier_name}, "
            f"{rupees(self.price, compact=True)}, {self.state.label}"
        )


@dataclass(frozen=True, slots=True)
class GridRow:
    label: str
    seats: tuple[GridSeat, ...]


@dataclass(frozen=True, slots=True)
class GridSection:
    tier: Tier
    rows: tuple[GridRow, ...]


@dataclass(frozen=True, slots=True)
class SeatGrid:
    sections: tuple[GridSection, ...]
    columns: int  # seat columns of the widest row

    @property
    def css_columns(self) -> int:
        return self.columns + 2  # a row label on each side


def seat_grid_build(seat_map: SeatMap, *, selected: Collection[str] = ()) -> SeatGrid:
    """Lay out ``seat_map`` for drawing; ``selected`` seats that are free show as selected."""
    layout = seat_map.show.layout
    width = layout.width
    sections: list[GridSection] = []
    for row in layout.rows:
        tier = layout.tier(row.tier)
        offset = (width - (row.seats[-1].column if row.seats else 0)) // 2
        grid_row = GridRow(
            label=row.label,
            seats=tuple(
                GridSeat(
                    seat=seat,
                    state=_state(seat.seat_id, seat_map, selected),
                    price=tier.price,
                    tier_name=tier.name,
                    grid_column=1 + offset + seat.column,
                )
                for seat in row.seats
            ),
        )
        if sections and sections[-1].tier.code == tier.code:
            sections[-1] = GridSection(tier=tier, rows=(*sections[-1].rows, grid_row))
        else:
            sections.append(GridSection(tier=tier, rows=(grid_row,)))
    return SeatGrid(sections=tuple(sections), columns=width)


def _state(seat_id: str, seat_map: SeatMap, selected: Collection[str]) -> CellState:
    state = seat_map.state(seat_id)
    if state is SeatState.AVAILABLE and seat_id in selected:
        return CellState.SELECTED
    return CellState(state.value)
