"""The public, read-only catalog endpoints of the JSON API: movies. (Show times with their
availability and seat maps merge booking state, so they live in ``booking``.)"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bookmyshow.api import (
    AcceptHeaderNegotiation,
    ApiSerializer,
    PageQuery,
    PaginationOutput,
    pagination_json,
    parse_query,
)
from bookmyshow.api_docs import errors
from catalog import finding
from catalog.domain import FORMATS
from catalog.finding import MovieStatus
from catalog.sources import get_catalog


class CityOutput(ApiSerializer):
    slug = serializers.CharField(help_text="What `city` takes: `mumbai`.")
    name = serializers.CharField()


class CitiesOutput(ApiSerializer):
    cities = CityOutput(many=True)


class MovieCardOutput(ApiSerializer):
    movieId = serializers.CharField(source="movie_id")
    title = serializers.CharField()
    thumbnailUrl = serializers.CharField(source="thumbnail_url")
    rating = serializers.FloatField(allow_null=True)
    voteCount = serializers.IntegerField(
        source="vote_count", allow_null=True, help_text="Votes behind the rating; null: unknown."
    )
    durationMins = serializers.IntegerField(source="duration_mins", allow_null=True)
    genres = serializers.ListField(child=serializers.CharField())
    languages = serializers.ListField(child=serializers.CharField())
    formats = serializers.ListField(child=serializers.CharField())
    releaseDate = serializers.DateField(source="release_date", allow_null=True)


class CreditOutput(ApiSerializer):
    name = serializers.CharField()
    role = serializers.CharField(help_text="The character (cast) or the job (crew).")


class MovieOutput(MovieCardOutput):
    about = serializers.CharField()
    ageRating = serializers.CharField(source="age_rating")
    language = serializers.CharField(help_text="The languages as one string: `Hindi, Tamil`.")
    format = serializers.CharField(help_text="The formats as one string: `2D, IMAX`.")
    trailerUrl = serializers.CharField(source="trailer_url", help_text="Empty: no trailer.")
    cast = CreditOutput(many=True)
    crew = CreditOutput(many=True)


class MovieQuery(PageQuery):
    """The movie list's query (documented here; ``catalog.finding`` reads the filters)."""

    city = serializers.CharField(
        required=False, help_text="A city's slug (`GET /api/v1/cities`): what shows there."
    )
    q = serializers.CharField(
        required=False,
        help_text=(
            "Search: titles first (those that start with it, then those that have it), "
            "then languages and genres, then cast (the local catalog)."
        ),
    )
    language = serializers.CharField(required=False, help_text="A language: `Hindi`.")
    genre = serializers.CharField(required=False, help_text="A genre: `Action`.")
    format = serializers.ChoiceField(choices=FORMATS, required=False)
    status = serializers.ChoiceField(
        choices=[status.value for status in MovieStatus],
        required=False,
        help_text=(
            "`now_showing`: released, with shows still to start (in `city`); "
            "`coming_soon`: released later. Neither, with a city: both."
        ),
    )


class MoviePageOutput(ApiSerializer):
    movies = MovieCardOutput(many=True)
    pagination = PaginationOutput()


class MovieListApi(APIView):
    content_negotiation_class = AcceptHeaderNegotiation  # `format` is a filter here

    @extend_schema(
        operation_id="movies_list",
        description=(
            "Every movie the catalog has, each once, in a stable order (newest release "
            "first where the catalog knows it, then by title): page through with `limit` "
            "and `offset` until `hasMore` is false. The filters narrow the list; values "
            "match in any letter case; a value the catalog does not know is a 400 "
            "`VALIDATION_ERROR` whose `details.allowed` lists the values it takes. With "
            "`q`, the best matches come first."
        ),
        parameters=[MovieQuery],
        responses={200: MoviePageOutput, **errors(400, 503)},
    )
    def get(self, request: Request) -> Response:
        query = parse_query(PageQuery, request)
        limit, offset = query["limit"], query["offset"]
        filters = finding.movie_filters_parse(request.query_params, facets=finding.facets_get())
        if filters == finding.MovieFilters():
            page = get_catalog().movie_list(limit=limit, offset=offset)
            movies, has_more = page.movies, page.has_more
        else:
            found = finding.movies_find(filters)
            movies, has_more = tuple(found[offset : offset + limit]), offset + limit < len(found)
        return Response(
            MoviePageOutput(
                {
                    "movies": movies,
                    "pagination": pagination_json(limit=limit, offset=offset, has_more=has_more),
                }
            ).data
        )


class CityListApi(APIView):
    @extend_schema(
        operation_id="cities_list",
        description=(
            "The cities with cinemas, by name: what `city` takes. (From the Lambda "
            "catalog: the cities a cinema's address may end in, and `other`.)"
        ),
        responses={200: CitiesOutput, **errors(503)},
    )
    def get(self, request: Request) -> Response:
        return Response(CitiesOutput({"cities": get_catalog().cities()}).data)


class MovieDetailApi(APIView):
    @extend_schema(responses={200: MovieOutput, **errors(404, 503)})
    def get(self, request: Request, movie_id: str) -> Response:
        return Response(MovieOutput(get_catalog().movie_get(movie_id=movie_id)).data)
