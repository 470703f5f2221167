"""The base of every domain error, and the one place that turns errors into HTML pages.

Services raise subclasses of :class:`DomainError`; they carry an HTTP status and a stable
code but import nothing from HTTP. The JSON API renders them in ``api_errors``; every
other request (full pages and htmx swaps) is rendered here. A database that cannot be
reached is a domain error too (:class:`DatabaseUnavailable`, a 503), wherever it surfaces.
"""

import logging
import sys
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)


class DomainError(Exception):
    """An expected failure with a stable ``code`` that clients and pages switch on."""

    status_code: int = 400
    code: str = "BAD_REQUEST"
    message: str = "The request could not be completed."
    retry_after: int | None = None

    def __init__(self, message: str | None = None, *, details: dict[str, Any] | None = None):
        self.message = message or self.message
        self.details = details or {}
        super().__init__(self.message)


class DatabaseUnavailable(DomainError):
    status_code = 503
    code = "DATABASE_UNAVAILABLE"
    message = "We can't reach our records right now. Please try again in a few seconds."
    retry_after = 5


class PayloadTooLarge(DomainError):
    status_code = 413
    code = "PAYLOAD_TOO_LARGE"
    message = "That request is too large."


def as_domain_error(exc: BaseException | None) -> DomainError | None:
    """The domain error an exception stands for: itself, a database that cannot be
    reached (connection refused, dropped or timed out), or None for anything else."""
    if isinstance(exc, DomainError):
        return exc
    if isinstance(exc, OperationalError | InterfaceError):
        logger.warning("Database unavailable: %s", exc)
        return DatabaseUnavailable()
    return None


def is_api_path(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def error_envelope(code: str, message: str, details: dict[str, Any] | None = None) -> dict:
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    return {"error": error}


def json_error(status: int, code: str, message: str, details: dict | None = None) -> JsonResponse:
    return JsonResponse(error_envelope(code, message, details), status=status)


def _page_context(error: DomainError) -> dict[str, Any]:
    context: dict[str, Any] = {"error": error}
    if isinstance(error, DatabaseUnavailable):
        # The page must not need the database: no session user, no stored messages.
        context.update(user=AnonymousUser(), messages=())
    return context


def render_domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    """Render a domain error for a person: a full page, or a message swapped in by htmx."""
    if is_api_path(request):
        response: HttpResponse = json_error(
            error.status_code, error.code, error.message, error.details
        )
    elif getattr(request, "htmx", False):
        response = render(
            request, "errors/htmx_error.html", _page_context(error), status=error.status_code
        )
        # Error responses land in the page's message region, whatever the trigger targeted.
        response["HX-Retarget"] = "#messages"
        response["HX-Reswap"] = "innerHTML"
    else:
        response = render(
            request, "errors/domain_error.html", _page_context(error), status=error.status_code
        )
    if error.retry_after is not None:
        response["Retry-After"] = str(error.retry_after)
    return response


class DomainErrorMiddleware:
    """Turn a :class:`DomainError` (or an unreachable database) escaping a view into the
    right response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        error = as_domain_error(exception)
        return render_domain_error(request, error) if error is not None else None


class BodySizeMiddleware:
    """Refuse a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` with 413 before anything reads
    it (Django checks the size only when a form is parsed; DRF's parsers never do)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            return render_domain_error(request, PayloadTooLarge())
        return self.get_response(request)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_path(request):
        return api_not_found(request)
    return render(request, "errors/404.html", status=404)


def api_not_found(request: HttpRequest) -> JsonResponse:
    return json_error(404, "NOT_FOUND", "No such resource.")


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this inside its handler for whatever escaped a view or a middleware
    # (the session or auth middleware failing on a database that went away, say).
    error = as_domain_error(sys.exc_info()[1])
    if error is not None:
        return render_domain_error(request, error)
    if is_api_path(request):
        return json_error(500, "INTERNAL_ERROR", "Something went wrong on our side.")
    return render(request, "errors/500.html", {"user": AnonymousUser(), "messages": ()}, status=500)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_path(request):
        return json_error(400, "BAD_REQUEST", "The request could not be understood.")
    return render(request, "errors/400.html", status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A request refused by the CSRF check: the envelope under /api/, a page elsewhere."""
    if is_api_path(request):
        return json_error(403, "FORBIDDEN", "CSRF check failed: send the CSRF token, or a token.")
    return render(request, "errors/403.html", status=403)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_path(request):
        return json_error(403, "FORBIDDEN", "You may not do that.")
    return render(request, "errors/403.html", status=403)
