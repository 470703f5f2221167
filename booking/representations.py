"""Holds and orders as the JSON shapes of the API contract."""

from datetime import datetime
from typing import Any

from booking.domain import Hold, Order
from catalog.representations import iso


def hold_json(hold: Hold, now: datetime) -> dict[str, Any]:
    return {
        "holdId": hold.hold_id,
        "showId": hold.show_id,
        "seatIds": list(hold.seat_ids),
        "quantity": len(hold.seat_ids),
        "status": hold.status_at(now).value,
        "createdAt": iso(hold.created_at),
        "expiresAt": iso(hold.expires_at),
        "amount": hold.amount,
        "currency": "INR",
    }


def order_json(order: Order, now: datetime) -> dict[str, Any]:
    return {
        "orderId": order.order_id,
        "holdId": order.hold_id,
        "status": order.status_at(now).value,
        "movie": {"movieId": order.show.movie_id, "title": order.show.movie_title},
        "theatre": {"theatreId": order.show.theatre_id, "name": order.show.theatre_name},
        "show": {
            "showId": order.show.show_id,
            "startTime": iso(order.show.start_time),
            "screenName": order.show.screen_name,
        },
        "seats": list(order.seat_ids),
        "amount": order.amount,
        "currency": "INR",
        "breakdown": {
            "tickets": order.tickets_amount,
            "convenienceFee": order.convenience_fee,
            "total": order.amount,
        },
        "customer": {
            "name": order.customer.name,
            "email": order.customer.email,
            "phone": order.customer.phone,
        },
        "createdAt": iso(order.created_at),
        "expiresAt": iso(order.expires_at),
        "ticketCode": order.ticket_code,
    }
