"""Text that people type: validated for length and control characters before it is used.

PostgreSQL refuses a NUL byte in text (a 500 if it gets that far), and other control
characters have no business in a name, an e-mail address or a key. Every text input is
checked here first, so a bad one is a clear validation error instead.
"""

import re

from django.core.exceptions import ValidationError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TOKEN = re.compile(r"[\x21-\x7e]+")  # printable ASCII, no spaces

TOKEN_MAX_LENGTH = 255


def no_control_characters(value: str) -> None:
    """A Django validator: refuses NUL and other control characters (tab and line breaks
    are allowed; single-line fields refuse them through their own widgets and lengths)."""
    if _CONTROL.search(value):
        raise ValidationError("Remove the control characters from this text.", code="control")


def is_token(value: object) -> bool:
    """Whether ``value`` can be a client-chosen key (an idempotency key, a form token):
    1 to 255 printable ASCII characters without spaces."""
    return (
        isinstance(value, str) and len(value) <= TOKEN_MAX_LENGTH and bool(_TOKEN.fullmatch(value))
    )
