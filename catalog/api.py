"""The public, read-only catalog endpoints of the JSON API."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from booking import selectors
from bookmyshow.api_docs import errors
from catalog import api_docs
from catalog.domain import seat_sort_key
from catalog.representations import iso, movie_json, movie_page_json, tier_json
from catalog.sources import get_catalog


class PageQuery(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)
    offset = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)


class DateQuery(serializers.Serializer):
    date = serializers.DateField(input_formats=["%Y-%m-%d"])


def parse_query(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


class MovieListApi(APIView):
    @extend_schema(
        operation_id="movies_list",
        parameters=[PageQuery],
        responses={200: api_docs.MoviePageSerializer, **errors(400, 503)},
    )
    def get(self, request: Request) -> Response:
        query = parse_query(PageQuery, request)
        page = get_catalog().movie_list(limit=query["limit"], offset=query["offset"])
        return Response(movie_page_json(page))


class MovieDetailApi(APIView):
    @extend_schema(responses={200: api_docs.MovieSerializer, **errors(404, 503)})
    def get(self, request: Request, movie_id: str) -> Response:
        return Response(movie_json(get_catalog().movie_get(movie_id=movie_id)))


class MovieShowsApi(APIView):
    @extend_schema(
        parameters=[DateQuery],
        responses={200: api_docs.MovieShowsSerializer, **errors(400, 404, 503)},
    )
    def get(self, request: Request, movie_id: str) -> Response:
        day = parse_query(DateQuery, request)["date"]
        theatres = selectors.theatre_shows_list(movie_id=movie_id, day=day, now=timezone.now())
        return Response(
            {
                "movieId": movie_id,
                "date": day.isoformat(),
                "theatres": [
                    {
                        "theatreId": listed.theatre.theatre_id,
                        "name": listed.theatre.name,
                        "address": listed.theatre.address,
                        "geo": {"lat": listed.theatre.lat, "lng": listed.theatre.lng},
                        "cancellationAvailable": listed.theatre.cancellation_available,
                        "shows": [
                            {
                                "showId": show.show_time.show_id,
                                "startTime": iso(show.show_time.start_time),
                                "price": show.show_time.price,
                                "status": show.status.value,
                            }
                            for show in listed.shows
                        ],
                    }
                    for listed in theatres
                ],
            }
        )


class SeatMapApi(APIView):
    @extend_schema(responses={200: api_docs.SeatMapSerializer, **errors(404, 503)})
    def get(self, request: Request, show_id: str) -> Response:
        seat_map = selectors.seat_map_get(show_id=show_id, now=timezone.now())
        show = seat_map.show
        return Response(
            {
                "showId": show.show_id,
                "movieId": show.movie_id,
                "movieTitle": show.movie_title,
                "theatreId": show.theatre_id,
                "theatreName": show.theatre_name,
                "screenName": show.screen_name,
                "startTime": iso(show.start_time),
                "price": show.price,
                "currency": "INR",
                "tiers": [tier_json(tier) for tier in show.layout.tiers],
                "layout": [
                    {
                        "seatId": seat.seat_id,
                        "row": seat.row,
                        "number": seat.number,
                        "type": seat.type,
                        "tier": seat.tier,
                        "column": seat.column,
                    }
                    for row in show.layout.rows
                    for seat in row.seats
                ],
                "unavailableSeatIds": sorted(seat_map.unavailable_seat_ids, key=seat_sort_key),
                "heldSeatIds": sorted(seat_map.held_seat_ids, key=seat_sort_key),
            }
        )
