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
    """A seat is held, pending payment, sold or blocked (details.seatIds: every one)."""

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


class OrphanSeat(BookingError):
    """The selection would leave a single free seat stranded (details.seatIds: the
    stranded seats), unless no selection of the same size in that row segment avoids it."""

    status_code = 409
    code = "ORPHAN_SEAT"

    def __init__(self, seat_ids: Iterable[str]):
        self.seat_ids = _seat_list(seat_ids)
        if len(self.seat_ids) == 1:
            message = f"This leaves {self.seat_ids[0]} on its own: add it, or move one seat."
        else:
            message = (
                f"This leaves {_and_join(self.seat_ids)} each on their own: "
                "add them, or move your seats."
            )
        super().__init__(message, details={"seatIds": self.seat_ids})


class NotEnoughSeats(BookingError):
    """Best available found fewer free seats than asked for (in the tier, if one was
    given), or none that leave no single seat alone (details.available, details.quantity)."""

    status_code = 409
    code = "NOT_ENOUGH_SEATS"

    def __init__(self, *, quantity: int, free: int, tier_name: str | None = None):
        where = f" in {tier_name}" if tier_name else ""
        if free == 0:
            message = f"No seats are left{where}."
        elif free < quantity:
            verb = "is" if free == 1 else "are"
            message = f"Only {free} seat{'s' if free != 1 else ''} {verb} left{where}."
        else:
            message = (
                f"We could not find {quantity} seats{where} that leave no single seat "
                "alone. Pick your seats on the map."
            )
        super().__init__(message, details={"quantity": quantity, "available": free})


class UnknownTier(BookingError):
    """Best available was asked for a tier the show does not have (details: field errors)."""

    status_code = 400
    code = "VALIDATION_ERROR"

    def __init__(self, tier: str, tiers: Iterable[str]):
        message = f"This show has no tier {tier}; its tiers are {', '.join(tiers)}."
        super().__init__(message, details={"tier": [message]})


class UnknownSeat(BookingError):
    """A seat id is not in the show's layout (details.seatIds)."""

    status_code = 400
    code = "UNKNOWN_SEAT"

    def __init__(self, seat_ids: Iterable[str]):
        self.seat_ids = _seat_list(seat_ids)
        super().__init__(
            f"This show has no seat {_and_join(self.seat_ids)}.",
            details={"seatIds": self.seat_ids},
        )


class SeatLimitReached(BookingError):
    """Too many seats of one show in active holds and pending orders, of one user or of
    one client address across accounts (details.limit, details.scope: user or client)."""

    status_code = 409
    code = "SEAT_LIMIT_REACHED"

    MESSAGES = {
        "user": "You can have at most {limit} seats of one show on hold or awaiting payment.",
        "client": "At most {limit} seats of one show can be on hold or awaiting payment "
        "from one network. Please finish or release other bookings first.",
    }

    def __init__(self, limit: int, scope: str = "user"):
        super().__init__(
            self.MESSAGES[scope].format(limit=limit), details={"limit": limit, "scope": scope}
        )


class TooManySeats(BookingError):
    """Fewer than 1 or more than MAX_SEATS_PER_HOLD seats (details: field errors)."""

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
    """A hold or order with this id exists already.

    Inside the engine: ``existing`` is that hold or order and ``fingerprint`` the request
    that made it, so an idempotent repeat can be told from a reuse of its key."""

    status_code = 409
    code = "DUPLICATE_REQUEST"
    message = "This request was already made."

    def __init__(self, existing: object = None, fingerprint: str = ""):
        super().__init__()
        self.existing = existing
        self.fingerprint = fingerprint


class IdempotencyKeyReused(BookingError):
    status_code = 409
    code = "IDEMPOTENCY_KEY_REUSED"
    message = "This Idempotency-Key was already used for a different request."


class PaymentInProgress(BookingError):
    status_code = 409
    code = "PAYMENT_IN_PROGRESS"
    message = "Payment for this order is being processed. Try again in a moment."


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
    """The hold is not HELD (details.status: EXPIRED, RELEASED or CONVERTED)."""

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
    """The order is not waiting for payment (details.status)."""

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
    """The booking store could not be reached or did not answer. details.outcome
    "unknown": the write may have happened; retry with the same Idempotency-Key.

    ``outcome_unknown``: a write was sent and its answer lost."""

    status_code = 503
    code = "STORE_UNAVAILABLE"
    message = "Booking is briefly unavailable. Please try again in a few seconds."
    retry_after = 5

    def __init__(self, *, outcome_unknown: bool = False):
        super().__init__(details={"outcome": "unknown"} if outcome_unknown else None)
        self.outcome_unknown = outcome_unknown


class TicketNotFound(BookingError):
    status_code = 404
    code = "TICKET_NOT_FOUND"
    message = "No ticket has this code."


