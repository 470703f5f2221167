from django.urls import path

from catalog import api

urlpatterns = [
    path("movies", api.MovieListApi.as_view(), name="movie-list"),
    path("movies/<str:movie_id>", api.MovieDetailApi.as_view(), name="movie-detail"),
    path("movies/<str:movie_id>/shows", api.MovieShowsApi.as_view(), name="movie-shows"),
    path("shows/<str:show_id>/seatmap", api.SeatMapApi.as_view(), name="seat-map"),
]
