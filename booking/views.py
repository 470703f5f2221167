"""The moviegoer's booking pages: pick seats, hold them, give details, pay, get a ticket.

Every page works as plain HTML forms; with htmx, the seat picker refreshes itself and
updates in place. Domain errors are rendered by ``bookmyshow.errors`` (a page, or a
message swapped into ``#messages``); the one exception is a seat conflict on "Proceed",
which returns the seat picker itself with the taken seats marked.
"""

import secrets
import uuid
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from booking import selectors, services
from booking.domain import Hold, Order, OrderStatus
from booking.errors import SeatUnavailable
from booking.forms import CustomerForm
from booking.grid import seat_grid_build
from booking.models import Booking
from booking.pricing import price_seats
from catalog.representations import iso

HOLD_NAMESPACE = uuid.UUID("1b6e5f44-59c2-4a8e-9d2c-3f1f6a0c2b71")


def redirect_to(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that htmx follows as a full page load."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def seats_url(show_id: str, seat_ids=()) -> str:
    url = reverse("booking:show-seats", args=[show_id])
    return f"{url}?{urlencode({'seats': list(seat_ids)}, doseq=True)}" if seat_ids else url


# -- picking seats ------------------------------------------------------------------------


def _seat_picker_context(
    show_id: str, selected: list[str], conflict: SeatUnavailable | None = None
) -> dict:
    seat_map = selectors.seat_map_get(show_id=show_id, now=timezone.now())
    layout = seat_map.show.layout
    taken = seat_map.unavailable_seat_ids | seat_map.held_seat_ids
    chosen = [s for s in dict.fromkeys(selected) if s in layout.seats_by_id and s not in taken]
    return {
        "show": seat_map.show,
        "grid": seat_grid_build(seat_map, selected=chosen),
        "selected": chosen,
        "price": price_seats(layout, chosen),
        "too_many": len(chosen) > settings.MAX_SEATS_PER_HOLD,
        "max_seats": settings.MAX_SEATS_PER_HOLD,
        "form_token": secrets.token_urlsafe(16),
        "conflict": conflict,
    }


@require_GET
def show_seats(request: HttpRequest, show_id: str) -> HttpResponse:
    context = _seat_picker_context(show_id, request.GET.getlist("seats"))
    template = "booking/show_seats.html"
    if request.htmx:
        template += "#seat-picker"
    return render(request, template, context)


@require_POST
def hold_create(request: HttpRequest, show_id: str) -> HttpResponse:
    seat_ids = request.POST.getlist("seats")
    if not request.user.is_authenticated:
        messages.info(request, "Log in or sign up to hold your seats.")
        login = redirect_to_login(seats_url(show_id, seat_ids))
        return redirect_to(request, login.url)
    # The form's one-time token names the hold, so submitting the same form twice (a
    # double click) finds the first hold instead of failing on its own seats.
    token = request.POST.get("form_token") or secrets.token_urlsafe(16)
    hold_id = str(uuid.uuid5(HOLD_NAMESPACE, f"{request.user.id}:{token}"))
    now = timezone.now()
    earlier = selectors.hold_find(user_id=request.user.id, hold_id=hold_id)
    if earlier is not None:
        if earlier.is_active(now):
            return redirect_to(request, reverse("booking:hold-detail", args=[hold_id]))
        hold_id = str(uuid.uuid4())  # an old form sent again: a new hold
    try:
        hold = services.hold_create(
            user_id=request.user.id, show_id=show_id, seat_ids=seat_ids, now=now, hold_id=hold_id
        )
    except SeatUnavailable as conflict:
        earlier = selectors.hold_find(user_id=request.user.id, hold_id=hold_id)
        if earlier is not None and earlier.is_active(now):
            return redirect_to(request, reverse("booking:hold-detail", args=[hold_id]))
        context = _seat_picker_context(show_id, seat_ids, conflict=conflict)
        if request.htmx:  # the message goes out of band into #messages
            return render(request, "booking/show_seats.html#seat-picker", context, status=409)
        messages.error(request, f"{conflict.message} Pick other seats.")
        return render(request, "booking/show_seats.html", context, status=409)
    return redirect_to(request, reverse("booking:hold-detail", args=[hold.hold_id]))


# -- checkout: the hold, then the order ---------------------------------------------------


def _customer_initial(request: HttpRequest) -> dict:
    user = request.user
    last = Booking.objects.filter(user=user).only("customer_phone").first()
    return {
        "name": user.get_full_name() or user.username,
        "email": user.email,
        "phone": last.customer_phone if last else "",
    }


def _countdown(expires_at, now) -> dict:
    return {
        "expires_at": iso(expires_at),
        "seconds_left": max(0, int((expires_at - now).total_seconds())),
    }


def _checkout_context(hold: Hold, now, form: CustomerForm) -> dict:
    show = selectors.show_get(show_id=hold.show_id)
    return {
        "hold": hold,
        "status": hold.status_at(now).value,
        "show": show,
        "price": price_seats(show.layout, hold.seat_ids),
        "countdown": _countdown(hold.expires_at, now),
        "form": form,
        "pick_again_url": seats_url(hold.show_id),
    }


@login_required
@require_GET
def hold_detail(request: HttpRequest, hold_id: str) -> HttpResponse:
    now = timezone.now()
    hold = selectors.hold_get(user_id=request.user.id, hold_id=hold_id)
    if hold.status_at(now).value == "CONVERTED":
        order = selectors.order_for_hold(user_id=request.user.id, hold_id=hold.hold_id)
        if order is not None:
            return redirect("booking:order-detail", order.order_id)
    form = CustomerForm(initial=_customer_initial(request))
    return render(request, "booking/checkout.html", _checkout_context(hold, now, form))


@login_required
@require_POST
def order_create(request: HttpRequest, hold_id: str) -> HttpResponse:
    now = timezone.now()
    hold = selectors.hold_get(user_id=request.user.id, hold_id=hold_id)
    form = CustomerForm(request.POST)
    if not form.is_valid():
        template = "booking/checkout.html"
        if request.htmx:
            template += "#customer-form"
        return render(request, template, _checkout_context(hold, now, form), status=422)
    order = services.order_create(
        user_id=request.user.id, hold_id=hold.hold_id, customer=form.customer(), now=now
    )
    return redirect_to(request, reverse("booking:order-detail", args=[order.order_id]))


@login_required
@require_POST
def hold_release(request: HttpRequest, hold_id: str) -> HttpResponse:
    hold = services.hold_release(user_id=request.user.id, hold_id=hold_id, now=timezone.now())
    messages.info(request, "Your seats were released.")
    return redirect_to(request, seats_url(hold.show_id))


def _ticket_svg(order: Order) -> str:
    start = timezone.localtime(order.show.start_time)
    payload = "\n".join(
        [
            order.ticket_code or "",
            order.show.movie_title,
            f"{order.show.theatre_name} {order.show.screen_name}".strip(),
            start.strftime("%Y-%m-%d %H:%M"),
            "Seats " + " ".join(order.seat_ids),
        ]
    )
    return segno.make(payload, error="m").svg_inline(scale=4, dark="#222", border=2)


@login_required
@require_GET
def order_detail(request: HttpRequest, order_id: str) -> HttpResponse:
    now = timezone.now()
    order = selectors.order_get(user_id=request.user.id, order_id=order_id)
    status = order.status_at(now)
    return render(
        request,
        "booking/order_detail.html",
        {
            "order": order,
            "status": status.value,
            "countdown": _countdown(order.expires_at, now),
            "ticket_svg": _ticket_svg(order) if status is OrderStatus.CONFIRMED else "",
            "payment_key": secrets.token_urlsafe(16),
            "pick_again_url": seats_url(order.show.show_id),
        },
    )


@login_required
@require_POST
def order_pay(request: HttpRequest, order_id: str) -> HttpResponse:
    # The form's one-time key makes a double click one payment, answered twice.
    key = request.POST.get("payment_key") or None
    order = services.order_confirm_payment(
        user_id=request.user.id, order_id=order_id, idempotency_key=key, now=timezone.now()
    )
    messages.success(request, f"Payment received. Your ticket code is {order.ticket_code}.")
    return redirect_to(request, reverse("booking:order-detail", args=[order.order_id]))


@login_required
@require_POST
def order_cancel(request: HttpRequest, order_id: str) -> HttpResponse:
    order = services.order_cancel(user_id=request.user.id, order_id=order_id, now=timezone.now())
    messages.info(request, "Your order was cancelled and the seats released.")
    return redirect_to(request, seats_url(order.show.show_id))


@login_required
@require_GET
def my_bookings(request: HttpRequest) -> HttpResponse:
    orders, _ = selectors.order_list(user_id=request.user.id, limit=100, offset=0)
    now = timezone.now()
    return render(
        request,
        "booking/my_bookings.html",
        {
            "orders": [(order, order.status_at(now).value) for order in orders],
        },
    )
