"""One DRF exception handler: every error under /api/ leaves in the same envelope."""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response

from bookmyshow.errors import as_domain_error, error_envelope

logger = logging.getLogger(__name__)

# DRF's own exceptions, by class, to the stable codes of the API contract.
DRF_CODES: list[tuple[type[exceptions.APIException], int, str]] = [
    (exceptions.ValidationError, 400, "VALIDATION_ERROR"),
    (exceptions.ParseError, 400, "VALIDATION_ERROR"),
    (exceptions.NotAuthenticated, 401, "AUTHENTICATION_REQUIRED"),
    (exceptions.AuthenticationFailed, 401, "AUTHENTICATION_REQUIRED"),
    (exceptions.PermissionDenied, 403, "FORBIDDEN"),
    (exceptions.NotFound, 404, "NOT_FOUND"),
    (exceptions.MethodNotAllowed, 405, "METHOD_NOT_ALLOWED"),
    (exceptions.NotAcceptable, 406, "NOT_ACCEPTABLE"),
    (exceptions.UnsupportedMediaType, 415, "UNSUPPORTED_MEDIA_TYPE"),
    (exceptions.Throttled, 429, "RATE_LIMITED"),
]

MESSAGES = {
    "VALIDATION_ERROR": "The request has invalid fields.",
    "AUTHENTICATION_REQUIRED": "Log in or send a valid token to do this.",
    "FORBIDDEN": "You may not do that.",
    "NOT_FOUND": "No such resource.",
    "RATE_LIMITED": "Too many requests. Try again shortly.",
}


def api_exception_handler(exc: Exception, context: dict) -> Response:
    error = as_domain_error(exc)
    if error is not None:
        response = Response(
            error_envelope(error.code, error.message, error.details or None),
            status=error.status_code,
        )
        if error.retry_after is not None:
            response["Retry-After"] = str(error.retry_after)
        return response
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.APIException):
        return _drf_error_response(exc)
    logger.exception("Unhandled error in %s", context.get("view"))
    return Response(
        error_envelope("INTERNAL_ERROR", "Something went wrong on our side."), status=500
    )


def _drf_error_response(exc: exceptions.APIException) -> Response:
    status, code = exc.status_code, "ERROR"
    for exc_class, mapped_status, mapped_code in DRF_CODES:
        if isinstance(exc, exc_class):
            status, code = mapped_status, mapped_code
            break
    details = None
    if isinstance(exc, exceptions.ValidationError):
        details = exc.detail if isinstance(exc.detail, dict) else {"nonFieldErrors": exc.detail}
        message = MESSAGES[code]
    elif isinstance(exc, exceptions.ParseError):
        message = str(exc.detail)  # says what was wrong with the body
    else:
        message = MESSAGES.get(code, str(exc.detail))
    response = Response(error_envelope(code, message, details), status=status)
    wait = getattr(exc, "wait", None) if isinstance(exc, exceptions.Throttled) else None
    if wait is not None:
        response["Retry-After"] = str(max(1, int(wait + 0.999)))
    if status == 401:
        response["WWW-Authenticate"] = "Token"
    return response
