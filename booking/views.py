"""The moviegoer's booking pages: pick seats, hold them, give details, pay, get a ticket.

Every page works as plain HTML forms; with htmx, the seat picker refreshes itself and
updates in place. Domain errors are rendered by ``bookmyshow.errors`` (a page, or a
message swapped into ``#messages``); the one exception is a seat conflict on "Proceed",
which returns the seat picker itself with the taken seats marked. Forms carry one-time
tokens that the services use as idempotency keys, so a double click is one hold and one
payment.
"""

import secrets
from datetime import date, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from booking import selectors, services
from booking.calendar import ticket_ics
from booking.domain import Hold, HoldStatus, Order, OrderStatus
from booking.errors import OrphanSeat, SeatUnavailable
from booking.forms import CustomerForm
from booking.grid import seat_grid_drawing
from booking.models import Booking
from booking.picker import PickerRequest, SeatPicker, seat_picker_get
from booking.pricing import price_seats
from booking.tickets import ticket_qr_svg
from bookmyshow.api import iso
from bookmyshow.clients import HtmxHttpRequest, client_address, user_id
from bookmyshow.money import rupees
from bookmyshow.text import is_token
from catalog import finding
from catalog.querylinks import FilterLink, clear_url, filter_links, query_url
from catalog.sources import get_catalog
from catalog.visitor import city_current, city_prompt


