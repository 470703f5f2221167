"""The moviegoer's browsing pages: what is showing, and a movie."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from catalog.sources import get_catalog


def home(request: HttpRequest) -> HttpResponse:
    """Every movie the catalog has, however many."""
    return render(request, "catalog/home.html", {"movies": get_catalog().movies_all()})


def movie_detail(request: HttpRequest, movie_id: str) -> HttpResponse:
    movie = get_catalog().movie_get(movie_id=movie_id)
    return render(
        request, "catalog/movie_detail.html", {"movie": movie, "today": timezone.localdate()}
    )
