"""Choosing seats as a box office does: pure functions over a show's seat layout and the
seats already ``taken`` (held by anyone, the customer's own holds included, sold or
blocked). No store, no database, no clock: the services, the API, the hold form and the
seat picker all call these, so each rule has one home.

- ``stranded_seats``: the no-single-seat rule (``ORPHAN_SEAT``), and
  ``stranded_by_release`` for seats a partial cancellation gives back;
- ``tap_selection``: what a tap on the map selects for a customer who wants N seats;
- ``best_available``: the best block of N seats, or the best split when there is none;
- ``seats_together``: whether seats form one block.

A *segment* is a run of seats in one row with no aisle between them; its ends are an
aisle or the wall. The map draws the screen in front of the last row of the layout.
"""

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from math import hypot

from booking.errors import NotEnoughSeats
from catalog.domain import SeatLayout, SeatRow, Segment, seat_sort_key

# The sweet spot is about two-thirds of the way back from the screen, in the middle.
SWEET_SPOT_DEPTH = 2 / 3
# A column off the middle costs half as much as a row off the sweet spot.
COLUMN_WEIGHT = 0.5


def row_offset(layout: SeatLayout, row: SeatRow) -> int:
    """Columns a row is moved right to centre it in the hall, as the map draws it."""
    last = row.seats[-1].column if row.seats else 0
    return (layout.width - last) // 2


def _run_lengths(free: Sequence[bool]) -> list[int]:
    """For each position, the length of the run of free positions it is in (0 if taken)."""
    lengths = [0] * len(free)
    start = 0
    while start < len(free):
        if not free[start]:
            start += 1
            continue
        end = start
        while end < len(free) and free[end]:
            end += 1
        lengths[start:end] = [end - start] * (end - start)
        start = end
    return lengths


def _runs(free: Sequence[bool]) -> list[int]:
    """The lengths of the runs of free positions, left to right."""
    lengths = _run_lengths(free)
    return [length for i, length in enumerate(lengths) if length and (i == 0 or not free[i - 1])]


def _strand_free_counts(run: int) -> set[int]:
    """How many seats of a free run of ``run`` seats can be taken without leaving one of
    them alone: all, none, or any number that leaves two or more (taken from one end)."""
    if run == 1:
        return {0, 1}
    return {*range(run - 1), run}


def _avoidable(runs: Sequence[int], count: int) -> bool:
    """Whether ``count`` seats can be picked from free runs of these lengths (one
    segment) without leaving a free seat alone that was not alone before."""
    reachable = {0}
    for run in runs:
        reachable = {
            total + taken
            for total in reachable
            for taken in _strand_free_counts(run)
            if total + taken <= count
        }
    return count in reachable


def segments_with(layout: SeatLayout, seat_ids: Collection[str]) -> Iterator[Segment]:
    """The segments that hold any of ``seat_ids``, each once: all the rule needs to look
    at."""
    segments = (layout.segment_of.get(seat_id) for seat_id in seat_ids)
    yield from dict.fromkeys(segment for segment in segments if segment is not None)


def stranded_seats(
    layout: SeatLayout, taken: Collection[str], selection: Collection[str]
) -> list[str]:
    """The free seats that ``selection`` would leave alone: a free seat between two
    unavailable seats, or between an unavailable seat and the end of its segment, that
    had a free neighbour before. A segment where every selection of the same size leaves
    a seat alone is exempt (the box office's rule when nothing else fits). Seats of
    ``selection`` that are taken already are ignored (the store refuses them)."""
    chosen = {seat_id for seat_id in selection if seat_id not in taken}
    stranded: list[str] = []
    for segment in segments_with(layout, chosen):
        free_before = [seat.seat_id not in taken for seat in segment]
        free_after = [
            free and seat.seat_id not in chosen
            for free, seat in zip(free_before, segment, strict=True)
        ]
        before, after = _run_lengths(free_before), _run_lengths(free_after)
        alone = [
            seat.seat_id
            for seat, was, now in zip(segment, before, after, strict=True)
            if now == 1 and was > 1
        ]
        picked_here = sum(seat.seat_id in chosen for seat in segment)
        if alone and _avoidable(_runs(free_before), picked_here):
            stranded.extend(alone)
    return sorted(stranded, key=seat_sort_key)


def stranded_by_release(
    layout: SeatLayout, taken: Collection[str], released: Collection[str]
) -> list[str]:
    """The seats of ``released`` (taken now, given back by a partial cancellation) that
    would be free and alone: between two unavailable seats, or between one and the end
    of their segment. Giving seats back only joins free runs, so no other seat can be
    left alone by it."""
    freed = set(released)
    still_taken = set(taken) - freed
    alone: list[str] = []
    for segment in segments_with(layout, freed):
        runs = _run_lengths([seat.seat_id not in still_taken for seat in segment])
        alone.extend(
            seat.seat_id
            for seat, run in zip(segment, runs, strict=True)
            if run == 1 and seat.seat_id in freed
        )
    return sorted(alone, key=seat_sort_key)


def tap_block(
    layout: SeatLayout, taken: Collection[str], seat_id: str, quantity: int
) -> tuple[str, ...]:
    """Up to ``quantity`` adjacent free seats starting at ``seat_id``: towards the right
    within its segment, then towards the left, as far as free seats go. Empty when the
    seat is taken."""
    if seat_id in taken or quantity < 1:
        return ()
    segment = [seat.seat_id for seat in layout.segment_of[seat_id]]
    start = end = segment.index(seat_id)
    while end - start + 1 < quantity and end + 1 < len(segment) and segment[end + 1] not in taken:
        end += 1
    while end - start + 1 < quantity and start > 0 and segment[start - 1] not in taken:
        start -= 1
    return tuple(segment[start : end + 1])


