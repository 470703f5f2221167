"""The seat grid as the seat page draws it, in a fraction of a template's time.

A layout is drawn once from ``booking/seat_grid.html``, with a marker where each seat's
state goes; every later drawing of the same layout only fills in the states. The seat
page refreshes every few seconds on every open phone, and a 612-seat hall drawn by the
template engine each time would cost many times the seat map itself.
"""

import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from booking.picking import row_offset
from catalog.domain import Seat, SeatLayout, Tier


class CellState(StrEnum):
    """A seat as the map draws it (``data-state``): its state for everyone
    (``booking.seats``), or the viewer's own: selected, or on hold for them."""

    AVAILABLE = "available"
    SELECTED = "selected"
    HELD = "held"
    YOURS = "yours"
    SOLD = "sold"
    BLOCKED = "blocked"

    @property
    def label(self) -> str:
        return {
            CellState.AVAILABLE: "available",
            CellState.SELECTED: "selected",
            CellState.HELD: "held by someone else",
            CellState.YOURS: "on hold for you",
            CellState.SOLD: "sold",
            CellState.BLOCKED: "not for sale",
        }[self]

    @property
    def pickable(self) -> bool:
        return self in (CellState.AVAILABLE, CellState.SELECTED)


def _slot_format(state: CellState) -> str:
    extra = ' aria-pressed="true"' if state is CellState.SELECTED else ""
    if not state.pickable:
        extra = ' aria-disabled="true"'
    return f'data-state="{state}" aria-label="{{}}, {state.label}"{extra}'


SLOT_FORMATS = {state: _slot_format(state) for state in CellState}
SLOT = "\ue000"  # marks where a seat's state goes in a drawing (a private-use character)


@dataclass(frozen=True, slots=True)
class GridRow:
    label: str
    cells: tuple[Seat | None, ...]  # one per column of the hall; None: an aisle or margin


# Widths in seats: an aisle (a column without a seat in any row) is half a seat wide, a
# row label a little more, so a 12-seat row fits a phone's width with legible seats.
AISLE_WIDTH = 0.5
LABEL_WIDTH = 0.6


@dataclass(frozen=True, slots=True)
class GridSection:
    tier: Tier
    rows: tuple[GridRow, ...]


def aisle_columns(layout: SeatLayout) -> frozenset[int]:
    """The columns (from 0) where no row has a seat: drawn narrow."""
    offsets = {row.label: row_offset(layout, row) for row in layout.rows}
    seated = {offsets[row.label] + seat.column - 1 for row in layout.rows for seat in row.seats}
    return frozenset(range(layout.width)) - seated


def grid_sections(layout: SeatLayout) -> tuple[GridSection, ...]:
    """The layout's rows grouped under their tiers, each row as wide as the hall with
    its seats centred as ``booking.picking`` places them."""
    sections: list[GridSection] = []
    for row in layout.rows:
        offset = row_offset(layout, row)
        by_column = {offset + seat.column: seat for seat in row.seats}
        grid_row = GridRow(
            label=row.label,
            cells=tuple(by_column.get(column) for column in range(1, layout.width + 1)),
        )
        tier = layout.tier(row.tier)
        if sections and sections[-1].tier.code == tier.code:
            sections[-1] = GridSection(tier=tier, rows=(*sections[-1].rows, grid_row))
        else:
            sections.append(GridSection(tier=tier, rows=(grid_row,)))
    return tuple(sections)


@dataclass(frozen=True, slots=True)
class Drawing:
    """A layout drawn once: the markup around each seat's state."""

    layout: SeatLayout
    chunks: tuple[str, ...]  # one more than there are seats
    labels: tuple[tuple[str, str], ...]  # (seat id, escaped label), in drawing order
    width: float  # in seats: seats, margins, aisles and the row labels on either side

    def render(self, states: Mapping[str, CellState]) -> SafeString:
        """The grid with each seat in its state (a seat not in ``states`` is available)."""
        parts = [self.chunks[0]]
        available = CellState.AVAILABLE
        for (seat_id, label), chunk in zip(self.labels, self.chunks[1:], strict=True):
            parts.append(SLOT_FORMATS[states.get(seat_id, available)].format(label))
            parts.append(chunk)
        return mark_safe("".join(parts))  # the template escaped its part, _draw the labels


def _draw(layout: SeatLayout) -> Drawing:
    sections = grid_sections(layout)
    aisles = aisle_columns(layout)
    html = render_to_string(
        "booking/seat_grid.html",
        {"sections": sections, "aisles": aisles, "slot": mark_safe(SLOT)},
    )
    chunks = tuple(html.split(SLOT))
    labels = tuple(
        (cell.seat_id, escape(f"{cell.seat_id}, {section.tier.name}"))
        for section in sections
        for row in section.rows
        for cell in row.cells
        if cell is not None
    )
    if len(chunks) != len(labels) + 1:
        raise ValueError("booking/seat_grid.html must mark every seat's state once")
    width = layout.width - len(aisles) * (1 - AISLE_WIDTH) + 2 * LABEL_WIDTH
    return Drawing(layout=layout, chunks=chunks, labels=labels, width=width)


# Drawings by the identity of the layout they were made for, and by a signature, so an
# equal layout (the catalog builds a new one when its cache of the show expires, and
# shows of one screen at one price share one) is drawn once.
DRAWINGS_MAX = 256  # a 612-seat drawing is about 100 KB
_by_identity: dict[int, Drawing] = {}
_by_signature: dict[tuple, Drawing] = {}
_lock = threading.Lock()


def _signature(layout: SeatLayout) -> tuple:
    return (layout.capacity, layout.width, layout.tiers, layout.blocked_seat_ids)


def seat_grid_drawing(layout: SeatLayout) -> Drawing:
    """The drawing of ``layout``, made once per distinct layout in this process."""
    drawing = _by_identity.get(id(layout))
    if drawing is not None and drawing.layout is layout:
        return drawing
    signature = _signature(layout)
    known = _by_signature.get(signature)
    if known is not None and known.layout == layout:
        drawing = replace(known, layout=layout)
    else:
        drawing = _draw(layout)
    with _lock:
        if len(_by_identity) >= DRAWINGS_MAX:
            _by_identity.clear()
            _by_signature.clear()
        _by_identity[id(layout)] = drawing  # the drawing keeps the layout, and its id, alive
        _by_signature[signature] = drawing
    return drawing
