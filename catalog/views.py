"""The moviegoer's browsing pages: what is showing, and a movie."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from catalog.sources import get_catalog

HOME_PAGE_SIZE = 100


def home(request: HttpRequest) -> HttpResponse:
    page = get_catalog().movie_list(limit=HOME_PAGE_SIZE, offset=0)
    return render(request, "catalog/home.html", {"movies": page.movies})


def movie_detail(request: HttpRequest, movie_id: str) -> HttpResponse:
    movie = get_catalog().movie_get(movie_id=movie_id)
    return render(
        request, "catalog/movie_detail.html", {"movie": movie, "today": timezone.localdate()}
    )
