"""The booking's e-mail: the ticket once paid, the refund once cancelled. Each is queued
in the transaction that makes what it tells of (``bookmyshow.mail``), so it goes out
after the commit, once, and never for a sale that was rolled back."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from booking.calendar import ticket_ics
from booking.models import Booking, Refund
from booking.tickets import ticket_qr_png
from bookmyshow.mail import Attachment, Mail, mail_queue

logger = logging.getLogger(__name__)

QR_CID = "ticket-qr@bookmyshow"


def _never_in_the_way(queue: Callable[[], None], what: str) -> None:
    """Queue a message without putting what it tells of at risk: a failure to render or
    write it (in a savepoint of its own) is logged, and the sale or cancellation stands."""
    try:
        with transaction.atomic():
            queue()
    except Exception:
        logger.exception("Could not queue the e-mail for %s", what)


def _ticket_url(booking: Booking) -> str:
    return settings.SITE_URL + reverse("booking:order-detail", args=[booking.pk])


def booking_confirmation_queue(booking: Booking) -> None:
    """The ticket: code, show, seats, amount, the QR code inline and an .ics file."""
    _never_in_the_way(lambda: _booking_confirmation(booking), f"sale {booking.pk}")


def _booking_confirmation(booking: Booking) -> None:
    context = {"booking": booking, "ticket_url": _ticket_url(booking), "qr_cid": QR_CID}
    mail_queue(
        Mail(
            to=booking.customer_email,
            subject=f"Your ticket {booking.ticket_code}: {booking.movie_title}",
            body=render_to_string("booking/email/booking_confirmed.txt", context),
            html=render_to_string("booking/email/booking_confirmed.html", context),
            attachments=(
                Attachment(
                    "ticket-qr.png", "image/png", ticket_qr_png(booking.ticket_code), QR_CID
                ),
                Attachment(
                    f"{booking.ticket_code}.ics", "text/calendar", ticket_ics(booking).encode()
                ),
            ),
        ),
        key=f"booking-confirmed:{booking.pk}",
    )


def cancellation_confirmation_queue(booking: Booking, refund: Refund) -> None:
    """What was cancelled and what comes back."""
    _never_in_the_way(lambda: _cancellation_confirmation(booking, refund), f"refund {refund.pk}")


def _cancellation_confirmation(booking: Booking, refund: Refund) -> None:
    context = {"booking": booking, "refund": refund, "ticket_url": _ticket_url(booking)}
    mail_queue(
        Mail(
            to=booking.customer_email,
            subject=f"Cancelled: {', '.join(refund.seat_ids)} of {booking.ticket_code}",
            body=render_to_string("booking/email/booking_cancelled.txt", context),
            html=render_to_string("booking/email/booking_cancelled.html", context),
        ),
        key=f"booking-cancelled:{refund.pk}",
    )
