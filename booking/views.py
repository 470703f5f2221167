"""The moviegoer's booking pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from booking import selectors
from booking.grid import seat_grid_build


def show_seats(request: HttpRequest, show_id: str) -> HttpResponse:
    seat_map = selectors.seat_map_get(show_id=show_id, now=timezone.now())
    return render(
        request,
        "booking/show_seats.html",
        {
            "show": seat_map.show,
            "grid": seat_grid_build(seat_map),
        },
    )