class WrongShow(BookingError):
    """The ticket is for another show (details.ticketShowId)."""

    status_code = 409
    code = "WRONG_SHOW"

    def __init__(self, booking):
        super().__init__(
            f"Ticket {booking.ticket_code} is for {booking.movie_title} at "
            f"{timezone.localtime(booking.show_start):%d %b, %I:%M %p}, not this show.",
            details={"ticketShowId": booking.show_id},
        )


class AlreadyCheckedIn(BookingError):
    """The ticket was already used (details.checkedInAt)."""

    status_code = 409
    code = "ALREADY_CHECKED_IN"

    def __init__(self, checked_in_at: datetime):
        super().__init__(
            f"Already used: checked in at {timezone.localtime(checked_in_at):%d %b, %I:%M:%S %p}.",
            details={"checkedInAt": timezone.localtime(checked_in_at).isoformat()},
        )


class ScanInvalid(BookingError):
    """The scanned text is not a QR code this site issued: forged, altered or another
    code altogether."""

    status_code = 400
    code = "INVALID_SCAN"
    message = "This is not one of our tickets' QR codes (or it was altered). Type the ticket code."


class TicketCancelled(BookingError):
    """The ticket was cancelled (details.status: CANCELLED, or REFUNDED once its refund
    was paid out; details.cancelledAt)."""

    status_code = 409
    code = "TICKET_CANCELLED"

    def __init__(self, booking, status: str):
        when = timezone.localtime(booking.cancelled_at)
        state = "cancelled and refunded" if status == "REFUNDED" else "cancelled"
        super().__init__(
            f"Not valid: ticket {booking.ticket_code} was {state} on {when:%d %b, %I:%M %p}.",
            details={"status": status, "cancelledAt": when.isoformat()},
        )


class CancellationNotAvailable(BookingError):
    """The cinema offers no cancellation of paid bookings (or the order is not one that
    can be cancelled at all)."""

    status_code = 409
    code = "CANCELLATION_NOT_AVAILABLE"
    message = "This cinema does not offer cancellation: paid tickets cannot be cancelled."


class CancellationClosed(BookingError):
    """The cinema's cut-off before the show has passed (details.cutoff)."""

    status_code = 409
    code = "CANCELLATION_CLOSED"

    def __init__(self, cutoff: datetime):
        when = timezone.localtime(cutoff)
        super().__init__(
            f"Cancellation closed at {when:%I:%M %p} on {when:%d %b}, before the show.",
            details={"cutoff": when.isoformat()},
        )


class SeatsNotOnTicket(BookingError):
    """Seats to cancel that the ticket does not hold (or holds no more), or none
    (details: field errors, and the seats that can be cancelled)."""

    status_code = 400
    code = "VALIDATION_ERROR"

    def __init__(self, seat_ids: Iterable[str], valid: Iterable[str]):
        listed = _seat_list(seat_ids)
        valid_list = _seat_list(valid)
        message = (
            f"This ticket does not hold {_and_join(listed)}; it holds {', '.join(valid_list)}."
            if listed
            else "Pick the seats to cancel."
        )
        super().__init__(message, details={"seatIds": [message], "cancellable": valid_list})


class WholeOrderOnly(BookingError):
    """Some seats of an order that is not paid for: it is cancelled whole or not at all."""

    status_code = 400
    code = "VALIDATION_ERROR"
    message = "An order waiting for payment is cancelled whole: leave out seatIds."

    def __init__(self):
        super().__init__(details={"seatIds": [self.message]})


def error_from_code(code: str, detail: str = "") -> BookingError:
    """The error a store step reported as ``code`` (the API's own codes, which the Redis
    scripts use too), with its ``detail`` (seats, a status, a limit)."""
    match code:
        case SeatUnavailable.code:
            return SeatUnavailable(detail.split(","))
        case SeatLimitReached.code:
            scope, _, limit = detail.partition(":")
            return SeatLimitReached(int(limit), scope)
        case HoldNotActive.code:
            return HoldNotActive(detail)
        case OrderNotPending.code:
            return OrderNotPending(detail)
    simple = {
        error.code: error
        for error in (
            SalesClosed,
            HoldChanged,
            HoldNotFound,
            OrderNotFound,
            NotYours,
            PaymentInProgress,
        )
    }
    return simple[code]()


# The codes a store step may report, for the scripts' own constants.
STORE_CODES = (
    SeatUnavailable.code,
    SeatLimitReached.code,
    SalesClosed.code,
    HoldChanged.code,
    HoldNotFound.code,
    HoldNotActive.code,
    OrderNotFound.code,
    OrderNotPending.code,
    NotYours.code,
    PaymentInProgress.code,
    DuplicateRequest.code,
)
