"""The box office's rules, as pure functions: no single stranded seat, a tap's block,
best available (booking.picking)."""

import pytest

from booking.errors import NotEnoughSeats
from booking.picking import (
    Pick,
    best_available,
    seats_together,
    stranded_seats,
    tap_block,
    tap_selection,
)
from tests.booking.hall import hall


def imax(**marks: str):
    """The demo's 612-seat IMAX hall (seed_demo): recliners X-V (14 seats, an aisle after
    7), Prime U-J and Classic H-A (30 seats, aisles after 6 and 24); P15, P16, A1 and A30
    blocked. ``marks`` replace whole rows (``P="......|..."``)."""
    recliner = ".......|......."
    wide = "......|..................|......"
    rows = (
        [f"{r}:RECLINER {marks.get(r, recliner)}" for r in "XWV"]
        + [f"{r}:PRIME {marks.get(r, wide)}" for r in "UTSRQ"]
        + [f"P:PRIME {marks.get('P', '......|........##........|......')}"]
        + [f"{r}:PRIME {marks.get(r, wide)}" for r in "NMLKJ"]
        + [f"{r}:CLASSIC {marks.get(r, wide)}" for r in "HGFEDCB"]
        + [f"A:CLASSIC {marks.get('A', '#.....|..................|.....#')}"]
    )
    return hall(*rows)


# -- the no-single-seat rule ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "selection", "stranded"),
    [
        ("A .....", ["A1", "A2", "A3"], []),  # two left together
        ("A .....", ["A2", "A3"], ["A1"]),  # alone against the wall
        ("A x....", ["A3"], ["A2"]),  # alone between a taken seat and the selection
        ("A ......|...", ["A3", "A4", "A5"], ["A6"]),  # alone against an aisle
        ("A ...|......", ["A6", "A7", "A8"], ["A9"]),  # the other side of the aisle: the wall
        ("A ...|...", ["A1", "A2"], []),  # any two of three strand the third: allowed
        ("A .....", ["A1", "A3"], ["A2"]),  # between two selected seats
        ("A ..#....", ["A5"], ["A4"]),  # a blocked seat is not free
        ("A .x....", ["A3", "A4"], []),  # A1 was alone already: not this selection's doing
        ("A x...x..x", ["A2", "A3"], ["A4"]),  # A6, A7 would fit two without a gap
        ("A x...x|..", ["A2", "A3"], []),  # ...but not across an aisle: every pair strands
        ("A xx...xx", ["A3", "A4"], []),  # the last three: every pair leaves one
        ("A xx...xx", ["A4"], ["A3", "A5"]),  # one seat at either end strands nothing
        ("A xxxx..xxx", ["A5"], []),  # the last two seats of the row: one may go alone
        ("A ....x.", ["A1", "A2", "A3"], ["A4"]),  # 2 + A6 would do it, in the same segment
        ("A ....|x.", ["A1", "A2", "A3"], []),  # A6 is in another segment
        ("A .....", ["A2", "A3", "A7"], ["A1"]),  # not a seat here: nothing to strand
    ],
)
def test_stranded_seats(row, selection, stranded):
    seats = hall(row)
    assert stranded_seats(seats.layout, seats.taken, selection) == stranded


def test_a_selection_across_rows_and_segments_names_every_stranded_seat():
    seats = hall("B .....|.....", "A .....")
    selection = ["B2", "B3", "B4", "B7", "B8", "A4"]
    assert stranded_seats(seats.layout, seats.taken, selection) == ["A5", "B1", "B5", "B6"]


def test_selected_seats_already_taken_are_left_to_the_store():
    seats = hall("A .x...")
    assert stranded_seats(seats.layout, seats.taken, ["A2", "A3"]) == []


@pytest.mark.parametrize("tier", ["RECLINER", "PRIME", "CLASSIC"])
def test_the_rule_holds_in_every_tier_of_the_big_hall(tier):
    seats = imax()
    row = next(row for row in seats.layout.rows if row.tier == tier)
    # The second and third seats of the row's first segment leave its first seat alone.
    first, second, third = (seat.seat_id for seat in row.seats[:3])
    assert stranded_seats(seats.layout, seats.taken, [second, third]) == [first]
    assert stranded_seats(seats.layout, seats.taken, [first, second]) == []


# -- a tap ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "seat_id", "quantity", "block"),
    [
        ("A ......", "A3", 3, ("A3", "A4", "A5")),  # from the tapped seat to the right
        ("A ....|...", "A3", 3, ("A2", "A3", "A4")),  # an aisle: then to the left
        ("A ..x...", "A1", 3, ("A1", "A2")),  # as far as free seats go
        ("A ......", "A6", 2, ("A5", "A6")),  # the wall
        ("A ..x...", "A3", 2, ()),  # a taken seat starts nothing
    ],
)
def test_tap_block(row, seat_id, quantity, block):
    seats = hall(row)
    assert tap_block(seats.layout, seats.taken, seat_id, quantity) == block


def test_a_tap_picks_the_seats_still_wanted_and_a_full_selection_starts_again():
    seats = hall("B ........", "A ........")
    layout, taken = seats.layout, seats.taken
    assert tap_selection(layout, taken, (), "B2", 3) == ("B2", "B3", "B4")
    # Full: a tap elsewhere starts a new block.
    assert tap_selection(layout, taken, ("B2", "B3", "B4"), "A6", 3) == ("A6", "A7", "A8")
    # A tap on a selected seat lets it go; the next tap adds what is missing.
    assert tap_selection(layout, taken, ("B2", "B3", "B4"), "B3", 3) == ("B2", "B4")
    assert tap_selection(layout, taken, ("B2", "B4"), "A1", 3) == ("A1", "B2", "B4")


