"""The holds, orders and check-in endpoints of the JSON API: parse, call one
service, render. Each response is rendered by the output serializer that documents it."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from booking import selectors, services
from booking.domain import Customer, HoldStatus, OrderStatus, indian_mobile
from booking.tickets import SCAN_MAX_LENGTH
from bookmyshow.api import (
    ApiSerializer,
    IdField,
    MoneyField,
    PageQuery,
    PaginationOutput,
    StrictCharField,
    idempotency_key,
    pagination_json,
    parse_body,
    parse_query,
)
from bookmyshow.api_docs import errors
from bookmyshow.clients import client_address, user_id
from catalog.domain import SEAT_ID_PATTERN

MAX_LIST_INPUT = 100  # longer seat lists are refused before any other work

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "1 to 255 printable ASCII characters. A repeat with the same key and body returns "
        "the same object; the same key with another body is 409 IDEMPOTENCY_KEY_REUSED."
    ),
)


# -- input ----------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "pattern": SEAT_ID_PATTERN.pattern, "example": "B7"})
class SeatIdField(serializers.Field):
    """A seat id as the contract spells it: a row of one or two capital letters and a
    number of one or two digits (``B7``, ``AA12``)."""

    default_error_messages = {"invalid": "Must be a seat id, like B7."}

    def to_internal_value(self, data: object) -> str:
        if not isinstance(data, str) or not SEAT_ID_PATTERN.fullmatch(data):
            self.fail("invalid")
        return data

    def to_representation(self, value: str) -> str:
        return value


class SeatsInput(ApiSerializer):
    seatIds = serializers.ListField(child=SeatIdField(), min_length=1, max_length=MAX_LIST_INPUT)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_LIST_INPUT)

    def validate(self, data: dict) -> dict:
        if data["quantity"] != len(data["seatIds"]):
            raise serializers.ValidationError(
                {"quantity": ["Must equal the number of seats in seatIds."]}
            )
        return data


class HoldCreateInput(ApiSerializer):
    """Either the seats (``seatIds`` and ``quantity``), or ``bestAvailable`` with a
    ``quantity`` (and a ``tier``, if wanted): the server picks the seats."""

    showId = IdField()
    seatIds = serializers.ListField(
        child=SeatIdField(), min_length=1, max_length=MAX_LIST_INPUT, required=False
    )
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_LIST_INPUT)
    bestAvailable = serializers.BooleanField(
        required=False, default=False, help_text="Let the server pick the best seats."
    )
    tier = StrictCharField(
        required=False, max_length=20, help_text="With bestAvailable: only seats of this tier."
    )

    def validate(self, data: dict) -> dict:
        if data["bestAvailable"]:
            if "seatIds" in data:
                raise serializers.ValidationError(
                    {"seatIds": ["Give seatIds, or bestAvailable, not both."]}
                )
        elif "tier" in data:
            raise serializers.ValidationError({"tier": ["Only with bestAvailable."]})
        elif "seatIds" not in data:
            raise serializers.ValidationError(
                {"seatIds": ["This field is required (or bestAvailable)."]}
            )
        elif data["quantity"] != len(data["seatIds"]):
            raise serializers.ValidationError(
                {"quantity": ["Must equal the number of seats in seatIds."]}
            )
        return data


class CustomerInput(ApiSerializer):
    name = StrictCharField(min_length=1, max_length=100)
    email = serializers.EmailField(max_length=254)
    phone = StrictCharField(max_length=20)

    def validate_phone(self, value: str) -> str:
        try:
            return indian_mobile(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None


class OrderCreateInput(ApiSerializer):
    holdId = IdField()
    customer = CustomerInput()


class CancelInput(ApiSerializer):
    seatIds = serializers.ListField(
        child=SeatIdField(),
        required=False,
        min_length=1,
        max_length=MAX_LIST_INPUT,
        help_text="Only these seats of a paid order (none: every seat still valid).",
    )


class CheckInInput(ApiSerializer):
    """Either ``scan``, the QR code's text as the scanner read it (``showId`` optional:
    without it the ticket is admitted to its own show), or ``ticketCode`` as typed with
    the ``showId`` of the show the door is letting in."""

    scan = StrictCharField(
        required=False, max_length=SCAN_MAX_LENGTH, help_text="The ticket's QR code text."
    )
    ticketCode = StrictCharField(required=False, max_length=20)
    showId = IdField(required=False)

    def validate(self, data: dict) -> dict:
        if "scan" in data:
            if "ticketCode" in data:
                raise serializers.ValidationError(
                    {"ticketCode": ["Give scan, or ticketCode, not both."]}
                )
        elif "ticketCode" not in data:
            raise serializers.ValidationError({"scan": ["This field is required (or ticketCode)."]})
        elif "showId" not in data:
            raise serializers.ValidationError({"showId": ["Required with ticketCode."]})
        return data


# -- output ---------------------------------------------------------------------------------


class HoldOutput(ApiSerializer):
    holdId = serializers.CharField(source="hold_id")
    showId = serializers.CharField(source="show_id")
    seatIds = serializers.ListField(child=serializers.CharField(), source="seat_ids")
    quantity = serializers.IntegerField()
    status = serializers.ChoiceField(choices=[status.value for status in HoldStatus])
    createdAt = serializers.DateTimeField(source="created_at")
    expiresAt = serializers.DateTimeField(source="expires_at")
    amount = MoneyField()
    currency = serializers.SerializerMethodField()
    orderId = serializers.CharField(source="order_id", allow_null=True)

    def get_currency(self, hold) -> str:
        return "INR"


class HoldCreateOutput(HoldOutput):
    together = serializers.BooleanField(
        help_text="Whether the seats are one block in one row (best available says false "
        "when it had to split them)."
    )


class HoldListOutput(ApiSerializer):
    holds = HoldOutput(many=True)


class OrderMovieOutput(ApiSerializer):
    movieId = serializers.CharField(source="movie_id", allow_null=True)
    title = serializers.CharField(source="movie_title", allow_blank=True)


class OrderTheatreOutput(ApiSerializer):
    theatreId = serializers.CharField(source="theatre_id", allow_null=True)
    name = serializers.CharField(source="theatre_name", allow_blank=True)


class OrderShowOutput(ApiSerializer):
    showId = serializers.CharField(source="show_id")
    startTime = serializers.DateTimeField(source="start_time")
    screenName = serializers.CharField(source="screen_name", allow_blank=True)


class BreakdownOutput(ApiSerializer):
    tickets = MoneyField(source="tickets_amount")
    convenienceFee = MoneyField(source="convenience_fee")
    total = MoneyField(source="amount")


class CustomerOutput(ApiSerializer):
    name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()


class OrderOutput(ApiSerializer):
    orderId = serializers.CharField(source="order_id")
    holdId = serializers.CharField(source="hold_id")
    status = serializers.ChoiceField(choices=[status.value for status in OrderStatus])
    movie = OrderMovieOutput(source="show")
    theatre = OrderTheatreOutput(source="show")
    show = OrderShowOutput()
    seats = serializers.ListField(child=serializers.CharField(), source="seat_ids")
    amount = MoneyField()
    currency = serializers.SerializerMethodField()
    breakdown = BreakdownOutput(source="*")
    customer = CustomerOutput()
    createdAt = serializers.DateTimeField(source="created_at")
    expiresAt = serializers.DateTimeField(source="expires_at")
    ticketCode = serializers.CharField(source="ticket_code", allow_null=True)
    paymentInProgress = serializers.BooleanField(source="payment_in_progress")
    cancelledSeats = serializers.ListField(
        child=serializers.CharField(), source="cancelled_seat_ids"
    )

    def get_currency(self, order) -> str:
        return "INR"


class RefundOutput(ApiSerializer):
    amount = MoneyField()
    currency = serializers.SerializerMethodField()
    status = serializers.CharField()
    seats = serializers.ListField(child=serializers.CharField(), source="seat_ids")
    sharePercent = serializers.IntegerField(source="share_percent")
    ticketsRefund = MoneyField(source="tickets_amount")
    feeRefund = MoneyField(source="fee_amount")

    def get_currency(self, refund) -> str:
        return "INR"


class CancellationOutput(OrderOutput):
    """The order as it stands after the cancellation, with the refund (null for an
    order that was never paid)."""

    refund = serializers.SerializerMethodField()

    def to_representation(self, instance):
        return {**OrderOutput(instance.order).data, "refund": self.get_refund(instance)}

    @extend_schema_field(RefundOutput(allow_null=True))
    def get_refund(self, cancellation) -> dict | None:
        refund = cancellation.refund
        return None if refund is None else RefundOutput(refund).data


class RefundQuoteOutput(ApiSerializer):
    seats = serializers.ListField(child=serializers.CharField(), source="seat_ids")
    sharePercent = serializers.IntegerField(source="share_percent")
    ticketsRefund = MoneyField(source="tickets_refund")
    feeRefund = MoneyField(source="fee_refund")
    amount = MoneyField()
    currency = serializers.SerializerMethodField()
    cutoff = serializers.DateTimeField(source="closes_at")
    wholeOrder = serializers.BooleanField(source="whole_booking")

    def get_currency(self, quote) -> str:
        return "INR"


class OrderPageOutput(ApiSerializer):
    orders = OrderOutput(many=True)
    pagination = PaginationOutput()


class CheckInOutput(ApiSerializer):
    ticketCode = serializers.CharField(source="booking.ticket_code")
    showId = serializers.CharField(source="booking.show_id")
    movieTitle = serializers.CharField(source="booking.movie_title")
    seats = serializers.ListField(child=serializers.CharField(), source="booking.active_seat_ids")
    customerName = serializers.CharField(source="booking.customer_name")
    checkedInAt = serializers.DateTimeField(source="checked_in_at")


# -- views ----------------------------------------------------------------------------------


class BookingApi(APIView):
    permission_classes = [IsAuthenticated]


class HoldListApi(BookingApi):
    @extend_schema(
        operation_id="holds_list",
        responses={200: HoldListOutput, **errors(401, 503)},
    )
    def get(self, request: Request) -> Response:
        holds = selectors.holds_active(user_id=user_id(request))
        return Response(HoldListOutput({"holds": holds}).data)

    @extend_schema(
        request=HoldCreateInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: HoldCreateOutput, **errors(400, 401, 404, 409, 410, 413, 415, 429, 503)},
    )
    def post(self, request: Request) -> Response:
        body = parse_body(HoldCreateInput, request)
        who = {
            "user_id": user_id(request),
            "client": client_address(request),
            "show_id": body["showId"],
            "idempotency_key": idempotency_key(request),
        }
        if body["bestAvailable"]:
            hold = services.hold_create_best(
                **who, quantity=body["quantity"], tier=body.get("tier")
            )
        else:
            hold = services.hold_create(**who, seat_ids=body["seatIds"])
        return Response(HoldCreateOutput(hold).data, status=201)


class HoldDetailApi(BookingApi):
    @extend_schema(responses={200: HoldOutput, **errors(401, 403, 404, 503)})
    def get(self, request: Request, hold_id: str) -> Response:
        hold = selectors.hold_get(user_id=user_id(request), hold_id=hold_id)
        return Response(HoldOutput(hold).data)

    @extend_schema(
        request=SeatsInput,
        responses={200: HoldOutput, **errors(400, 401, 403, 404, 409, 410, 413, 415, 429, 503)},
    )
    def patch(self, request: Request, hold_id: str) -> Response:
        body = parse_body(SeatsInput, request)
        hold = services.hold_change_seats(
            user_id=user_id(request), hold_id=hold_id, seat_ids=body["seatIds"]
        )
        return Response(HoldOutput(hold).data)


class HoldReleaseApi(BookingApi):
    @extend_schema(request=None, responses={200: HoldOutput, **errors(401, 403, 404, 409, 503)})
    def post(self, request: Request, hold_id: str) -> Response:
        hold = services.hold_release(user_id=user_id(request), hold_id=hold_id)
        return Response(HoldOutput(hold).data)


class OrderListApi(BookingApi):
    @extend_schema(
        operation_id="orders_list",
        parameters=[PageQuery],
        responses={200: OrderPageOutput, **errors(400, 401, 503)},
    )
    def get(self, request: Request) -> Response:
        page = parse_query(PageQuery, request)
        orders, has_more = selectors.order_list(user_id=user_id(request), **page)
        return Response(
            OrderPageOutput(
                {"orders": orders, "pagination": pagination_json(**page, has_more=has_more)}
            ).data
        )

    @extend_schema(
        request=OrderCreateInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: OrderOutput, **errors(400, 401, 403, 404, 409, 410, 413, 415, 503)},
    )
    def post(self, request: Request) -> Response:
        body = parse_body(OrderCreateInput, request)
        order = services.order_create(
            user_id=user_id(request),
            hold_id=body["holdId"],
            customer=Customer(**body["customer"]),
            idempotency_key=idempotency_key(request),
        )
        return Response(OrderOutput(order).data, status=201)


class OrderDetailApi(BookingApi):
    @extend_schema(responses={200: OrderOutput, **errors(401, 403, 404, 503)})
    def get(self, request: Request, order_id: str) -> Response:
        order = selectors.order_get(user_id=user_id(request), order_id=order_id)
        return Response(OrderOutput(order).data)


class OrderConfirmPaymentApi(BookingApi):
    @extend_schema(
        request=None,
        parameters=[IDEMPOTENCY_KEY],
        responses={200: OrderOutput, **errors(400, 401, 403, 404, 409, 410, 503)},
    )
    def post(self, request: Request, order_id: str) -> Response:
        order = services.order_confirm_payment(
            user_id=user_id(request), order_id=order_id, idempotency_key=idempotency_key(request)
        )
        return Response(OrderOutput(order).data)


class OrderCancelApi(BookingApi):
    """Cancel an order: one waiting for payment at once, a paid one under its cinema's
    policy (all of it, or ``seatIds`` of it where that strands no single seat); the
    seats are on sale again at once."""

    @extend_schema(
        request=CancelInput,
        responses={200: CancellationOutput, **errors(400, 401, 403, 404, 409, 503)},
    )
    def post(self, request: Request, order_id: str) -> Response:
        body = parse_body(CancelInput, request) if request.data else {}
        cancellation = services.order_cancel_any(
            user_id=user_id(request),
            order_id=order_id,
            seat_ids=body.get("seatIds"),
            now=timezone.now(),
        )
        return Response(CancellationOutput(cancellation).data)


class RefundQuoteApi(BookingApi):
    """What cancelling the paid order (or ``seatIds`` of it) would give back now."""

    @extend_schema(
        parameters=[CancelInput],
        responses={200: RefundQuoteOutput, **errors(400, 401, 403, 404, 409, 503)},
    )
    def get(self, request: Request, order_id: str) -> Response:
        query = parse_query(CancelInput, request)
        quote = services.refund_quote_get(
            user_id=user_id(request),
            order_id=order_id,
            seat_ids=query.get("seatIds"),
            now=timezone.now(),
        )
        return Response(RefundQuoteOutput(quote).data)


class CanCheckIn(BasePermission):
    def has_permission(self, request, view) -> bool:
        return request.user.has_perm("booking.check_in_booking")


class CheckInApi(APIView):
    """Staff at the door: is this ticket valid for this show? Admits it once."""

    permission_classes = [IsAuthenticated, CanCheckIn]

    @extend_schema(
        request=CheckInInput,
        responses={200: CheckInOutput, **errors(400, 401, 403, 404, 409, 413, 415)},
    )
    def post(self, request: Request) -> Response:
        body = parse_body(CheckInInput, request)
        check_in = services.ticket_check_in(
            scan=body.get("scan"),
            ticket_code=body.get("ticketCode"),
            show_id=body.get("showId"),
            now=timezone.now(),
        )
        return Response(CheckInOutput(check_in).data)
