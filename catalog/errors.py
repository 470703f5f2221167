"""Errors the catalog raises, whichever source is behind it."""

from bookmyshow.errors import DomainError


class CatalogError(DomainError):
    """Base of every catalog error."""


class MovieNotFound(CatalogError):
    status_code = 404
    code = "MOVIE_NOT_FOUND"
    message = "We could not find that movie."


class ShowNotFound(CatalogError):
    status_code = 404
    code = "SHOW_NOT_FOUND"
    message = "We could not find that show."


class CatalogUnavailable(CatalogError):
    """The catalog source failed: timeouts, 5xx, unreadable or incomplete answers."""

    status_code = 503
    code = "CATALOG_UNAVAILABLE"
    message = "Movie listings are unavailable right now. Please try again in a minute."
    retry_after = 30


class ShowCancelled(CatalogError):
    """The source called the show cancelled: it is listed nowhere and nothing is sold."""

    status_code = 410
    code = "SHOW_CANCELLED"
    message = "This show was cancelled."
