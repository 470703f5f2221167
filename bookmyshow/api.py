"""What every JSON API view shares: input parsing, canonical ids, times and pagination.

The apps build their endpoints on these, so a query, a body, an id and a page are read and
written the same way everywhere under ``/api/``.
"""

from datetime import datetime
from types import SimpleNamespace
from typing import Any, ClassVar

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import parsers, serializers
from rest_framework.exceptions import ParseError
from rest_framework.fields import Field, SkipField
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.utils.serializer_helpers import BindingDict

from bookmyshow.ids import canonical_id
from bookmyshow.money import money
from bookmyshow.text import is_token, no_control_characters


def iso(moment: datetime) -> str:
    """An aware datetime in local time with its offset (``...+05:30``)."""
    return timezone.localtime(moment).isoformat()


def pagination_json(*, limit: int, offset: int, has_more: bool) -> dict[str, Any]:
    return {"limit": limit, "offset": offset, "hasMore": has_more}


class ApiSerializer(serializers.Serializer):
    """The base of the API's input and output serializers: declared fields are built and
    bound once per class, not once per request.

    DRF deep-copies every declared field for each serializer it makes, the largest cost
    of parsing a small body or rendering a small response. These serializers' fields keep
    no state of their own between calls, so one set serves every request and thread. The
    set is bound to a prototype of its own (never partial, no context): a field asking its
    root whether validation is partial gets "no", whoever made the serializer (DRF's
    browsable API makes partial ones for its forms). So these serializers never validate
    partially and never read ``context``; a field that needs either does not belong here.

    Writing an answer walks the same bound fields, each with its way to its value
    (``source``) split once: the values are domain values and dicts, read with
    ``getattr`` and ``[]``; anything else (a missing value, a method to call) takes
    DRF's own path, so the answer is the one DRF would write.
    """

    _bound_fields: ClassVar[dict[type, BindingDict]] = {}
    _readers: ClassVar[dict[type, tuple[tuple[str, tuple[str, ...], Field], ...]]] = {}

    @property
    def fields(self) -> BindingDict:
        cls = type(self)
        fields = ApiSerializer._bound_fields.get(cls)
        if fields is None:
            prototype = cls()
            fields = BindingDict(prototype)
            for name, field in prototype.get_fields().items():
                fields[name] = field
            ApiSerializer._bound_fields[cls] = fields
        return fields

    def to_representation(self, instance: Any) -> dict[str, Any]:
        readers = ApiSerializer._readers.get(type(self))
        if readers is None:
            readers = tuple(
                (name, tuple(field.source_attrs), field)
                for name, field in self.fields.items()
                if not field.write_only
            )
            ApiSerializer._readers[type(self)] = readers
        answer = {}
        for name, path, field in readers:
            try:
                value = _value_at(instance, path)
            except (AttributeError, KeyError, ObjectDoesNotExist, _DrfPath):
                try:
                    value = field.get_attribute(instance)
                except SkipField:
                    continue
            answer[name] = None if value is None else field.to_representation(value)
        return answer


class _DrfPath(Exception):
    """A value that DRF reads in a way of its own (a method it calls)."""


def _value_at(instance: Any, path: tuple[str, ...]) -> Any:
    """The value at ``path`` (a field's ``source``, split) from ``instance``: attributes,
    or keys of a dict. Raises ``_DrfPath`` for a callable value, which DRF would call."""
    value = instance
    for name in path:
        value = value[name] if type(value) is dict else getattr(value, name)
        if callable(value):
            raise _DrfPath(name)
    return value


def parse_query(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


def parse_body(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return body.validated_data


class PaginationOutput(ApiSerializer):
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
    hasMore = serializers.BooleanField()


class PageQuery(ApiSerializer):
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)
    offset = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)


class StrictCharField(serializers.CharField):
    """A string, and only a string (DRF's CharField would turn 7 into "7"), without
    control characters."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(no_control_characters)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.DOUBLE)
class MoneyField(serializers.Field):
    """An amount in rupees, as a JSON number rounded to the paisa by the one rule of
    ``bookmyshow.money`` (``412.5``, never ``412.505`` or ``413``)."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value) -> float:
        return float(money(value))


@extend_schema_field(OpenApiTypes.UUID)
class IdField(serializers.Field):
    """A UUID in any letter case, read as its canonical (lower-case) spelling."""

    default_error_messages = {"invalid": "Must be an id (a UUID)."}

    def to_internal_value(self, data: object) -> str:
        canonical = canonical_id(data)
        if canonical is None:
            self.fail("invalid")
        return canonical

    def to_representation(self, value: str) -> str:
        return value


def idempotency_key(request: Request) -> str | None:
    """The request's ``Idempotency-Key`` header, or None. Raises a validation error when
    it is not 1 to 255 printable ASCII characters."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not is_token(key):
        raise serializers.ValidationError(
            {"Idempotency-Key": ["Use 1 to 255 printable ASCII characters without spaces."]}
        )
    return key


class AcceptHeaderNegotiation(DefaultContentNegotiation):
    """Content negotiation by the ``Accept`` header alone, for endpoints where ``format``
    is a query parameter of their own (a show's format, ``IMAX``), not DRF's
    ``?format=json``."""

    settings = SimpleNamespace(URL_FORMAT_OVERRIDE=None)  # type: ignore[assignment]  # duck-typed


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with absurdly nested input refused as a parse error (400)
    instead of overflowing the decoder's recursion limit (a 500)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None
