"""What a ticket's QR code says: one compact, signed string the door's scanner checks in
as is.

``BMS-7K2QX9.MFRGG43FMZXW`` is the ticket code, a dot, and the first 12 characters of the
base-32 HMAC-SHA256 of the code under ``settings.TICKET_SIGNING_KEY`` (60 bits: guessing
one takes about 10^18 tries, and every try is a request to the door). Every character is
in the QR code's alphanumeric set, so the 23 characters fit the smallest codes (version
1 at error correction M holds 20, version 2 holds 38). The code alone names the booking;
the MAC proves this site issued it, so a code typed into a QR generator, or a scan with a
character changed, is refused before the database is asked.
"""

import base64
import hmac
import io

import segno
from django.conf import settings
from django.utils.crypto import salted_hmac

from booking.errors import ScanInvalid

MAC_CHARS = 12
SEPARATOR = "."
SALT = "booking.tickets.scan"
SCAN_MAX_LENGTH = 64  # what the API and the door's form accept before reading it


def _mac(ticket_code: str) -> str:
    digest = salted_hmac(
        SALT, ticket_code, secret=settings.TICKET_SIGNING_KEY, algorithm="sha256"
    ).digest()
    return base64.b32encode(digest).decode()[:MAC_CHARS]


def ticket_scan_text(ticket_code: str) -> str:
    """The text of the ticket's QR code."""
    return f"{ticket_code}{SEPARATOR}{_mac(ticket_code)}"


def ticket_code_from_scan(text: str) -> str:
    """The ticket code a QR code's text carries, once its signature is checked. Scanners
    that type into a field may change letter case or add spaces: both are forgiven.

    Raises ``ScanInvalid`` for text this site did not sign (forged, altered, another QR)."""
    cleaned = text.strip().upper()
    code, separator, mac = cleaned.rpartition(SEPARATOR)
    if (
        not separator
        or len(cleaned) > SCAN_MAX_LENGTH
        or not code.isascii()
        or not code.isprintable()
        or not hmac.compare_digest(mac.encode(), _mac(code).encode())
    ):
        raise ScanInvalid()
    return code


def ticket_qr_svg(ticket_code: str) -> str:
    """The ticket's QR code as inline SVG (error correction M: a scuffed print reads)."""
    return segno.make(ticket_scan_text(ticket_code), error="m").svg_inline(
        scale=5, dark="#222", border=4
    )


def ticket_qr_png(ticket_code: str) -> bytes:
    """The same QR code as a PNG (for e-mail, where SVG is not shown)."""
    out = io.BytesIO()
    segno.make(ticket_scan_text(ticket_code), error="m").save(out, kind="png", scale=6, border=4)
    return out.getvalue()
