"""The seat picker as one customer sees it at one moment: the seat map, their own seats,
what they picked and what the box office's rules say about it.

A read: nothing here changes bookings. The picker's state travels with each request (the
seats picked, the seats taken from them, how many seats they want), so every request,
from a tap, a refresh or a form without JavaScript, is answered from the request alone.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings

from booking import picking, selectors
from booking.errors import NotEnoughSeats, OrphanSeat, SeatUnavailable
from booking.grid import CellState
from booking.models import Booking
from booking.pricing import Price, price_seats
from booking.selectors import LiveBooking, SeatMap
from catalog.domain import Show, seat_sort_key


@dataclass(frozen=True, slots=True)
class PickerRequest:
    """What the customer has and asks for."""

    selected: Sequence[str]  # the seats picked so far
    quantity: int  # how many seats they want
    gone: Sequence[str] = ()  # picked seats taken by others, still to be named
    tap: str | None = None  # a seat tapped
    best: bool = False  # "Best available"


@dataclass(frozen=True)
class SeatPicker:
    seat_map: SeatMap
    quantity: int
    selected: tuple[str, ...]
    gone: tuple[str, ...]  # seats they had picked that someone else took
    yours: frozenset[str]  # seats in their own live holds and pending orders
    live_bookings: tuple[LiveBooking, ...]
    booked: tuple[Booking, ...]  # their paid bookings of the show
    notice: str = ""  # what best available has to say

    @property
    def show(self) -> Show:
        return self.seat_map.show

    @property
    def on_sale(self) -> bool:
        return self.seat_map.on_sale

    @cached_property
    def sold_out(self) -> bool:
        return len(self.seat_map.states) >= self.show.layout.capacity

    @property
    def read_only(self) -> bool:
        return not self.on_sale or self.sold_out

    @cached_property
    def stranded(self) -> tuple[str, ...]:
        """The seats the selection would leave alone (the no-single-seat rule)."""
        if not settings.ORPHAN_SEAT_RULE or not self.selected:
            return ()
        taken = frozenset(self.seat_map.states)
        return tuple(picking.stranded_seats(self.show.layout, taken, self.selected))

    @property
    def gone_message(self) -> str:
        return f"{SeatUnavailable(self.gone).message} Pick another." if self.gone else ""

    @property
    def stranded_message(self) -> str:
        return OrphanSeat(self.stranded).message if self.stranded else ""

    @property
    def too_many(self) -> int:
        """How many seats over the limit of one hold the selection is."""
        return max(0, len(self.selected) - settings.MAX_SEATS_PER_HOLD)

    @property
    def missing(self) -> int:
        """How many more seats the customer said they want."""
        return max(0, self.quantity - len(self.selected))

    @property
    def can_proceed(self) -> bool:
        return bool(self.selected) and not (self.too_many or self.stranded or self.read_only)

    @cached_property
    def price(self) -> Price:
        return price_seats(self.show.layout, self.selected)

    @cached_property
    def cell_states(self) -> dict[str, CellState]:
        """Every seat that is not plainly available, as the map draws it."""
        states = {
            seat_id: CellState(state.value) for seat_id, state in self.seat_map.states.items()
        }
        states.update(dict.fromkeys(self.yours, CellState.YOURS))
        states.update(dict.fromkeys(self.selected, CellState.SELECTED))
        return states


def seat_picker_get(*, show_id: str, user_id: int | None, request: PickerRequest) -> SeatPicker:
    """The picker after ``request``: picked seats someone else took are let go (and
    named; seats the customer holds or bought are let go quietly); a tap or Best
    available changes the selection, within the sales window.
    Raises ``ShowNotFound``, ``CatalogUnavailable``, ``StoreUnavailable``."""
    seat_map = selectors.seat_map_get(show_id=show_id)
    layout = seat_map.show.layout
    live: tuple[LiveBooking, ...] = ()
    booked: tuple[Booking, ...] = ()
    if user_id:
        live = tuple(selectors.bookings_live(user_id=user_id, show_id=show_id))
        booked = tuple(selectors.bookings_of_show(user_id=user_id, show_id=seat_map.show.show_id))
    yours = frozenset(seat for booking in live for seat in booking.seat_ids)
    theirs = yours | {seat for booking in booked for seat in booking.active_seat_ids}
    taken = frozenset(seat_map.states)
    picked = [s for s in dict.fromkeys(request.selected) if s in layout.seats_by_id]
    named = [*request.gone, *picked]
    gone = [s for s in dict.fromkeys(named) if s in taken and s not in theirs]
    selected = tuple(sorted((s for s in picked if s not in taken), key=seat_sort_key))
    notice = ""
    if not seat_map.on_sale:
        selected = ()
    elif request.tap is not None:
        selected = picking.tap_selection(layout, taken, selected, request.tap, request.quantity)
    elif request.best:
        try:
            pick = picking.best_available(
                layout, taken, request.quantity, orphan_rule=settings.ORPHAN_SEAT_RULE
            )
        except NotEnoughSeats as refused:
            notice = refused.message
        else:
            selected = pick.seat_ids
            if not pick.together:
                notice = f"No {request.quantity} seats together: these are the best apart."
    return SeatPicker(
        seat_map=seat_map,
        quantity=request.quantity,
        selected=selected,
        gone=tuple(sorted(gone, key=seat_sort_key)),
        yours=yours,
        live_bookings=live,
        booked=booked,
        notice=notice,
    )
