"""Public endpoints that merge the catalog with live booking state: a movie's show times
with their availability, and a show's seat map."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from booking import selectors
from bookmyshow.api import ApiSerializer, MoneyField, parse_query
from bookmyshow.api_docs import errors
from bookmyshow.converters import FIRST_DAY, LAST_DAY
from catalog.domain import Availability, seat_sort_key


class DateQuery(ApiSerializer):
    date = serializers.DateField(
        help_text="A day in India (Asia/Kolkata): the shows that start on it.",
        input_formats=["%Y-%m-%d"],
        validators=[MinValueValidator(FIRST_DAY), MaxValueValidator(LAST_DAY)],
    )


class SeatIdsField(serializers.ListField):
    """Seat ids in the order people read them (A2 before A10)."""

    child = serializers.CharField()

    def to_representation(self, data):
        return sorted(data, key=seat_sort_key)


class GeoOutput(ApiSerializer):
    lat = serializers.FloatField(allow_null=True)
    lng = serializers.FloatField(allow_null=True)


class ShowTimeOutput(ApiSerializer):
    showId = serializers.CharField(source="show_time.show_id")
    startTime = serializers.DateTimeField(source="show_time.start_time")
    price = MoneyField(source="show_time.price", help_text="The lowest tier price, in rupees.")
    status = serializers.ChoiceField(choices=[a.value for a in Availability])


class TheatreShowsOutput(ApiSerializer):
    theatreId = serializers.CharField(source="theatre.theatre_id")
    name = serializers.CharField(source="theatre.name")
    address = serializers.CharField(source="theatre.address")
    geo = GeoOutput(source="theatre")
    cancellationAvailable = serializers.BooleanField(source="theatre.cancellation_available")
    shows = ShowTimeOutput(many=True)


class MovieShowsOutput(ApiSerializer):
    movieId = serializers.CharField()
    date = serializers.DateField()
    theatres = TheatreShowsOutput(many=True)


class TierOutput(ApiSerializer):
    code = serializers.CharField()
    name = serializers.CharField()
    price = MoneyField()


class LayoutSeatOutput(ApiSerializer):
    seatId = serializers.CharField(source="seat_id")
    row = serializers.CharField()
    number = serializers.IntegerField()
    type = serializers.CharField()
    tier = serializers.CharField()
    column = serializers.IntegerField(help_text="Position in the row, aisle gaps counted.")


class SeatMapOutput(ApiSerializer):
    showId = serializers.CharField(source="show.show_id")
    movieId = serializers.CharField(source="show.movie_id", allow_null=True)
    movieTitle = serializers.CharField(source="show.movie_title", allow_blank=True)
    theatreId = serializers.CharField(source="show.theatre_id", allow_null=True)
    theatreName = serializers.CharField(source="show.theatre_name", allow_blank=True)
    screenName = serializers.CharField(source="show.screen_name", allow_blank=True)
    startTime = serializers.DateTimeField(source="show.start_time")
    price = MoneyField(source="show.price")
    currency = serializers.SerializerMethodField()
    tiers = TierOutput(source="show.layout.tiers", many=True)
    layout = LayoutSeatOutput(source="show.layout.seats", many=True)
    unavailableSeatIds = SeatIdsField(source="unavailable_seat_ids")
    heldSeatIds = SeatIdsField(source="held_seat_ids")
    version = serializers.IntegerField(
        help_text="Changes whenever any seat of the show changes state."
    )

    def get_currency(self, seat_map) -> str:
        return "INR"


class MovieShowsApi(APIView):
    @extend_schema(
        description=(
            "Theatres showing the movie on `date` (an India day, 00:00 to 24:00 IST), with "
            "the shows that have not started. Shows the catalog cancelled are not listed. "
            "`status` is counted from the seats when they are known, else it is what the "
            "catalog says."
        ),
        parameters=[DateQuery],
        responses={200: MovieShowsOutput, **errors(400, 404, 503)},
    )
    def get(self, request: Request, movie_id: str) -> Response:
        day = parse_query(DateQuery, request)["date"]
        theatres = selectors.theatre_shows_list(movie_id=movie_id, day=day, now=timezone.now())
        return Response(
            MovieShowsOutput({"movieId": movie_id, "date": day, "theatres": theatres}).data
        )


class SeatMapApi(APIView):
    @extend_schema(responses={200: SeatMapOutput, **errors(404, 410, 503)})
    def get(self, request: Request, show_id: str) -> Response:
        return Response(SeatMapOutput(selectors.seat_map_get(show_id=show_id)).data)
