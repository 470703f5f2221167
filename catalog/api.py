"""The public, read-only catalog endpoints of the JSON API: movies. (Show times with their
availability and seat maps merge booking state, so they live in ``booking``.)"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bookmyshow.api import ApiSerializer, PageQuery, PaginationOutput, pagination_json, parse_query
from bookmyshow.api_docs import errors
from catalog.sources import get_catalog


class MovieCardOutput(ApiSerializer):
    movieId = serializers.CharField(source="movie_id")
    title = serializers.CharField()
    thumbnailUrl = serializers.CharField(source="thumbnail_url")
    rating = serializers.FloatField(allow_null=True)
    durationMins = serializers.IntegerField(source="duration_mins", allow_null=True)
    genres = serializers.ListField(child=serializers.CharField())


class MovieOutput(MovieCardOutput):
    about = serializers.CharField()
    ageRating = serializers.CharField(source="age_rating")
    releaseDate = serializers.DateField(source="release_date", allow_null=True)
    language = serializers.CharField()
    format = serializers.CharField()


class MoviePageOutput(ApiSerializer):
    movies = MovieCardOutput(many=True)
    pagination = PaginationOutput()


class MovieListApi(APIView):
    @extend_schema(
        operation_id="movies_list",
        description=(
            "Every movie the catalog has, each once, in a stable order (newest release "
            "first where the catalog knows it, then by title): page through with `limit` "
            "and `offset` until `hasMore` is false."
        ),
        parameters=[PageQuery],
        responses={200: MoviePageOutput, **errors(400, 503)},
    )
    def get(self, request: Request) -> Response:
        query = parse_query(PageQuery, request)
        page = get_catalog().movie_list(limit=query["limit"], offset=query["offset"])
        return Response(
            MoviePageOutput(
                {
                    "movies": page.movies,
                    "pagination": pagination_json(
                        limit=page.limit, offset=page.offset, has_more=page.has_more
                    ),
                }
            ).data
        )


class MovieDetailApi(APIView):
    @extend_schema(responses={200: MovieOutput, **errors(404, 503)})
    def get(self, request: Request, movie_id: str) -> Response:
        return Response(MovieOutput(get_catalog().movie_get(movie_id=movie_id)).data)
