"""Response shapes of the booking endpoints, for the OpenAPI schema."""

from rest_framework import serializers

from booking.domain import HoldStatus, OrderStatus
from catalog.api_docs import PaginationSerializer


class HoldSerializer(serializers.Serializer):
    holdId = serializers.CharField()
    showId = serializers.CharField()
    seatIds = serializers.ListField(child=serializers.CharField())
    quantity = serializers.IntegerField()
    status = serializers.ChoiceField(choices=[s.value for s in HoldStatus])
    createdAt = serializers.DateTimeField()
    expiresAt = serializers.DateTimeField()
    amount = serializers.FloatField()
    currency = serializers.CharField()


class OrderMovieSerializer(serializers.Serializer):
    movieId = serializers.CharField(allow_null=True)
    title = serializers.CharField(allow_blank=True)


class OrderTheatreSerializer(serializers.Serializer):
    theatreId = serializers.CharField(allow_null=True)
    name = serializers.CharField(allow_blank=True)


class OrderShowSerializer(serializers.Serializer):
    showId = serializers.CharField()
    startTime = serializers.DateTimeField()
    screenName = serializers.CharField(allow_blank=True)


class BreakdownSerializer(serializers.Serializer):
    tickets = serializers.FloatField()
    convenienceFee = serializers.FloatField()
    total = serializers.FloatField()


class CustomerOutSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()


class OrderSerializer(serializers.Serializer):
    orderId = serializers.CharField()
    holdId = serializers.CharField()
    status = serializers.ChoiceField(choices=[s.value for s in OrderStatus])
    movie = OrderMovieSerializer()
    theatre = OrderTheatreSerializer()
    show = OrderShowSerializer()
    seats = serializers.ListField(child=serializers.CharField())
    amount = serializers.FloatField()
    currency = serializers.CharField()
    breakdown = BreakdownSerializer()
    customer = CustomerOutSerializer()
    createdAt = serializers.DateTimeField()
    expiresAt = serializers.DateTimeField()
    ticketCode = serializers.CharField(allow_null=True)


class OrderPageSerializer(serializers.Serializer):
    orders = OrderSerializer(many=True)
    pagination = PaginationSerializer()


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class MeSerializer(serializers.Serializer):
    userId = serializers.IntegerField()
    username = serializers.CharField()


class CheckInSerializer(serializers.Serializer):
    ticketCode = serializers.CharField()
    showId = serializers.CharField()
    movieTitle = serializers.CharField()
    seats = serializers.ListField(child=serializers.CharField())
    customerName = serializers.CharField()
    checkedInAt = serializers.DateTimeField()
