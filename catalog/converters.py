from datetime import date


class IsoDateConverter:
    """``YYYY-MM-DD`` in a URL, as a ``date``; an impossible date does not match (404)."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(value) from None

    def to_url(self, value: date) -> str:
        return value.isoformat()
