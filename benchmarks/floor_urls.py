"""The project's URLs, and after them ``POST /bench/floor-hold``: the floor under what a
hold through the API can cost on this server.

The floor hold does only what no hold can do without: DRF's token authentication and
permission check (as every booking endpoint), the JSON body read with ``json.loads``, the
show from the catalog's cache, each seat's tier and the price, and the store's atomic
step; it answers the hold's id. It skips everything else the real endpoint does: no
validation of the body, no rate limit, no verified e-mail check, no single-seat rule, no
sold or blocked seats looked up, no idempotency, no serializers. ``booking_bench``
measures it beside ``POST /api/v1/holds`` and the trivial endpoint, on the same server
in the same rounds, so the report shows how near to the trivial endpoint a hold could
come at all. Only the benchmark serves it; the project never routes it.
"""

import json
import uuid
from datetime import timedelta

from django.conf import settings
from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response

from booking.api import BookingApi
from booking.pricing import price_seats
from booking.seats import sales_close_at
from booking.stores import get_store
from booking.stores.base import HoldRequest, SeatClaim
from bookmyshow.clients import client_address, user_id
from bookmyshow.urls import handler400, handler403, handler404, handler500
from bookmyshow.urls import urlpatterns as project_urlpatterns
from catalog.sources import get_catalog

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


class FloorHoldApi(BookingApi):
    def post(self, request: Request) -> Response:
        body = json.loads(request.body)
        show = get_catalog().show_get(
            show_id=body["showId"], max_age=settings.BMS_SEATMAP_MAX_AGE_SECONDS
        )
        seats = tuple(body["seatIds"])
        claim = SeatClaim(
            seat_ids=seats,
            tiers=tuple(show.layout.seats_by_id[seat].tier for seat in seats),
            amount=price_seats(show.layout, seats).total,
            unavailable=frozenset(),
            sales_close_at=sales_close_at(show.start_time),
            user_limit=settings.MAX_ACTIVE_SEATS_PER_USER,
            client_limit=settings.MAX_ACTIVE_SEATS_PER_CLIENT,
        )
        hold = get_store().hold_create(
            HoldRequest(
                hold_id=str(uuid.uuid4()),
                user_id=user_id(request),
                client=client_address(request),
                show_id=show.show_id,
                claim=claim,
                ttl=timedelta(seconds=settings.HOLD_TTL_SECONDS),
            )
        )
        return Response({"holdId": hold.hold_id}, status=201)


urlpatterns = [*project_urlpatterns, path("bench/floor-hold", FloorHoldApi.as_view())]
