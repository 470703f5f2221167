"""What the OpenAPI schema says about errors: one envelope, described once."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable UPPER_SNAKE code that clients switch on.")
    message = serializers.CharField(help_text="For people.")
    details = serializers.DictField(required=False, help_text="Structured, optional.")


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


ERRORS = {
    400: "VALIDATION_ERROR (details: field errors) or UNKNOWN_SEAT",
    401: "AUTHENTICATION_REQUIRED",
    403: "FORBIDDEN: the hold or order belongs to another user, or staff only",
    404: "NOT_FOUND, MOVIE_NOT_FOUND, SHOW_NOT_FOUND, HOLD_NOT_FOUND, ORDER_NOT_FOUND, "
    "TICKET_NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "SEAT_UNAVAILABLE, SALES_CLOSED, HOLD_NOT_ACTIVE, ORDER_NOT_PENDING, "
    "SEAT_LIMIT_REACHED, HOLD_CHANGED, WRONG_SHOW, ALREADY_CHECKED_IN "
    "(details carry the seats or the current status)",
    415: "UNSUPPORTED_MEDIA_TYPE: send application/json",
    429: "RATE_LIMITED, with Retry-After",
    503: "CATALOG_UNAVAILABLE or STORE_UNAVAILABLE, with Retry-After",
}


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    return {
        status: OpenApiResponse(ErrorSerializer, description=ERRORS[status]) for status in statuses
    }
