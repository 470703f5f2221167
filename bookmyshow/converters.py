"""Path converters every app's URLs use: canonical ids and ISO dates."""

from datetime import date

from bookmyshow.ids import UUID_PATTERN

# The days a booking can name: far wider than any listing, far from the calendar's end
# (a day's end is the next day's start, which 9999-12-31 does not have).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)


class IdConverter:
    """``<id:name>``: a UUID in any letter case, given to the view in canonical form.
    Anything else does not match, so the URL is a 404."""

    regex = UUID_PATTERN

    def to_python(self, value: str) -> str:
        return value.lower()

    def to_url(self, value: object) -> str:
        return str(value).lower()


class IsoDateConverter:
    """``<isodate:name>``: ``YYYY-MM-DD`` as a ``date``; an impossible date is a 404."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise ValueError(value) from None
        if not FIRST_DAY <= day <= LAST_DAY:
            raise ValueError(value)
        return day

    def to_url(self, value: date) -> str:
        return value.isoformat()
