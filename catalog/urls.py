from django.urls import path

from catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.home, name="home"),
    path("movies/", views.movie_list, name="movie-list"),
    path("movies/<id:movie_id>/", views.movie_detail, name="movie-detail"),
    path("search/suggest/", views.search_suggest, name="search-suggest"),
    path("city/", views.city_choose, name="city-choose"),
]