def test_a_tap_on_a_taken_or_unknown_seat_changes_nothing():
    seats = hall("A ..x...")
    assert tap_selection(seats.layout, seats.taken, ("A1",), "A3", 2) == ("A1",)
    assert tap_selection(seats.layout, seats.taken, ("A1",), "Z9", 2) == ("A1",)


# -- best available -------------------------------------------------------------------------


def test_best_available_is_two_thirds_back_in_the_middle():
    seats = hall(*(f"{row} .........." for row in "GFEDCBA"))  # G at the back
    # Seven rows: the sweet spot is row E, two rows from the back; seats 5-6 are central.
    assert best_available(seats.layout, seats.taken, 2) == Pick(("E5", "E6"), together=True)
    assert best_available(seats.layout, seats.taken, 3).seat_ids == ("E4", "E5", "E6")


def test_best_available_in_the_big_hall_and_per_tier():
    seats = imax()
    assert best_available(seats.layout, seats.taken, 4).seat_ids == ("Q14", "Q15", "Q16", "Q17")
    # The sweet spot is in Prime: asking for Prime changes nothing.
    assert best_available(seats.layout, seats.taken, 4, tier="PRIME").seat_ids == (
        "Q14",
        "Q15",
        "Q16",
        "Q17",
    )
    # The recliners are at the back: the front one, V, right of its aisle (nearer the
    # middle of the hall than the left half, as the map centres the narrow rows).
    assert best_available(seats.layout, seats.taken, 2, tier="RECLINER").seat_ids == (
        "V8",
        "V9",
    )
    assert best_available(seats.layout, seats.taken, 2, tier="CLASSIC").seat_ids == (
        "H15",
        "H16",
    )


def test_best_available_goes_around_sold_and_blocked_seats_and_never_across_an_aisle():
    seats = imax(Q="......|........x.........|......")  # Q15 sold
    # Q16-Q19 is the best block left in the sweet-spot row (Q11-Q14 is a column further
    # from the middle).
    assert best_available(seats.layout, seats.taken, 4).seat_ids == ("Q16", "Q17", "Q18", "Q19")
    # Q15-Q16 blocked like P's: the middle of row R (one row off) beats either side.
    seats = imax(Q="......|........##........|......")
    assert best_available(seats.layout, seats.taken, 4).seat_ids == ("R14", "R15", "R16", "R17")
    # The middle of this row is an aisle: two seats on one side of it, never across.
    seats = hall("A ....|....")
    assert best_available(seats.layout, seats.taken, 2) == Pick(("A3", "A4"), together=True)


def test_best_available_never_strands_a_seat_when_it_can_avoid_it():
    # Row E's middle block, E5-E6, would leave E4 alone (E3 sold); E4-E5 and E6-E7 are
    # as far from the middle, and the left one goes first.
    rows = dict.fromkeys("GFEDCBA", "..........") | {"E": "..x......."}
    seats = hall(*(f"{row} {marks}" for row, marks in rows.items()))
    assert stranded_seats(seats.layout, seats.taken, ["E5", "E6"]) == ["E4"]
    assert best_available(seats.layout, seats.taken, 2) == Pick(("E4", "E5"), together=True)


def test_the_last_seats_go_together_even_if_one_is_left():
    seats = hall("A xx...xxx")  # every pair of the last three leaves one
    assert best_available(seats.layout, seats.taken, 2) == Pick(("A4", "A5"), together=True)


def test_without_a_block_best_available_splits_and_says_so():
    seats = hall("A ...x...x...")
    assert best_available(seats.layout, seats.taken, 4) == Pick(
        ("A3", "A5", "A6", "A7"), together=False
    )


def test_a_block_that_strands_a_seat_is_split_unless_the_rule_is_off():
    seats = hall("A ....x.")
    assert best_available(seats.layout, seats.taken, 3) == Pick(("A3", "A4", "A6"), together=False)
    assert best_available(seats.layout, seats.taken, 3, orphan_rule=False) == Pick(
        ("A2", "A3", "A4"), together=True
    )


@pytest.mark.parametrize(
    ("quantity", "tier", "message"),
    [
        (3, None, "Only 2 seats are left."),
        (1, "PRIME", "No seats are left in Prime."),
    ],
)
def test_not_enough_seats(quantity, tier, message):
    seats = hall("B:PRIME xxx", "A:CLASSIC ..x")
    with pytest.raises(NotEnoughSeats) as refused:
        best_available(seats.layout, seats.taken, quantity, tier=tier)
    assert refused.value.message == message
    assert refused.value.code == "NOT_ENOUGH_SEATS"


def test_best_available_is_deterministic():
    seats = imax(Q="x" * 6 + "|" + ".x" * 9 + "|" + "x" * 6)
    picks = {best_available(seats.layout, seats.taken, 5) for _ in range(5)}
    assert len(picks) == 1


def test_seats_together():
    layout = hall("B ...|...", "A ......").layout
    assert seats_together(layout, ["A2", "A3", "A4"])
    assert seats_together(layout, ["A4", "A2", "A3"])
    assert not seats_together(layout, ["A2", "A4"])
    assert not seats_together(layout, ["B3", "B4"])  # across the aisle
    assert not seats_together(layout, ["A1", "B1"])
    assert not seats_together(layout, [])