def tap_selection(
    layout: SeatLayout,
    taken: Collection[str],
    selected: Sequence[str],
    seat_id: str,
    quantity: int,
) -> tuple[str, ...]:
    """The selection after a tap on ``seat_id`` by a customer who wants ``quantity``
    seats: a selected seat is let go; a free seat starts a block of the seats still
    wanted (``tap_block``), or, when the selection is full, a new block of ``quantity``;
    a taken seat changes nothing."""
    if seat_id in selected:
        return tuple(s for s in selected if s != seat_id)
    if seat_id in taken or seat_id not in layout.seats_by_id:
        return tuple(selected)
    kept = tuple(selected) if len(selected) < quantity else ()
    block = tap_block(layout, {*taken, *kept}, seat_id, quantity - len(kept))
    return tuple(sorted({*kept, *block}, key=seat_sort_key))


@dataclass(frozen=True, slots=True)
class Pick:
    seat_ids: tuple[str, ...]
    together: bool  # one block in one row; False: the best split


@dataclass(frozen=True, slots=True)
class _Block:
    seat_ids: tuple[str, ...]
    rank: tuple[float, float, int, int]  # lower is better


def _blocks(
    layout: SeatLayout, taken: Collection[str], size: int, tier: str | None
) -> Iterator[_Block]:
    """Every run of ``size`` adjacent free seats (in ``tier``, if given), ranked by how
    far it is from the sweet spot; ties go to the row nearer the screen's middle depth,
    then to the row further back, then to the left."""
    depth = len(layout.rows)
    ideal_row = (depth - 1) * (1 - SWEET_SPOT_DEPTH)  # rows are listed back to front
    middle = (layout.width + 1) / 2
    for index, row in enumerate(layout.rows):
        if tier is not None and row.tier != tier:
            continue
        offset = row_offset(layout, row)
        row_off = abs(index - ideal_row)
        for segment in row.segments():
            for start in range(len(segment) - size + 1):
                seats = segment[start : start + size]
                if any(seat.seat_id in taken for seat in seats):
                    continue
                centre = offset + (seats[0].column + seats[-1].column) / 2
                yield _Block(
                    seat_ids=tuple(seat.seat_id for seat in seats),
                    rank=(
                        hypot(row_off, abs(centre - middle) * COLUMN_WEIGHT),
                        row_off,
                        index,
                        offset + seats[0].column,
                    ),
                )


def _best_block(
    layout: SeatLayout,
    taken: Collection[str],
    chosen: tuple[str, ...],
    size: int,
    tier: str | None,
    orphan_rule: bool,
) -> tuple[str, ...] | None:
    """The best block of ``size`` seats to add to ``chosen``; with the orphan rule, only
    blocks that together with ``chosen`` strand no seat; without it, those come first."""
    stranding: tuple[str, ...] | None = None
    for block in sorted(_blocks(layout, {*taken, *chosen}, size, tier), key=_rank):
        if not stranded_seats(layout, taken, (*chosen, *block.seat_ids)):
            return block.seat_ids
        stranding = stranding or block.seat_ids
    return None if orphan_rule else stranding


def _rank(block: _Block) -> tuple[float, float, int, int]:
    return block.rank


def best_available(
    layout: SeatLayout,
    taken: Collection[str],
    quantity: int,
    *,
    tier: str | None = None,
    orphan_rule: bool = True,
) -> Pick:
    """The best ``quantity`` free seats (of ``tier``, if given): the block nearest the
    sweet spot (about two-thirds back from the screen, in the middle) that strands no
    single seat; when there is no such block, the best split: the largest such block,
    then the largest for the rest, and so on. Deterministic: the same map gives the same
    seats. Raises ``NotEnoughSeats``."""
    free = sum(
        seat.seat_id not in taken
        for row in layout.rows
        if tier is None or row.tier == tier
        for seat in row.seats
    )
    tier_name = layout.tier(tier).name if tier is not None else None
    if free < quantity:
        raise NotEnoughSeats(quantity=quantity, free=free, tier_name=tier_name)
    chosen: tuple[str, ...] = ()
    size = quantity
    while len(chosen) < quantity:
        size = min(size, quantity - len(chosen))
        block = _best_block(layout, taken, chosen, size, tier, orphan_rule)
        if block is not None:
            chosen = (*chosen, *block)
        elif size > 1:
            size -= 1
        else:
            raise NotEnoughSeats(quantity=quantity, free=free, tier_name=tier_name)
    seat_ids = tuple(sorted(chosen, key=seat_sort_key))
    return Pick(seat_ids=seat_ids, together=seats_together(layout, seat_ids))


def seats_together(layout: SeatLayout, seat_ids: Collection[str]) -> bool:
    """Whether the seats are one block: adjacent, in one segment of one row."""
    if not seat_ids or any(s not in layout.seats_by_id for s in seat_ids):
        return False
    segment = [seat.seat_id for seat in layout.segment_of[next(iter(seat_ids))]]
    positions = sorted(segment.index(s) if s in segment else -1 for s in seat_ids)
    return positions[0] >= 0 and positions == list(range(positions[0], positions[-1] + 1))
