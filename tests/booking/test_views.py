"""The booking pages: full pages and htmx partials, messages, redirects, status codes."""

import re

import pytest
from django.contrib.messages import get_messages

from booking import selectors, services
from booking.domain import Customer
from booking.models import Booking
from booking.stores import get_store
from tests.support.clock import ManualClock

HTMX = {"HTTP_HX_REQUEST": "true"}
CUSTOMER = Customer(name="Asha Rao", email="asha@example.com", phone="9876543210")
CLIENT = "127.0.0.1"


@pytest.fixture
def clock():
    get_store().clock = ManualClock()
    return get_store().clock


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def active_holds():
    return [h for h in get_store().holds_list() if h.is_active]


def test_proceed_needs_an_account_and_comes_back_to_the_show(client, show):
    response = client.post(f"/shows/{show.id}/hold/", {"seats": ["B1", "B2"]})
    assert response.status_code == 302
    assert response["Location"] == (
        f"/accounts/login/?next=/shows/{show.id}/seats/%3Fseats%3DB1%26seats%3DB2"
    )
    assert not active_holds()


def test_proceed_with_htmx_redirects_the_whole_page_to_login(client, show):
    response = client.post(f"/shows/{show.id}/hold/", {"seats": ["B1"]}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/accounts/login/?next=")


def test_proceed_holds_the_seats_and_opens_checkout(logged_in, show, user):
    response = logged_in.post(
        f"/shows/{show.id}/hold/", {"seats": ["B1", "B2"], "form_token": "t1"}
    )
    [hold] = active_holds()
    assert response.status_code == 302
    assert response["Location"] == f"/holds/{hold.hold_id}/"
    assert hold.seat_ids == ("B1", "B2")
    assert hold.user_id == user.id


def test_submitting_the_same_form_twice_makes_one_hold(logged_in, show):
    first = logged_in.post(f"/shows/{show.id}/hold/", {"seats": ["B1"], "form_token": "t1"})
    second = logged_in.post(f"/shows/{show.id}/hold/", {"seats": ["B1"], "form_token": "t1"})
    assert second["Location"] == first["Location"]
    assert len(active_holds()) == 1


def test_checkout_page_prefills_details_and_counts_down(logged_in, show, user):
    hold = services.hold_create(
        client=CLIENT, user_id=user.id, show_id=str(show.id), seat_ids=["B1"]
    )
    html = logged_in.get(f"/holds/{hold.hold_id}/").content.decode()
    assert "Seats held for" in html
    seconds_left = int(re.search(r'data-seconds-left="(\d+)"', html)[1])
    assert 590 <= seconds_left <= 600
    assert 'value="Asha Rao"' in html
    assert 'value="asha@example.com"' in html
    assert "Continue to payment · ₹250.00" in html


def test_checkout_of_an_expired_hold_offers_to_pick_again(logged_in, show, user, clock):
    hold = services.hold_create(
        client=CLIENT, user_id=user.id, show_id=str(show.id), seat_ids=["B1"]
    )
    clock.advance(minutes=11)
    html = logged_in.get(f"/holds/{hold.hold_id}/").content.decode()
    assert "Time's up" in html
    assert f'href="/shows/{show.id}/seats/"' in html


def test_someone_elses_checkout_is_403(client, show, user, other_user):
    hold = services.hold_create(
        client=CLIENT, user_id=user.id, show_id=str(show.id), seat_ids=["B1"]
    )
    client.force_login(other_user)
    response = client.get(f"/holds/{hold.hold_id}/")
    assert response.status_code == 403
    assert "This booking belongs to someone else." in response.content.decode()


def test_checkout_needs_login(client, show):
    hold_id = "2a0c7a44-1b6e-4f44-9d2c-3f1f6a0c2b71"
    response = client.get(f"/holds/{hold_id}/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"/accounts/login/?next=/holds/{hold_id}/")


def test_ids_in_any_letter_case_reach_the_same_hold(logged_in, show, user):
    hold = services.hold_create(
        client=CLIENT, user_id=user.id, show_id=str(show.id), seat_ids=["B1"]
    )
    page = logged_in.get(f"/holds/{hold.hold_id.upper()}/")
    assert page.status_code == 200
    assert f'action="/holds/{hold.hold_id}/order/"' in page.content.decode()
    assert logged_in.get(f"/holds/{hold.hold_id}x/").status_code == 404


def test_invalid_details_are_shown_inline_and_nothing_changes(logged_in, show, user):
    hold = services.hold_create(
        client=CLIENT, user_id=user.id, show_id=str(show.id), seat_ids=["B1"]
    )
    response = logged_in.post(
        f"/holds/{hold.hold_id}/order/", {"name": "Asha", "email": "nope", "phone": "12345"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert html.lstrip().startswith('<form id="customer-form"')
    assert "Enter a valid email address." in html
    assert "Enter a 10-digit Indian mobile number" in html
    assert selectors.hold_get(user_id=user.id, hold_id=hold.hold_id).is_active


def test_details_make_the_order_and_pay_issues_the_ticket(logged_in, show, user):
    hold = services.hold_create(
        client=CLIENT, user_id=user.id, show_id=str(show.id), seat_ids=["B1", "A1"]
    )
    response = logged_in.post(
        f"/holds/{hold.hold_id}/order/",
        {"name": "Asha Rao", "email": "asha@example.com", "phone": "+91 98765 43210"},
    )
    order_url = response["Location"]
    assert order_url.startswith("/orders/")
    html = logged_in.get(order_url).content.decode()
    assert "Pay within" in html
    assert "Pay ₹400.00" in html

    paid = logged_in.post(f"{order_url}pay/", {"payment_key": "once"}, follow=True)
    html = paid.content.decode()
    booking = Booking.objects.get()
    assert f"Payment received. Your ticket code is {booking.ticket_code}." in html
    assert "Your ticket" in html
    assert "<svg" in html
    assert "Prime: <strong>B1</strong>" in html
    assert "Classic: <strong>A1</strong>" in html
    assert booking.customer_phone == "9876543210"
    # The checkout link of the used hold now leads to the order.
    assert logged_in.get(f"/holds/{hold.hold_id}/")["Location"] == order_url


def test_paying_twice_with_the_same_form_is_one_payment(logged_in, show, user):
    hold = services.hold_create(
        client=CLIENT, user_id=user.id, show_id=str(show.id), seat_ids=["B1"]
    )
    order = services.order_create(user_id=user.id, hold_id=hold.hold_id, customer=CUSTOMER)
    first = logged_in.post(f"/orders/{order.order_id}/pay/", {"payment_key": "k"})
    second = logged_in.post(f"/orders/{order.order_id}/pay/", {"payment_key": "k"})
    assert first.status_code == second.status_code == 302
    assert Booking.objects.count() == 1


def test_paying_an_expired_order_says_so_in_words(logged_in, show, user, clock):
    hold = services.hold_create(
        client=CLIENT, user_id=user.id, show_id=str(show.id), seat_ids=["B1"]
    )
    order = services.order_create(user_id=user.id, hold_id=hold.hold_id, customer=CUSTOMER)
    clock.advance(minutes=6)
    response = logged_in.post(f"/orders/{order.order_id}/pay/", {"payment_key": "k"}, **HTMX)
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#messages"
    assert "The time to pay for this order has run out." in response.content.decode()
    html = logged_in.get(f"/orders/{order.order_id}/").content.decode()
    assert "Time's up" in html


def test_cancel_releases_the_hold_or_the_order(logged_in, show, user):
    hold = services.hold_create(
        client=CLIENT, user_id=user.id, show_id=str(show.id), seat_ids=["B1"]
    )
    response = logged_in.post(f"/holds/{hold.hold_id}/release/")
    assert response["Location"] == f"/shows/{show.id}/seats/"
    assert [m.message for m in get_messages(response.wsgi_request)] == ["Your seats were released."]
    hold = services.hold_create(
        client=CLIENT, user_id=user.id, show_id=str(show.id), seat_ids=["B1"]
    )
    order = services.order_create(user_id=user.id, hold_id=hold.hold_id, customer=CUSTOMER)
    response = logged_in.post(f"/orders/{order.order_id}/cancel/")
    assert response["Location"] == f"/shows/{show.id}/seats/"
    assert not active_holds()


def test_release_from_a_hold_page_left_open_after_the_order_leads_to_the_order(
    logged_in, show, user
):
    hold = services.hold_create(
        client=CLIENT, user_id=user.id, show_id=str(show.id), seat_ids=["B1"]
    )
    order = services.order_create(user_id=user.id, hold_id=hold.hold_id, customer=CUSTOMER)
    services.order_confirm_payment(user_id=user.id, order_id=order.order_id, idempotency_key=None)

    response = logged_in.post(f"/holds/{hold.hold_id}/release/")

    assert (response.status_code, response["Location"]) == (302, f"/orders/{order.order_id}/")
    assert [m.message for m in get_messages(response.wsgi_request)] == [
        "An order has already been made from this hold: here it is."
    ]
    assert Booking.objects.get().active_seat_ids == ["B1"]


def test_the_hold_and_order_pages_are_not_kept_by_the_browser(logged_in, show, user):
    hold = services.hold_create(
        client=CLIENT, user_id=user.id, show_id=str(show.id), seat_ids=["B1"]
    )
    other = services.hold_create(
        client=CLIENT, user_id=user.id, show_id=str(show.id), seat_ids=["B2"]
    )
    order = services.order_create(user_id=user.id, hold_id=other.hold_id, customer=CUSTOMER)
    for url in (f"/holds/{hold.hold_id}/", f"/orders/{order.order_id}/"):
        response = logged_in.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]


def test_my_bookings_lists_orders_newest_first_with_status(logged_in, show, user, clock):
    def order(seat):
        hold = services.hold_create(
            client=CLIENT, user_id=user.id, show_id=str(show.id), seat_ids=[seat]
        )
        return services.order_create(user_id=user.id, customer=CUSTOMER, hold_id=hold.hold_id)

    first = order("B1")
    services.order_confirm_payment(user_id=user.id, order_id=first.order_id, idempotency_key=None)
    clock.advance(seconds=5)
    order("B2")
    html = logged_in.get("/bookings/").content.decode()
    assert html.index("Awaiting payment") < html.index("Confirmed · BMS-")


def test_my_bookings_needs_login(client, db):
    assert client.get("/bookings/")["Location"].startswith("/accounts/login/")


def test_signup_logs_in_and_returns_to_the_show(client, show):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "meera",
            "first_name": "Meera",
            "email": "meera@example.com",
            "password1": "a-strong-pass-9",
            "password2": "a-strong-pass-9",
            "next": f"/shows/{show.id}/seats/?seats=B1",
        },
    )
    assert response["Location"] == f"/shows/{show.id}/seats/?seats=B1"
    assert [m.message for m in get_messages(response.wsgi_request)] == [
        "Welcome, Meera! We sent a link to meera@example.com: open it to verify your "
        "address, and you can book seats."
    ]
    assert client.get("/bookings/").status_code == 200


def test_signup_refuses_an_unsafe_next_url(client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "meera",
            "first_name": "Meera",
            "email": "meera@example.com",
            "password1": "a-strong-pass-9",
            "password2": "a-strong-pass-9",
            "next": "https://evil.example.com/",
        },
    )
    assert response["Location"] == "/"


def test_login_failure_and_success_messages(client, user):
    failed = client.post("/accounts/login/", {"username": "asha", "password": "wrong"})
    assert failed.status_code == 200
    assert "Please enter a correct username and password." in failed.content.decode()
    ok = client.post(
        "/accounts/login/", {"username": "asha", "password": "pass-word-123"}, follow=True
    )
    assert "You are logged in." in ok.content.decode()
    out = client.post("/accounts/logout/", follow=True)
    assert "You are logged out." in out.content.decode()
