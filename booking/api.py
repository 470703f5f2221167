"""The holds, orders and token endpoints of the JSON API: parse, call one service, render."""

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from booking import api_docs, selectors, services
from booking.domain import Customer, indian_mobile
from booking.representations import hold_json, order_json
from bookmyshow.api_docs import errors
from bookmyshow.errors import DomainError
from catalog.api import PageQuery, parse_query
from catalog.representations import iso, pagination_json

MAX_LIST_INPUT = 100  # longer seat lists are refused before any other work


class AuthenticationFailedError(DomainError):
    status_code = 401
    code = "AUTHENTICATION_REQUIRED"
    message = "Wrong username or password."


class HoldCreateThrottle(UserRateThrottle):
    """``HOLD_RATE_LIMIT`` holds per user (or per address when anonymous)."""

    scope = "hold_create"

    def get_rate(self) -> str:
        return settings.HOLD_RATE_LIMIT


class StrictCharField(serializers.CharField):
    """A string, and only a string: DRF's CharField would turn 7 into "7"."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def parse_body(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return body.validated_data


class SeatsInput(serializers.Serializer):
    seatIds = serializers.ListField(
        child=StrictCharField(max_length=8), min_length=1, max_length=MAX_LIST_INPUT
    )
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_LIST_INPUT)

    def validate(self, data: dict) -> dict:
        if data["quantity"] != len(data["seatIds"]):
            raise serializers.ValidationError(
                {"quantity": ["Must equal the number of seats in seatIds."]}
            )
        return data


class HoldCreateInput(SeatsInput):
    showId = StrictCharField(max_length=64)


class CustomerInput(serializers.Serializer):
    name = serializers.CharField(min_length=1, max_length=100)
    email = serializers.EmailField(max_length=254)
    phone = serializers.CharField(max_length=20)

    def validate_phone(self, value: str) -> str:
        try:
            return indian_mobile(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None


class OrderCreateInput(serializers.Serializer):
    holdId = StrictCharField(max_length=64)
    customer = CustomerInput()


class TokenInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class BookingApi(APIView):
    permission_classes = [IsAuthenticated]


class HoldListApi(BookingApi):
    def get_throttles(self):
        return [HoldCreateThrottle()] if self.request.method == "POST" else []

    @extend_schema(
        request=HoldCreateInput,
        responses={201: api_docs.HoldSerializer, **errors(400, 401, 404, 409, 415, 429, 503)},
    )
    def post(self, request: Request) -> Response:
        body = parse_body(HoldCreateInput, request)
        now = timezone.now()
        hold = services.hold_create(
            user_id=request.user.id, show_id=body["showId"], seat_ids=body["seatIds"], now=now
        )
        return Response(hold_json(hold, now), status=201)


class HoldDetailApi(BookingApi):
    @extend_schema(responses={200: api_docs.HoldSerializer, **errors(401, 403, 404, 503)})
    def get(self, request: Request, hold_id: str) -> Response:
        hold = selectors.hold_get(user_id=request.user.id, hold_id=hold_id)
        return Response(hold_json(hold, timezone.now()))

    @extend_schema(
        request=SeatsInput,
        responses={200: api_docs.HoldSerializer, **errors(400, 401, 403, 404, 409, 415, 503)},
    )
    def patch(self, request: Request, hold_id: str) -> Response:
        body = parse_body(SeatsInput, request)
        now = timezone.now()
        hold = services.hold_change_seats(
            user_id=request.user.id, hold_id=hold_id, seat_ids=body["seatIds"], now=now
        )
        return Response(hold_json(hold, now))


class HoldReleaseApi(BookingApi):
    @extend_schema(
        request=None, responses={200: api_docs.HoldSerializer, **errors(401, 403, 404, 409, 503)}
    )
    def post(self, request: Request, hold_id: str) -> Response:
        now = timezone.now()
        hold = services.hold_release(user_id=request.user.id, hold_id=hold_id, now=now)
        return Response(hold_json(hold, now))


class OrderListApi(BookingApi):
    @extend_schema(
        operation_id="orders_list",
        parameters=[PageQuery],
        responses={200: api_docs.OrderPageSerializer, **errors(400, 401, 503)},
    )
    def get(self, request: Request) -> Response:
        page = parse_query(PageQuery, request)
        orders, has_more = selectors.order_list(user_id=request.user.id, **page)
        now = timezone.now()
        return Response(
            {
                "orders": [order_json(order, now) for order in orders],
                "pagination": pagination_json(**page, has_more=has_more),
            }
        )

    @extend_schema(
        request=OrderCreateInput,
        responses={201: api_docs.OrderSerializer, **errors(400, 401, 403, 404, 409, 415, 503)},
    )
    def post(self, request: Request) -> Response:
        body = parse_body(OrderCreateInput, request)
        now = timezone.now()
        order = services.order_create(
            user_id=request.user.id,
            hold_id=body["holdId"],
            customer=Customer(**body["customer"]),
            now=now,
        )
        return Response(order_json(order, now), status=201)


class OrderDetailApi(BookingApi):
    @extend_schema(responses={200: api_docs.OrderSerializer, **errors(401, 403, 404, 503)})
    def get(self, request: Request, order_id: str) -> Response:
        order = selectors.order_get(user_id=request.user.id, order_id=order_id)
        return Response(order_json(order, timezone.now()))


class OrderConfirmPaymentApi(BookingApi):
    @extend_schema(
        request=None,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Repeating the key that confirmed the order returns it again.",
            )
        ],
        responses={200: api_docs.OrderSerializer, **errors(400, 401, 403, 404, 409, 503)},
    )
    def post(self, request: Request, order_id: str) -> Response:
        key = request.headers.get("Idempotency-Key") or None
        if key is not None and len(key) > 255:
            raise serializers.ValidationError({"Idempotency-Key": ["At most 255 characters."]})
        now = timezone.now()
        order = services.order_confirm_payment(
            user_id=request.user.id, order_id=order_id, idempotency_key=key, now=now
        )
        return Response(order_json(order, now))


class OrderCancelApi(BookingApi):
    @extend_schema(
        request=None, responses={200: api_docs.OrderSerializer, **errors(401, 403, 404, 409, 503)}
    )
    def post(self, request: Request, order_id: str) -> Response:
        now = timezone.now()
        order = services.order_cancel(user_id=request.user.id, order_id=order_id, now=now)
        return Response(order_json(order, now))


class MeApi(BookingApi):
    """Who the token or session belongs to: a cheap way for a client to check its login."""

    @extend_schema(responses={200: api_docs.MeSerializer, **errors(401)})
    def get(self, request: Request) -> Response:
        return Response({"userId": request.user.id, "username": request.user.username})


class TokenApi(APIView):
    authentication_classes = []

    @extend_schema(
        request=TokenInput,
        auth=[],
        responses={200: api_docs.TokenSerializer, **errors(400, 401, 415)},
    )
    def post(self, request: Request) -> Response:
        body = parse_body(TokenInput, request)
        user = authenticate(request, username=body["username"], password=body["password"])
        if user is None:
            raise AuthenticationFailedError()
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class CheckInInput(serializers.Serializer):
    ticketCode = serializers.CharField(max_length=20)
    showId = StrictCharField(max_length=64)


class CheckInApi(APIView):
    """Staff at the door: is this ticket valid for this show? Admits it once."""

    permission_classes = [IsAdminUser]

    @extend_schema(
        request=CheckInInput,
        responses={200: api_docs.CheckInSerializer, **errors(400, 401, 403, 404, 409, 415)},
    )
    def post(self, request: Request) -> Response:
        body = parse_body(CheckInInput, request)
        check_in = services.ticket_check_in(
            ticket_code=body["ticketCode"], show_id=body["showId"], now=timezone.now()
        )
        booking = check_in.booking
        return Response(
            {
                "ticketCode": booking.ticket_code,
                "showId": booking.show_id,
                "movieTitle": booking.movie_title,
                "seats": booking.seat_ids,
                "customerName": booking.customer_name,
                "checkedInAt": iso(check_in.checked_in_at),
            }
        )
