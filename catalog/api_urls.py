from django.urls import path

from catalog import api

urlpatterns = [
    path("cities", api.CityListApi.as_view(), name="city-list"),
    path("movies", api.MovieListApi.as_view(), name="movie-list"),
    path("movies/<id:movie_id>", api.MovieDetailApi.as_view(), name="movie-detail"),
]
