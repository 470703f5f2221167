"""A ticket as an iCalendar file (RFC 5545): "Add to calendar" and the e-mail's .ics."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from booking.models import Booking

# When the film's running time is not known (the e-mail is written inside the sale's
# transaction, where the catalog is not asked), most shows with trailers end within this.
DEFAULT_LENGTH = timedelta(hours=3)
TRAILERS = timedelta(minutes=20)  # before the film: the show runs this much longer


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded (a CRLF and a space), never inside a
    character."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            out.append(current)
            current = " "
        current += char
    out.append(current)
    return "\r\n".join(out)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def ticket_ics(booking: Booking, *, address: str = "", running_mins: int | None = None) -> str:
    """One event: the show, at the cinema (with ``address`` when known), its seats and
    ticket code, as long as the film and its trailers (``running_mins``, when known);
    CANCELLED once the booking is."""
    start = booking.show_start
    length = timedelta(minutes=running_mins) + TRAILERS if running_mins else DEFAULT_LENGTH
    seats = ", ".join(booking.active_seat_ids or booking.seat_ids)
    where = ", ".join(part for part in (booking.theatre_name, booking.screen_name, address) if part)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//BookMyShow//Tickets//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{booking.pk}@bookmyshow",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(start)}",
        f"DTEND:{_utc(start + length)}",
        f"SUMMARY:{_escape(booking.movie_title)}",
        f"LOCATION:{_escape(where)}",
        "DESCRIPTION:" + _escape(f"Ticket {booking.ticket_code}\nSeats {seats}"),
        f"STATUS:{'CANCELLED' if booking.is_cancelled else 'CONFIRMED'}",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "DESCRIPTION:" + _escape(f"{booking.movie_title} starts in an hour"),
        "TRIGGER:-PT1H",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
