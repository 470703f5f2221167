from django.urls import path, register_converter

from catalog import views
from catalog.converters import IsoDateConverter

register_converter(IsoDateConverter, "isodate")

app_name = "catalog"
urlpatterns = [
    path("", views.home, name="home"),
    path("movies/<str:movie_id>/", views.movie_detail, name="movie-detail"),
    path("movies/<str:movie_id>/buytickets/<isodate:day>/", views.buy_tickets, name="buy-tickets"),
]