def redirect_to(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """A redirect that htmx follows as a full page load."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def seats_url(show_id: str, seat_ids=(), *, gone=()) -> str:
    """The seat page with ``seat_ids`` picked (and ``gone``, seats taken from the
    selection, named)."""
    url = reverse("booking:show-seats", args=[show_id])
    query = urlencode({"seats": list(seat_ids), "gone": list(gone)}, doseq=True)
    return f"{url}?{query}" if query else url


# -- choosing a show ----------------------------------------------------------------------

DATE_STRIP_DAYS = 7


PRICE_BANDS = (
    ("", "200", "Under ₹200"),
    ("200", "400", "₹200 to ₹400"),
    ("400", "", "₹400 and up"),
)
SHOW_FILTERS = ("language", "format", "priceMin", "priceMax", "timeOfDay")


@require_GET
def buy_tickets(request: HtmxHttpRequest, movie_id: str, day: date) -> HttpResponse:
    """The movie's shows in the visitor's city on ``day``, filtered by language, format,
    price and time of day (links and a form; htmx swaps the listing in place); the date
    strip greys out days without a show for the filters."""
    movie = get_catalog().movie_card_get(movie_id=movie_id)
    if prompt := city_prompt(request):
        return prompt
    today = timezone.localdate()
    query = request.GET.copy()
    query.pop("city", None)
    filters = finding.show_filters_parse(
        query, facets=finding.facets_get(), city=city_current(request)
    )
    dates = [today + timedelta(days=offset) for offset in range(DATE_STRIP_DAYS)]
    found = selectors.show_dates_get(
        movie_id=movie_id, day=day, days=dates, now=timezone.now(), filters=filters
    )
    path = request.path
    encoded = query.urlencode()
    groups = [
        ("Language", "language", [(v, v) for v in movie.languages], filters.language),
        ("Format", "format", [(v, v) for v in movie.formats], filters.format),
        (
            "Time",
            "timeOfDay",
            [(part.value, f"{part.label} ({part.hours})") for part in finding.TimeOfDay],
            filters.time_of_day.value if filters.time_of_day else "",
        ),
    ]
    price_now = (
        "" if filters.price_min is None else str(filters.price_min),
        "" if filters.price_max is None else str(filters.price_max),
    )
    price_links = [
        FilterLink(
            label=label,
            url=query_url(
                path,
                query,
                **(
                    {"priceMin": None, "priceMax": None}
                    if price_now == (low, high)
                    else {"priceMin": low or None, "priceMax": high or None}
                ),
            ),
            active=price_now == (low, high),
        )
        for low, high, label in PRICE_BANDS
    ]
    return render(
        request,
        "booking/buy_tickets.html#listing" if request.htmx else "booking/buy_tickets.html",
        {
            "movie": movie,
            "day": day,
            "dates": [
                (
                    date_,
                    date_ in found.open_days,
                    reverse("booking:buy-tickets", args=[movie_id, date_])
                    + (f"?{encoded}" if encoded else ""),
                )
                for date_ in dates
            ],
            "theatres": found.theatres,
            "filters": filters,
            "filter_groups": [
                (title, filter_links(path, query, name, options, current))
                for title, name, options, current in groups
                if options
            ]
            + [("Price", price_links)],
            "active_filters": [
                (_FILTER_LABELS[name], value, query_url(path, query, **{name: None}))
                for name, value in filters.active()
            ],
            "clear_url": clear_url(path, query, list(SHOW_FILTERS)),
            "price_form_hidden": [
                (name, value)
                for name, value in filters.active()
                if name not in ("priceMin", "priceMax")
            ],
        },
    )


_FILTER_LABELS = {
    "language": "Language",
    "format": "Format",
    "priceMin": "From ₹",
    "priceMax": "Up to ₹",
    "timeOfDay": "Time",
}


# -- picking seats ------------------------------------------------------------------------

QUANTITY_KEY = "seat_quantity"  # in the session: how many seats the customer wants
DEFAULT_QUANTITY = 2


def _quantity(request: HtmxHttpRequest) -> int:
    """How many seats the customer wants: as just chosen (and remembered for the
    session), as chosen before, or two."""
    most = settings.MAX_SEATS_PER_HOLD
    chosen = request.GET.get("qty", "")
    if chosen.isascii() and chosen.isdigit() and 1 <= int(chosen) <= most:
        request.session[QUANTITY_KEY] = int(chosen)
        return int(chosen)
    remembered = request.session.get(QUANTITY_KEY)
    return (
        remembered
        if isinstance(remembered, int) and 1 <= remembered <= most
        else min(DEFAULT_QUANTITY, most)
    )


def _seat_picker_context(picker: SeatPicker) -> dict:
    drawing = seat_grid_drawing(picker.show.layout)
    return {
        "show": picker.show,
        "picker": picker,
        "grid_html": drawing.render(picker.cell_states),
        "grid_width": f"{drawing.width:g}",
        "quantities": range(1, settings.MAX_SEATS_PER_HOLD + 1),
        "max_seats": settings.MAX_SEATS_PER_HOLD,
        "form_token": secrets.token_urlsafe(16),
    }


def _render_picker(request: HtmxHttpRequest, picker: SeatPicker, status: int = 200) -> HttpResponse:
    template = "booking/show_seats.html"
    if request.htmx:
        template += "#seat-picker"
    return render(request, template, _seat_picker_context(picker), status=status)


def _picker_request(request: HtmxHttpRequest, *, acts: bool) -> PickerRequest:
    """The picker's state and the customer's action, from the query string. Seats taken
    from the selection are named until the customer does something."""
    data = request.GET
    return PickerRequest(
        selected=data.getlist("seats"),
        quantity=_quantity(request),
        gone=() if acts else data.getlist("gone"),
        tap=data.get("tap") or None,
        best=data.get("best") == "1",
    )


@require_GET
def show_seats(request: HtmxHttpRequest, show_id: str) -> HttpResponse:
    """The seat page. With htmx it answers refreshes and taps with the picker alone; a
    refresh that names the revision it shows gets 204 and nothing else while nothing
    changed. Without JavaScript, a tap or a choice answers with a redirect to the page
    showing the new selection, so a reload never taps twice."""
    acts = any(request.GET.get(name) for name in ("tap", "best", "qty"))
    revision = request.GET.get("v")
    # Before anything else is read (the session, the user): a refresh costs one store read.
    refresh = request.htmx and revision and not acts
    if refresh and revision == selectors.seat_map_revision(show_id=show_id):
        return HttpResponse(status=204)
    viewer = request.user.id if request.user.is_authenticated else None
    pick = _picker_request(request, acts=acts)
    picker = seat_picker_get(show_id=show_id, user_id=viewer, request=pick)
    if acts and not request.htmx:
        if picker.notice:
            messages.info(request, picker.notice)
        return redirect(seats_url(show_id, picker.selected, gone=picker.gone))
    return _render_picker(request, picker)


def _form_token(request: HtmxHttpRequest, name: str) -> str | None:
    """A form's one-time token (an idempotency key), if it looks like one."""
    token = request.POST.get(name)
    return token if is_token(token) else None


@require_POST
def hold_create(request: HtmxHttpRequest, show_id: str) -> HttpResponse:
    seat_ids = request.POST.getlist("seats")
    if not request.user.is_authenticated:
        messages.info(request, "Log in or sign up to hold your seats.")
        login = redirect_to_login(seats_url(show_id, seat_ids))
        return redirect_to(request, login.url)
    try:
        hold = services.hold_create(
            user_id=user_id(request),
            client=client_address(request),
            show_id=show_id,
            seat_ids=seat_ids,
            idempotency_key=_form_token(request, "form_token"),
        )
    except (SeatUnavailable, OrphanSeat):
        # The picker again: it lets go of the seats taken meanwhile and names them, or
        # says which seat the selection would leave alone.
        pick = PickerRequest(selected=seat_ids, quantity=_quantity(request))
        picker = seat_picker_get(show_id=show_id, user_id=user_id(request), request=pick)
        return _render_picker(request, picker, status=409)
    return redirect_to(request, reverse("booking:hold-detail", args=[hold.hold_id]))


# -- checkout: the hold, then the order ---------------------------------------------------


def _customer_initial(request: HtmxHttpRequest) -> dict:
    user = request.user
    assert isinstance(user, User)  # behind login_required
    last = Booking.objects.filter(user=user).only("customer_phone").first()
    return {
        "name": user.get_full_name() or user.username,
        "email": user.email,
        "phone": last.customer_phone if last else "",
    }


def _countdown(record: Hold | Order) -> dict:
    return {"expires_at": iso(record.expires_at), "seconds_left": record.seconds_left}


def _checkout_context(hold: Hold, form: CustomerForm) -> dict:
    show = selectors.show_get(show_id=hold.show_id)
    return {
        "hold": hold,
        "status": hold.status.value,
        "show": show,
        "price": price_seats(show.layout, hold.seat_ids),
        "countdown": _countdown(hold),
        "form": form,
        "pick_again_url": seats_url(hold.show_id),
    }


@never_cache
@login_required
@require_GET
def hold_detail(request: HtmxHttpRequest, hold_id: str) -> HttpResponse:
    hold = selectors.hold_get(user_id=user_id(request), hold_id=hold_id)
    if hold.status is HoldStatus.CONVERTED and hold.order_id:
        return redirect("booking:order-detail", hold.order_id)
    form = CustomerForm(initial=_customer_initial(request))
    return render(request, "booking/checkout.html", _checkout_context(hold, form))


@login_required
@require_POST
def order_create(request: HtmxHttpRequest, hold_id: str) -> HttpResponse:
    hold = selectors.hold_get(user_id=user_id(request), hold_id=hold_id)
    form = CustomerForm(request.POST)
    if not form.is_valid():
        template = "booking/checkout.html"
        if request.htmx:
            template += "#customer-form"
        return render(request, template, _checkout_context(hold, form), status=422)
    if hold.status is HoldStatus.CONVERTED and hold.order_id:  # sent twice
        return redirect_to(request, reverse("booking:order-detail", args=[hold.order_id]))
    order = services.order_create(
        user_id=user_id(request), hold_id=hold.hold_id, customer=form.customer()
    )
    return redirect_to(request, reverse("booking:order-detail", args=[order.order_id]))


@login_required
@require_POST
def hold_release(request: HtmxHttpRequest, hold_id: str) -> HttpResponse:
    held = selectors.hold_get(user_id=user_id(request), hold_id=hold_id)
    if held.status is HoldStatus.CONVERTED and held.order_id:  # from a page left open
        messages.info(request, "An order has already been made from this hold: here it is.")
        return redirect_to(request, reverse("booking:order-detail", args=[held.order_id]))
    hold = services.hold_release(user_id=user_id(request), hold_id=hold_id)
    messages.info(request, "Your seats were released.")
    return redirect_to(request, seats_url(hold.show_id))


def _ticket_svg(order: Order) -> str:
    """The ticket's QR code: its signed scan text alone (``booking.tickets``)."""
    return ticket_qr_svg(order.ticket_code or "")


@never_cache
@login_required
@require_GET
def order_detail(request: HtmxHttpRequest, order_id: str) -> HttpResponse:
    order = selectors.order_get(user_id=user_id(request), order_id=order_id)
    return render(
        request,
        "booking/order_detail.html",
        {
            "order": order,
            "status": order.status.value,
            "countdown": _countdown(order),
            "ticket_svg": _ticket_svg(order) if order.status is OrderStatus.CONFIRMED else "",
            "cancellation": (
                services.cancellation_preview(
                    user_id=user_id(request), order_id=order_id, seat_ids=None, now=timezone.now()
                )
                if order.status is OrderStatus.CONFIRMED
                else None
            ),
            "refunds": selectors.refunds_of(order_id=order_id) if order.ticket_code else [],
            "ticket": (
                selectors.ticket_details_get(
                    booking=selectors.booking_get(user_id=user_id(request), order_id=order_id)
                )
                if order.ticket_code
                else None
            ),
            "payment_key": secrets.token_urlsafe(16),
            "today": timezone.localdate(),
            "tomorrow": timezone.localdate() + timedelta(days=1),
            "pick_again_url": seats_url(order.show.show_id),
        },
    )


@login_required
@require_POST
def order_pay(request: HtmxHttpRequest, order_id: str) -> HttpResponse:
    # The form's one-time key makes a double click (or a retry after a failure) one
    # payment, answered again.
    order = services.order_confirm_payment(
        user_id=user_id(request),
        order_id=order_id,
        idempotency_key=_form_token(request, "payment_key"),
    )
    messages.success(request, f"Payment received. Your ticket code is {order.ticket_code}.")
    return redirect_to(request, reverse("booking:order-detail", args=[order.order_id]))


@login_required
@require_POST
def order_cancel(request: HtmxHttpRequest, order_id: str) -> HttpResponse:
    order = services.order_cancel(user_id=user_id(request), order_id=order_id)
    messages.info(request, "Your order was cancelled and the seats released.")
    return redirect_to(request, seats_url(order.show.show_id))


@login_required
@require_http_methods(["GET", "POST"])
def ticket_cancel(request: HtmxHttpRequest, order_id: str) -> HttpResponse:
    """Cancel a paid booking: GET shows the refund for the seats ticked (all by default)
    under the cinema's policy; POST cancels them."""
    seats = (
        request.POST.getlist("seats") if request.method == "POST" else request.GET.getlist("seats")
    )
    seat_ids = seats or None
    if request.method == "POST":
        cancellation = services.booking_cancel(
            user_id=user_id(request), order_id=order_id, seat_ids=seat_ids, now=timezone.now()
        )
        refund = cancellation.refund
        assert refund is not None  # a paid booking's cancellation records one
        messages.success(
            request,
            f"Cancelled seat{pluralize(refund.seat_ids)} {', '.join(refund.seat_ids)}. "
            f"Refund of {rupees(refund.amount)} recorded; it reaches your payment method "
            "in 5 to 7 working days.",
        )
        return redirect_to(request, reverse("booking:order-detail", args=[order_id]))
    order = selectors.order_get(user_id=user_id(request), order_id=order_id)
    preview = services.cancellation_preview(
        user_id=user_id(request), order_id=order_id, seat_ids=seat_ids, now=timezone.now()
    )
    return render(
        request,
        "booking/ticket_cancel.html",
        {
            "order": order,
            "preview": preview,
            "ticked": set(seat_ids or order.seat_ids),
        },
    )


@login_required
@require_GET
def ticket_calendar(request: HtmxHttpRequest, order_id: str) -> HttpResponse:
    """ "Add to calendar": the ticket as an .ics file."""
    booking = selectors.booking_get(user_id=user_id(request), order_id=order_id)
    ticket = selectors.ticket_details_get(booking=booking)
    response = HttpResponse(
        ticket_ics(booking, address=ticket.address, running_mins=ticket.duration_mins),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{booking.ticket_code}.ics"'
    return response


@login_required
@require_GET
def my_bookings(request: HtmxHttpRequest) -> HttpResponse:
    split = selectors.bookings_split(user_id=user_id(request), now=timezone.now())
    live = selectors.bookings_live(user_id=user_id(request))
    shows = {booking.show_id: selectors.show_get(show_id=booking.show_id) for booking in live}
    return render(
        request,
        "booking/my_bookings.html",
        {
            "live_bookings": [(booking, shows[booking.show_id]) for booking in live],
            "upcoming": split.upcoming,
            "past": split.past,
            "sections": [("Upcoming", split.upcoming), ("Past", split.past)],
        },
    )
