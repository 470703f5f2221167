"""Response shapes of the catalog endpoints, for the OpenAPI schema."""

from rest_framework import serializers

from catalog.domain import Availability


class PaginationSerializer(serializers.Serializer):
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
    hasMore = serializers.BooleanField()


class MovieCardSerializer(serializers.Serializer):
    movieId = serializers.CharField()
    title = serializers.CharField()
    thumbnailUrl = serializers.CharField()
    rating = serializers.FloatField(allow_null=True)
    durationMins = serializers.IntegerField(allow_null=True)
    genres = serializers.ListField(child=serializers.CharField())


class MoviePageSerializer(serializers.Serializer):
    movies = MovieCardSerializer(many=True)
    pagination = PaginationSerializer()


class MovieSerializer(MovieCardSerializer):
    about = serializers.CharField()
    ageRating = serializers.CharField()
    releaseDate = serializers.DateField(allow_null=True)
    language = serializers.CharField()
    format = serializers.CharField()


class GeoSerializer(serializers.Serializer):
    lat = serializers.FloatField(allow_null=True)
    lng = serializers.FloatField(allow_null=True)


class ShowTimeSerializer(serializers.Serializer):
    showId = serializers.CharField()
    startTime = serializers.DateTimeField()
    price = serializers.FloatField(help_text="The lowest tier price, in rupees.")
    status = serializers.ChoiceField(choices=[a.value for a in Availability])


class TheatreShowsSerializer(serializers.Serializer):
    theatreId = serializers.CharField()
    name = serializers.CharField()
    address = serializers.CharField()
    geo = GeoSerializer()
    cancellationAvailable = serializers.BooleanField()
    shows = ShowTimeSerializer(many=True)


class MovieShowsSerializer(serializers.Serializer):
    movieId = serializers.CharField()
    date = serializers.DateField()
    theatres = TheatreShowsSerializer(many=True)


class TierSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    price = serializers.FloatField()


class LayoutSeatSerializer(serializers.Serializer):
    seatId = serializers.CharField()
    row = serializers.CharField()
    number = serializers.IntegerField()
    type = serializers.CharField()
    tier = serializers.CharField()
    column = serializers.IntegerField(help_text="Position in the row, aisle gaps counted.")


class SeatMapSerializer(serializers.Serializer):
    showId = serializers.CharField()
    movieId = serializers.CharField(allow_null=True)
    movieTitle = serializers.CharField(allow_blank=True)
    theatreId = serializers.CharField(allow_null=True)
    theatreName = serializers.CharField(allow_blank=True)
    screenName = serializers.CharField(allow_blank=True)
    startTime = serializers.DateTimeField()
    price = serializers.FloatField()
    currency = serializers.CharField()
    tiers = TierSerializer(many=True)
    layout = LayoutSeatSerializer(many=True)
    unavailableSeatIds = serializers.ListField(child=serializers.CharField())
    heldSeatIds = serializers.ListField(child=serializers.CharField())
