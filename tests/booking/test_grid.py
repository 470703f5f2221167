"""The seat grid as drawn (booking.grid): every seat with its hooks and state, each
distinct layout drawn once."""

import re
from dataclasses import replace
from decimal import Decimal

from booking import grid
from booking.grid import CellState, seat_grid_drawing
from catalog.domain import SeatLayout, Tier
from tests.booking.hall import hall

SEAT = re.compile(
    r'<button name="tap" value="(\w+)" data-seat-id="(\w+)" data-state="(\w+)" '
    r'aria-label="([^"]+)"([^>]*)>(\d+)</button>'
)


def test_every_seat_is_drawn_with_its_id_state_and_label():
    layout = hall("B:PRIME ...|...", "A:CLASSIC ....").layout
    states = {"B2": CellState.SELECTED, "B5": CellState.YOURS, "A1": CellState.SOLD}
    html = seat_grid_drawing(layout).render(states)
    seats = {m[1]: m for m in SEAT.findall(html)}
    assert sorted(seats) == sorted(layout.seats_by_id)
    assert all(tap == seat_id for tap, seat_id, *_ in seats.values())
    assert seats["B2"][2:5] == ("selected", "B2, Prime, selected", ' aria-pressed="true"')
    assert seats["B5"][2:5] == ("yours", "B5, Prime, on hold for you", ' aria-disabled="true"')
    assert seats["A1"][2:5] == ("sold", "A1, Classic, sold", ' aria-disabled="true"')
    assert seats["A2"][2:5] == ("available", "A2, Classic, available", "")
    assert 'style="' not in html  # the Content-Security-Policy forbids style attributes


def test_rows_are_as_wide_as_the_hall_with_aisles_and_margins_as_empty_cells():
    layout = hall("B ......|......", "A ....").layout  # 13 columns; row A centred
    html = seat_grid_drawing(layout).render({})
    rows = re.findall(r'<div class="seat-row" id="row-(\w)"[^>]*>(.*?)</div>', html)
    cells = {label: re.findall(r"<button|<i>", inner) for label, inner in rows}
    assert cells["B"] == ["<button"] * 6 + ["<i>"] + ["<button"] * 6
    assert cells["A"] == ["<i>"] * 4 + ["<button"] * 4 + ["<i>"] * 5
    # A3 sits in the column of row B's aisle: a full column; and a label either side.
    assert seat_grid_drawing(layout).width == 13 + 2 * 0.6


def test_an_aisle_no_row_has_a_seat_in_is_drawn_narrow():
    layout = hall("B ...|...", "A ...|...").layout
    html = seat_grid_drawing(layout).render({})
    assert html.count('<i class="aisle"></i>') == 2
    assert "<i></i>" not in html
    assert seat_grid_drawing(layout).width == 6 + 0.5 + 2 * 0.6


def test_names_from_the_catalog_are_escaped():
    layout = hall("A:PRIME ..").layout
    layout = replace(layout, tiers=(Tier(code="PRIME", name="<b>VIP</b>", price=Decimal(1)),))
    html = seat_grid_drawing(layout).render({})
    assert "<b>VIP" not in html
    assert "A1, &lt;b&gt;VIP&lt;/b&gt;, available" in html


def test_a_layout_is_drawn_once_and_an_equal_one_reuses_the_drawing(monkeypatch):
    drawn = []
    draw = grid._draw
    monkeypatch.setattr(grid, "_draw", lambda layout: drawn.append(layout) or draw(layout))
    monkeypatch.setattr(grid, "_by_identity", {})
    monkeypatch.setattr(grid, "_by_signature", {})
    layout = hall("B ..x..|....", "A ......").layout
    first = seat_grid_drawing(layout)
    assert seat_grid_drawing(layout) is first
    # The catalog builds a new, equal layout when its cache of the show expires.
    again = SeatLayout(
        tiers=layout.tiers, rows=layout.rows, blocked_seat_ids=layout.blocked_seat_ids
    )
    assert seat_grid_drawing(again).chunks is first.chunks
    assert drawn == [layout]
    # Another price is another drawing (the tier headings show it).
    dearer = replace(layout, tiers=(replace(layout.tiers[0], price=Decimal(999)),))
    assert seat_grid_drawing(dearer).chunks is not first.chunks
    assert "₹999" in seat_grid_drawing(dearer).render({})
    assert len(drawn) == 2
