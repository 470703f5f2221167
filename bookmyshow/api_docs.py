"""What the OpenAPI schema says about errors: one envelope, described once, with the codes
of each status gathered from the error classes themselves (the one registry of codes)."""

from collections import defaultdict

from django.utils.module_loading import autodiscover_modules
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


DRF_MEANINGS = {
    "VALIDATION_ERROR": "The body or query is malformed (details: the field errors).",
    "AUTHENTICATION_REQUIRED": "No valid session or token, or wrong credentials.",
    "FORBIDDEN": "Someone else's hold or order, or a staff action without its permission.",
    "NOT_FOUND": "No such path, or a malformed id.",
    "METHOD_NOT_ALLOWED": "The path does not answer this method.",
    "NOT_ACCEPTABLE": "Ask for application/json.",
    "UNSUPPORTED_MEDIA_TYPE": "Send application/json.",
    "RATE_LIMITED": "Too many attempts: wait for Retry-After seconds.",
}


def _meaning(error: type[DomainError]) -> str:
    own_doc = error.__dict__.get("__doc__")
    return " ".join((own_doc or error.message).split("\n\n")[0].split())


def error_catalogue() -> list[tuple[int, str, str]]:
    """Every error the API can answer with: (status, code, when), from the error classes
    themselves (every subclass of ``DomainError`` loaded) and DRF's own."""
    autodiscover_modules("errors")  # every app's error classes, whatever is loaded yet
    found: dict[tuple[int, str], str] = {}
    pending = [DomainError]
    while pending:
        error = pending.pop()
        pending.extend(error.__subclasses__())
        if error is not DomainError and error.code != DomainError.code:
            found.setdefault((error.status_code, error.code), _meaning(error))
    for _exception, status, code in DRF_CODES:
        found[(status, code)] = DRF_MEANINGS[code]
    found[(404, "NOT_FOUND")] = DRF_MEANINGS["NOT_FOUND"]
    return sorted((status, code, when) for (status, code), when in found.items())


def error_codes() -> dict[int, list[str]]:
    codes: dict[int, list[str]] = defaultdict(list)
    for status, code, _ in error_catalogue():
        codes[status].append(code)
    return codes


def error_table(result: dict, generator, request, public) -> dict:
    """A drf-spectacular post-processing hook: the schema's description ends with the
    table of every error code, generated from the catalogue above."""
    rows = [f"| {status} | `{code}` | {when} |" for status, code, when in error_catalogue()]
    table = "\n".join(["## Errors", "", "| status | code | when |", "| --- | --- | --- |", *rows])
    result["info"]["description"] = f"{result['info'].get('description', '')}\n\n{table}"
    return result


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
