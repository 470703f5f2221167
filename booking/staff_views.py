"""Staff views of the live booking state, inside the admin site. Each checks the
permission it acts on (``booking.admin`` registers them): looking needs
``view_live_booking``, releasing, cancelling and sweeping need ``manage_live_booking``,
admitting tickets needs ``check_in_booking``. They work on every store backend."""

from collections import Counter
from datetime import timedelta

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from booking import reports, selectors, services
from booking.errors import ScanInvalid
from booking.stores import get_store
from booking.tickets import SCAN_MAX_LENGTH, SEPARATOR
from bookmyshow.errors import DomainError
from bookmyshow.ids import canonical_id

HOLD_STATUSES = ["HELD", "EXPIRED", "RELEASED", "CONVERTED"]
ORDER_STATUSES = ["PAYMENT_PENDING", "CONFIRMED", "EXPIRED", "CANCELLED"]
SEARCH_MAX_LENGTH = 150


def _render(request: HttpRequest, template: str, title: str, context: dict) -> HttpResponse:
    return TemplateResponse(
        request, template, {**admin.site.each_context(request), "title": title, **context}
    )


def _query(request: HttpRequest, name: str, default: str = "") -> str:
    """A filter from the query string: printable text of a sane length, else nothing."""
    value = request.GET.get(name, default).strip()[:SEARCH_MAX_LENGTH]
    return value if value.isprintable() else ""


def _show_filter(request: HttpRequest) -> str:
    return canonical_id(_query(request, "show")) or ""


def overview(request: HttpRequest) -> HttpResponse:
    raw = _query(request, "show")
    if raw:
        if show_id := canonical_id(raw):
            return redirect("admin:live-show", show_id)
        messages.error(request, "A show id is a UUID, like 3f2c…-….")
    store = get_store()
    return _render(
        request,
        "admin/booking/live_overview.html",
        "Live booking",
        {"backend": store.backend_name, "queues": store.queue_stats()},
    )


def _rows(records: list, status: str) -> list[tuple]:
    """Holds or orders with the given status ("" for all), each with its owner's name."""
    found = [record for record in records if status in ("", record.status.value)]
    names = selectors.usernames({record.user_id for record in found})
    return [(record, names.get(record.user_id, record.user_id)) for record in found]


def holds(request: HttpRequest) -> HttpResponse:
    status = _query(request, "status", "HELD")
    user = _query(request, "user")
    show = _show_filter(request)
    found = selectors.holds_for_staff(show_id=show, username=user)
    return _render(
        request,
        "admin/booking/live_holds.html",
        "Holds",
        {
            "rows": _rows(found, status),
            "statuses": HOLD_STATUSES,
            "status": status,
            "show": show,
            "user_filter": user,
        },
    )


def orders(request: HttpRequest) -> HttpResponse:
    status = _query(request, "status", "PAYMENT_PENDING")
    show = _show_filter(request)
    found = selectors.orders_for_staff(show_id=show)
    return _render(
        request,
        "admin/booking/live_orders.html",
        "Orders in the store",
        {"rows": _rows(found, status), "statuses": ORDER_STATUSES, "status": status, "show": show},
    )


def show_seats(request: HttpRequest, show_id: str) -> HttpResponse:
    seat_map = selectors.seat_map_get(show_id=show_id)
    versions = get_store().seat_versions(seat_map.show.show_id)
    seats = [
        (seat, seat_map.state(seat.seat_id).value, versions.get(seat.seat_id, 0))
        for seat in seat_map.show.layout.seats
    ]
    counts = Counter(state for _, state, _ in seats)
    return _render(
        request,
        "admin/booking/live_show.html",
        f"Seats of {show_id}",
        {"show": seat_map.show, "seats": seats, "counts": counts},
    )


def _act(request: HttpRequest, action, success: str, back: str) -> HttpResponse:
    try:
        action()
        messages.success(request, success)
    except DomainError as error:
        messages.error(request, error.message)
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(target if target and safe else back)


@require_POST
def hold_release(request: HttpRequest, hold_id: str) -> HttpResponse:
    return _act(
        request,
        lambda: services.hold_release(user_id=None, hold_id=hold_id),
        f"Hold {hold_id} released; its seats are free.",
        reverse("admin:live-holds"),
    )


@require_POST
def order_cancel(request: HttpRequest, order_id: str) -> HttpResponse:
    return _act(
        request,
        lambda: services.order_cancel(user_id=None, order_id=order_id),
        f"Order {order_id} cancelled; its seats are free.",
        reverse("admin:live-orders"),
    )


@require_POST
def sweep(request: HttpRequest) -> HttpResponse:
    report = services.bookings_sweep(keep_for=timedelta(days=1), now=timezone.now())
    messages.success(
        request,
        f"Sweeper recorded {report.sales_recorded} paid orders the store had missed and "
        f"forgot {report.records_purged} holds and orders that ended over a day ago.",
    )
    return redirect("admin:live-overview")


def check_in(request: HttpRequest) -> HttpResponse:
    """The door: a field a QR scanner types into (it ends with Enter, which submits), or
    where a ticket code is typed, and the show being let in, chosen from today's shows at
    the staff member's cinema (or any show: the ticket's own)."""
    result = None
    now = timezone.now()
    shows = selectors.door_shows_today(user=request.user, now=now)  # type: ignore[arg-type]
    show_id = canonical_id(request.POST.get("show_id", request.GET.get("show", "")).strip())
    if request.method == "POST":
        text = request.POST.get("scan", "").strip()
        try:
            if not text:
                raise DomainError("Scan a ticket's QR code, or type its code (BMS-XXXXXX).")
            if not (text.isprintable() and len(text) <= SCAN_MAX_LENGTH):
                raise ScanInvalid()
            is_scan = SEPARATOR in text
            result = services.ticket_check_in(
                scan=text if is_scan else None,
                ticket_code=None if is_scan else text,
                show_id=show_id,
                now=now,
            )
            messages.success(
                request,
                f"Valid: {result.booking.ticket_code} admitted, seats "
                f"{', '.join(result.booking.active_seat_ids)}.",
            )
        except DomainError as error:
            messages.error(request, error.message)
    return _render(
        request,
        "admin/booking/check_in.html",
        "Ticket check-in",
        {"result": result, "show_id": show_id or "", "shows": shows},
    )


def show_sales_csv(request: HttpRequest, show_id: str) -> HttpResponse:
    """The show's sales summary (sold, refunded, revenue by tier) as a CSV file."""
    summary = reports.show_sales_summary(show_id=show_id)
    response = HttpResponse(reports.show_sales_csv(summary), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="sales-{show_id}.csv"'
    return response
