"""Staff views of the live booking state, inside the admin site (staff only: the site
wraps every view in ``admin_view``). They work on either store backend."""

from datetime import timedelta

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from booking import selectors, services
from booking.stores import get_store
from bookmyshow.errors import DomainError

HOLD_STATUSES = ["HELD", "EXPIRED", "RELEASED", "CONVERTED"]
ORDER_STATUSES = ["PAYMENT_PENDING", "CONFIRMED", "EXPIRED", "CANCELLED"]


def _render(request: HttpRequest, template: str, title: str, context: dict) -> HttpResponse:
    return TemplateResponse(
        request,
        template,
        {
            **admin.site.each_context(request),
            "title": title,
            **context,
        },
    )


def _seconds_left(expires_at, now) -> int:
    return max(0, int((expires_at - now).total_seconds()))


def overview(request: HttpRequest) -> HttpResponse:
    if show_id := request.GET.get("show", "").strip():
        return redirect("admin:live-show", show_id)
    store = get_store()
    return _render(
        request,
        "admin/booking/live_overview.html",
        "Live booking",
        {
            "backend": store.backend_name,
            "queues": store.queue_stats(),
        },
    )


def _rows(records: list, status: str, now) -> list[tuple]:
    """Holds or orders with the given effective status ("" for all), each with its
    status, seconds left and owner's username."""
    found = [record for record in records if status in ("", record.status_at(now).value)]
    names = selectors.usernames({record.user_id for record in found})
    return [
        (
            record,
            record.status_at(now).value,
            _seconds_left(record.expires_at, now),
            names.get(record.user_id, record.user_id),
        )
        for record in found
    ]


def holds(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    show = request.GET.get("show", "").strip()
    status = request.GET.get("status", "HELD")
    user = request.GET.get("user", "").strip()
    found = selectors.holds_for_staff(show_id=show, username=user)
    return _render(
        request,
        "admin/booking/live_holds.html",
        "Holds",
        {
            "rows": _rows(found, status, now),
            "statuses": HOLD_STATUSES,
            "status": status,
            "show": show,
            "user_filter": user,
        },
    )


def orders(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    status = request.GET.get("status", "PAYMENT_PENDING")
    show = request.GET.get("show", "").strip()
    found = selectors.orders_for_staff(show_id=show)
    return _render(
        request,
        "admin/booking/live_orders.html",
        "Orders in the store",
        {
            "rows": _rows(found, status, now),
            "statuses": ORDER_STATUSES,
            "status": status,
            "show": show,
        },
    )


def show_seats(request: HttpRequest, show_id: str) -> HttpResponse:
    seat_map = selectors.seat_map_get(show_id=show_id, now=timezone.now())
    versions = get_store().seat_versions(show_id=seat_map.show.show_id)
    blocked = seat_map.show.layout.blocked_seat_ids
    seats = [
        (
            seat,
            "blocked"
            if seat.seat_id in blocked
            else "sold"
            if seat.seat_id in seat_map.unavailable_seat_ids
            else "held"
            if seat.seat_id in seat_map.held_seat_ids
            else "free",
            versions.get(seat.seat_id, 0),
        )
        for row in seat_map.show.layout.rows
        for seat in row.seats
    ]
    counts = {
        state: sum(1 for _, s, _ in seats if s == state)
        for state in ("free", "held", "sold", "blocked")
    }
    return _render(
        request,
        "admin/booking/live_show.html",
        f"Seats of {show_id}",
        {
            "show": seat_map.show,
            "seats": seats,
            "counts": counts,
        },
    )


def _act(request: HttpRequest, action, success: str, back: str) -> HttpResponse:
    try:
        action()
        messages.success(request, success)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(request.POST.get("next") or back)


@require_POST
def hold_release(request: HttpRequest, hold_id: str) -> HttpResponse:
    return _act(
        request,
        lambda: services.hold_release_by_staff(hold_id=hold_id, now=timezone.now()),
        f"Hold {hold_id} released; its seats are free.",
        reverse("admin:live-holds"),
    )


@require_POST
def order_cancel(request: HttpRequest, order_id: str) -> HttpResponse:
    return _act(
        request,
        lambda: services.order_cancel_by_staff(order_id=order_id, now=timezone.now()),
        f"Order {order_id} cancelled; its seats are free.",
        reverse("admin:live-orders"),
    )


@require_POST
def sweep(request: HttpRequest) -> HttpResponse:
    removed = services.bookings_purge(now=timezone.now(), keep_for=timedelta(days=1))
    messages.success(
        request, f"Sweeper removed {removed} holds and orders that ended over a day ago."
    )
    return redirect("admin:live-overview")


def check_in(request: HttpRequest) -> HttpResponse:
    result = None
    if request.method == "POST":
        try:
            result = services.ticket_check_in(
                ticket_code=request.POST.get("ticket_code", ""),
                show_id=request.POST.get("show_id", "").strip(),
                now=timezone.now(),
            )
            messages.success(
                request,
                f"Valid: {result.booking.ticket_code} admitted, seats "
                f"{', '.join(result.booking.seat_ids)}.",
            )
        except DomainError as error:
            messages.error(request, error.message)
    return _render(
        request,
        "admin/booking/check_in.html",
        "Ticket check-in",
        {
            "result": result,
            "show_id": request.POST.get("show_id", request.GET.get("show", "")),
        },
    )
