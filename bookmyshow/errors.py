"""The base of every domain error, and the one place that turns errors into HTML pages.

Services raise subclasses of :class:`DomainError`; they carry an HTTP status and a stable
code but import nothing from HTTP. The JSON API renders them in ``api_errors``; every
other request (full pages and htmx swaps) is rendered here. A database that cannot be
reached is a domain error too (:class:`DatabaseUnavailable`, a 503), wherever it surfaces.
"""

import codecs
import json
import logging
import sys
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import BadRequest as DjangoBadRequest
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
        context = _page_context(error)
        if request.method == "GET":  # a page's query: name what is wrong in it, and a way out
            context["problems"] = _query_problems(error)
        response = render(request, "errors/domain_error.html", context, status=error.status_code)
    if error.retry_after is not None:
        response["Retry-After"] = str(error.retry_after)
    return response


def _query_problems(error: DomainError) -> list[tuple[str, list[str]]]:
    """A page query's validation error, as messages by parameter (the API lists the
    allowed values apart as well; each message names them already)."""
    if error.code != "VALIDATION_ERROR" or not error.details:
        return []
    return [
        (field, messages)
        for field, messages in error.details.items()
        if field != "allowed" and isinstance(messages, list)
    ]


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


class BadRequest(DomainError):
    status_code = 400
    code = "BAD_REQUEST"
    message = "The request could not be understood."


class RequestGuardMiddleware:
    """Refuse, before anything reads it, a request no part of the site can handle:

    - a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413; Django checks the size only when
      a form is parsed, DRF's parsers never do);
    - a NUL byte in the path or the query string (PostgreSQL refuses it in text, so it
      would fail deep inside a query);
    - a body in a charset that is not a text encoding (``charset=zlib``: Django's form
      parser would fail on it).
    """

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
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return render_domain_error(request, BadRequest())
        if request.encoding and not _is_text_encoding(request.encoding):
            return render_domain_error(request, BadRequest("Send text in a text encoding."))
        return self.get_response(request)


def _is_text_encoding(name: str) -> bool:
    try:
        return codecs.lookup(name)._is_text_encoding
    except LookupError:
        return False


def unreadable_requests_refused(application):
    """Wrap the site's WSGI application: a request Django cannot even build (a
    Content-Type whose charset parameter names no charset) is a 400, not the server's
    bare error page."""

    def guarded(environ, start_response):
        try:
            return application(environ, start_response)
        except DjangoBadRequest:
            api = environ.get("PATH_INFO", "").startswith("/api/")
            body = (
                json.dumps(error_envelope(BadRequest.code, BadRequest.message)).encode()
                if api
                else b"<!doctype html><title>Bad request</title><p>" + BadRequest.message.encode()
            )
            start_response(
                "400 Bad Request",
                [
                    ("Content-Type", "application/json" if api else "text/html; charset=utf-8"),
                    ("Content-Length", str(len(body))),
                ],
            )
            return [body]

    return guarded


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
