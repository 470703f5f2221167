"""Errors of the booking engine, with the stable codes of the API contract."""

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from bookmyshow.errors import DomainError
from catalog.domain import seat_sort_key


class BookingError(DomainError):
    """Base of every booking error."""


def _seat_list(seat_ids: Iterable[str]) -> list[str]:
    return sorted(set(seat_ids), key=seat_sort_key)


def _and_join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


class SeatUnavailable(BookingError):
    status_code = 409
    code = "SEAT_UNAVAILABLE"

    def __init__(self, seat_ids: Iterable[str]):
        self.seat_ids = _seat_list(seat_ids)
        noun = "Seat" if len(self.seat_ids) == 1 else "Seats"
        verb = "was" if len(self.seat_ids) == 1 else "were"
        super().__init__(
            f"{noun} {_and_join(self.seat_ids)} {verb} just taken by someone else.",
            details={"seatIds": self.seat_ids},
        )


class UnknownSeat(BookingError):
    status_code = 400
    code = "UNKNOWN_SEAT"

    def __init__(self, seat_ids: Iterable[str]):
        self.seat_ids = _seat_list(seat_ids)
        super().__init__(
            f"This show has no seat {_and_join(self.seat_ids)}.",
            details={"seatIds": self.seat_ids},
        )


class SeatLimitReached(BookingError):
    status_code = 409
    code = "SEAT_LIMIT_REACHED"

    def __init__(self, limit: int):
        super().__init__(
            f"You can have at most {limit} seats of one show on hold or awaiting payment.",
            details={"limit": limit},
        )


class TooManySeats(BookingError):
    status_code = 400
    code = "VALIDATION_ERROR"

    def __init__(self, limit: int):
        super().__init__(
            f"Pick between 1 and {limit} seats.",
            details={"seatIds": [f"Pick between 1 and {limit} seats."]},
        )


class DuplicateSeats(BookingError):
    status_code = 400
    code = "VALIDATION_ERROR"
    message = "Each seat can be picked only once."

    def __init__(self):
        super().__init__(details={"seatIds": [self.message]})


class SalesClosed(BookingError):
    status_code = 409
    code = "SALES_CLOSED"
    message = "Sales for this show have closed: it has already started."


class DuplicateRequest(BookingError):
    status_code = 409
    code = "DUPLICATE_REQUEST"
    message = "This request was already made."


class HoldChanged(BookingError):
    status_code = 409
    code = "HOLD_CHANGED"
    message = "Your seats changed while the order was being made. Please try again."


class HoldNotFound(BookingError):
    status_code = 404
    code = "HOLD_NOT_FOUND"
    message = "We could not find that hold."


class OrderNotFound(BookingError):
    status_code = 404
    code = "ORDER_NOT_FOUND"
    message = "We could not find that order."


class NotYours(BookingError):
    status_code = 403
    code = "FORBIDDEN"
    message = "This booking belongs to someone else."


class HoldNotActive(BookingError):
    status_code = 409
    code = "HOLD_NOT_ACTIVE"

    MESSAGES = {
        "EXPIRED": "Your hold on these seats has run out. Please pick your seats again.",
        "RELEASED": "These seats were released.",
        "CONVERTED": "An order has already been made from this hold.",
    }

    def __init__(self, status: str):
        super().__init__(
            self.MESSAGES.get(status, "This hold is no longer active."),
            details={"status": status},
        )


class OrderNotPending(BookingError):
    status_code = 409
    code = "ORDER_NOT_PENDING"

    MESSAGES = {
        "EXPIRED": "The time to pay for this order has run out. Please pick your seats again.",
        "CANCELLED": "This order was cancelled.",
        "CONFIRMED": "This order is already paid for.",
    }

    def __init__(self, status: str):
        super().__init__(
            self.MESSAGES.get(status, "This order is not waiting for payment."),
            details={"status": status},
        )


class StoreUnavailable(BookingError):
    status_code = 503
    code = "STORE_UNAVAILABLE"
    message = "Booking is briefly unavailable. Please try again in a few seconds."
    retry_after = 5


class TicketNotFound(BookingError):
    status_code = 404
    code = "TICKET_NOT_FOUND"
    message = "No ticket has this code."


class WrongShow(BookingError):
    status_code = 409
    code = "WRONG_SHOW"

    def __init__(self, booking):
        super().__init__(
            f"Ticket {booking.ticket_code} is for {booking.movie_title} at "
            f"{timezone.localtime(booking.show_start):%d %b, %I:%M %p}, not this show.",
            details={"ticketShowId": booking.show_id},
        )


class AlreadyCheckedIn(BookingError):
    status_code = 409
    code = "ALREADY_CHECKED_IN"

    def __init__(self, checked_in_at: datetime):
        super().__init__(
            f"Already used: checked in at {timezone.localtime(checked_in_at):%d %b, %I:%M:%S %p}.",
            details={"checkedInAt": timezone.localtime(checked_in_at).isoformat()},
        )
