"""What the OpenAPI schema says about errors: one envelope, described once, with the codes
of each status gathered from the error classes themselves (the one registry of codes)."""

from collections import defaultdict

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from bookmyshow.api_errors import DRF_CODES
from bookmyshow.errors import DomainError


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable UPPER_SNAKE code that clients switch on.")
    message = serializers.CharField(help_text="For people.")
    details = serializers.DictField(required=False, help_text="Structured, optional.")


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


def error_codes() -> dict[int, list[str]]:
    """Every error code the API can answer with, by HTTP status: the domain errors (every
    subclass of ``DomainError`` loaded) and DRF's own."""
    codes: dict[int, set[str]] = defaultdict(set)
    pending = [DomainError]
    while pending:
        error = pending.pop()
        pending.extend(error.__subclasses__())
        if error is not DomainError:
            codes[error.status_code].add(error.code)
    for _exception, status, code in DRF_CODES:
        codes[status].add(code)
    codes[404].add("NOT_FOUND")
    return {status: sorted(found) for status, found in codes.items()}


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """Schema responses for the statuses an endpoint answers with, each listing its codes
    (a 429 or 503 carries ``Retry-After``)."""
    codes = error_codes()
    return {
        status: OpenApiResponse(
            ErrorSerializer,
            description=", ".join(codes.get(status, []))
            + (" (with Retry-After)" if status in (429, 503) else ""),
        )
        for status in statuses
    }
