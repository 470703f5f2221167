"""The moviegoer's browsing pages: what is showing, a movie, where and when it plays."""

from datetime import date, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from booking import selectors
from catalog.sources import get_catalog

DATE_STRIP_DAYS = 7
HOME_PAGE_SIZE = 100


def home(request: HttpRequest) -> HttpResponse:
    page = get_catalog().movie_list(limit=HOME_PAGE_SIZE, offset=0)
    return render(request, "catalog/home.html", {"movies": page.movies})


def movie_detail(request: HttpRequest, movie_id: str) -> HttpResponse:
    movie = get_catalog().movie_get(movie_id=movie_id)
    return render(
        request, "catalog/movie_detail.html", {"movie": movie, "today": timezone.localdate()}
    )


def buy_tickets(request: HttpRequest, movie_id: str, day: date) -> HttpResponse:
    movie = get_catalog().movie_get(movie_id=movie_id)
    today = timezone.localdate()
    theatres = selectors.theatre_shows_list(movie_id=movie_id, day=day, now=timezone.now())
    return render(
        request,
        "catalog/buy_tickets.html",
        {
            "movie": movie,
            "day": day,
            "dates": [today + timedelta(days=offset) for offset in range(DATE_STRIP_DAYS)],
            "theatres": theatres,
        },
    )
