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
from bookmyshow.api import AcceptHeaderNegotiation, ApiSerializer, MoneyField, parse_query
from bookmyshow.api_docs import errors
from bookmyshow.converters import FIRST_DAY, LAST_DAY
from catalog import finding
from catalog.api import CityOutput
from catalog.domain import FORMATS, Availability, seat_sort_key
from catalog.finding import TimeOfDay


class DateQuery(ApiSerializer):
    date = serializers.DateField(
        help_text="A day in India (Asia/Kolkata): the shows that start on it.",
        input_formats=["%Y-%m-%d"],
        validators=[MinValueValidator(FIRST_DAY), MaxValueValidator(LAST_DAY)],
    )


class ShowsQuery(DateQuery):
    """The shows' query (documented here; ``catalog.finding`` reads the filters)."""

    city = serializers.CharField(
        required=False, help_text="A city's slug (`GET /api/v1/cities`): its cinemas only."
    )
    language = serializers.CharField(required=False, help_text="The show's language: `Hindi`.")
    format = serializers.ChoiceField(choices=FORMATS, required=False)
    priceMin = serializers.DecimalField(
        max_digits=8, decimal_places=2, required=False, help_text="Lowest `price`, in rupees."
    )
    priceMax = serializers.DecimalField(
        max_digits=8, decimal_places=2, required=False, help_text="Highest `price`, in rupees."
    )
    timeOfDay = serializers.ChoiceField(
        choices=[part.value for part in TimeOfDay],
        required=False,
        help_text="In India time: morning before 12:00, afternoon to 17:00, evening to "
        "21:00, night after.",
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
    format = serializers.CharField(source="show_time.format", help_text="`2D`, `IMAX`, ...")
    language = serializers.CharField(source="show_time.language")
    screenName = serializers.CharField(
        source="show_time.screen_name", help_text="Empty where the catalog does not say."
    )


class TheatreShowsOutput(ApiSerializer):
    theatreId = serializers.CharField(source="theatre.theatre_id")
    name = serializers.CharField(source="theatre.name")
    address = serializers.CharField(source="theatre.address")
    geo = GeoOutput(source="theatre")
    cancellationAvailable = serializers.BooleanField(source="theatre.cancellation_available")
    city = CityOutput(source="theatre.city")
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
    content_negotiation_class = AcceptHeaderNegotiation  # `format` is a filter here

    @extend_schema(
        description=(
            "Theatres showing the movie on `date` (an India day, 00:00 to 24:00 IST), with "
            "the shows that have not started. Shows the catalog cancelled are not listed. "
            "`status` is counted from the seats when they are known, else it is what the "
            "catalog says. The filters narrow the shows (`price` is a show's lowest tier "
            "price), theatres left without any are left out; a value the catalog does not "
            "know is a 400 `VALIDATION_ERROR` whose `details.allowed` lists the values it "
            "takes."
        ),
        parameters=[ShowsQuery],
        responses={200: MovieShowsOutput, **errors(400, 404, 503)},
    )
    def get(self, request: Request, movie_id: str) -> Response:
        day = parse_query(DateQuery, request)["date"]
        filters = finding.show_filters_parse(request.query_params, facets=finding.facets_get())
        theatres = selectors.theatre_shows_list(
            movie_id=movie_id, day=day, now=timezone.now(), filters=filters
        )
        return Response(
            MovieShowsOutput({"movieId": movie_id, "date": day, "theatres": theatres}).data
        )


class SeatMapApi(APIView):
    @extend_schema(responses={200: SeatMapOutput, **errors(404, 410, 503)})
    def get(self, request: Request, show_id: str) -> Response:
        return Response(SeatMapOutput(selectors.seat_map_get(show_id=show_id)).data)
