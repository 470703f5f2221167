"""The base of every domain error, and the one place that turns them into HTML pages.

Services raise subclasses of :class:`DomainError`; they carry an HTTP status and a stable
code but import nothing from HTTP. The JSON API renders them in ``api_errors``; every
other request (full pages and htmx swaps) is rendered here.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


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


def is_api_path(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def error_envelope(code: str, message: str, details: dict[str, Any] | None = None) -> dict:
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    return {"error": error}


def json_error(status: int, code: str, message: str, details: dict | None = None) -> JsonResponse:
    return JsonResponse(error_envelope(code, message, details), status=status)


def render_domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    """Render a domain error for a person: a full page, or a message swapped in by htmx."""
    if is_api_path(request):
        response: HttpResponse = json_error(
            error.status_code, error.code, error.message, error.details
        )
    elif getattr(request, "htmx", False):
        response = render(
            request, "errors/htmx_error.html", {"error": error}, status=error.status_code
        )
        # Error responses land in the page's message region, whatever the trigger targeted.
        response["HX-Retarget"] = "#messages"
        response["HX-Reswap"] = "innerHTML"
    else:
        response = render(
            request, "errors/domain_error.html", {"error": error}, status=error.status_code
        )
    if error.retry_after is not None:
        response["Retry-After"] = str(error.retry_after)
    return response


class DomainErrorMiddleware:
    """Turn a :class:`DomainError` escaping a view into the right response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, DomainError):
            return render_domain_error(request, exception)
        return None


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_path(request):
        return api_not_found(request)
    return render(request, "errors/404.html", status=404)


def api_not_found(request: HttpRequest) -> JsonResponse:
    return json_error(404, "NOT_FOUND", "No such resource.")


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_path(request):
        return json_error(500, "INTERNAL_ERROR", "Something went wrong on our side.")
    return render(request, "errors/500.html", status=500)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_path(request):
        return json_error(400, "BAD_REQUEST", "The request could not be understood.")
    return render(request, "errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_path(request):
        return json_error(403, "FORBIDDEN", "You may not do that.")
    return render(request, "errors/403.html", status=403)
