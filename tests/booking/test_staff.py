"""Staff: live booking views in the admin (both store backends), actions, check-in."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from rest_framework.test import APIClient

from booking import selectors, services
from booking.domain import Customer
from booking.models import Booking
from booking.stores import get_store
from tests.support.clock import ManualClock

CUSTOMER = Customer(name="Asha Rao", email="asha@example.com", phone="9876543210")
LIVE_PAGES = [
    "/admin/",
    "/admin/live/",
    "/admin/live/holds/",
    "/admin/live/orders/",
    "/admin/check-in/",
]


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        "staff", "staff@example.com", "pw", is_staff=True, is_superuser=True
    )


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def hold(user, show, seats):
    return services.hold_create(
        user_id=user.id, client="192.0.2.1", show_id=str(show.id), seat_ids=list(seats)
    )


def paid_order(user, show, seats=("B1",)):
    order = services.order_create(
        user_id=user.id, hold_id=hold(user, show, seats).hold_id, customer=CUSTOMER
    )
    return services.order_confirm_payment(
        user_id=user.id, order_id=order.order_id, idempotency_key=None
    )


def staff_with(django_user_model, username, *codenames):
    """A staff account holding only the given booking permissions."""
    member = django_user_model.objects.create_user(username, password="pw", is_staff=True)
    member.user_permissions.set(
        Permission.objects.filter(content_type__app_label="booking", codename__in=codenames)
    )
    return member


@pytest.mark.parametrize("path", LIVE_PAGES)
def test_live_pages_are_for_staff_only(client, user, path, db):
    assert client.get(path)["Location"].startswith("/admin/login/")
    client.force_login(user)
    assert client.get(path)["Location"].startswith("/admin/login/")


@pytest.fixture
def clock(booking_backend):
    get_store().clock = ManualClock()
    return get_store().clock


@pytest.mark.usefixtures("booking_backend")
class TestLiveViewsOnEachBackend:
    def test_the_admin_index_links_the_live_views(self, staff_client, db):
        html = staff_client.get("/admin/").content.decode()
        for link in [
            "/admin/live/",
            "/admin/live/holds/",
            "/admin/live/orders/",
            "/admin/check-in/",
        ]:
            assert f'href="{link}"' in html

    def test_overview_shows_the_backend_and_the_queues(
        self, staff_client, show, user, booking_backend
    ):
        hold(user, show, ["B1", "A1"])
        html = staff_client.get("/admin/live/").content.decode()
        assert f"Booking store: <strong>{get_store().backend_name}</strong>" in html
        assert f"<td>{show.id}</td>" not in html  # shows link to their seat view
        assert html.count(f'href="/admin/live/shows/{show.id}/"') == 2  # PRIME and CLASSIC
        if booking_backend == "memory":  # a queue of this process: waits and refusals too
            assert "<td>PRIME</td><td>0</td><td>1</td><td>0</td>" in html
        else:  # one atomic script per request: only what each show and tier processed
            assert "<td>PRIME</td><td>—</td><td>1</td><td>—</td>" in html

    def test_holds_are_listed_filtered_and_released(self, staff_client, show, user, other_user):
        mine = hold(user, show, ["B1"])
        hold(other_user, show, ["B2"])
        html = staff_client.get("/admin/live/holds/?status=HELD&user=asha").content.decode()
        assert mine.hold_id in html
        assert "<td>B2</td>" not in html
        assert "<td>asha</td>" in html
        assert 'value="asha"' in html
        assert "Welcome," in html
        assert "<strong>staff</strong>" in html
        response = staff_client.post(f"/admin/live/holds/{mine.hold_id}/release/")
        assert response.status_code == 302
        assert selectors.hold_get_any(hold_id=mine.hold_id).status.value == "RELEASED"
        html = staff_client.get("/admin/live/holds/?status=RELEASED").content.decode()
        assert mine.hold_id in html

    def test_releasing_an_ended_hold_says_why(self, staff_client, show, user, clock):
        ended = hold(user, show, ["B1"])
        clock.advance(hours=1)
        response = staff_client.post(f"/admin/live/holds/{ended.hold_id}/release/", follow=True)
        assert "Your hold on these seats has run out." in response.content.decode()

    def test_pending_orders_show_their_countdown_and_can_be_cancelled(
        self, staff_client, show, user
    ):
        order = services.order_create(
            user_id=user.id, hold_id=hold(user, show, ["B3"]).hold_id, customer=CUSTOMER
        )
        html = staff_client.get("/admin/live/orders/").content.decode()
        assert order.order_id in html
        seconds_left = int(re.search(r"<td>(\d+) s</td>", html)[1])
        assert 290 <= seconds_left <= 300
        staff_client.post(f"/admin/live/orders/{order.order_id}/cancel/")
        assert selectors.order_get_any(order_id=order.order_id).status.value == "CANCELLED"
        assert "B3" not in selectors.seat_map_get(show_id=str(show.id)).held_seat_ids

    def test_a_shows_seats_with_states_and_versions(self, staff_client, show, user):
        paid_order(user, show, ["B1"])
        hold(user, show, ["B2"])
        html = staff_client.get(f"/admin/live/shows/{show.id}/").content.decode()
        assert "Free 7 · held 1 · sold 1 · blocked 1" in html
        assert '<td>B1</td><td>PRIME</td><td class="seat-state-sold">sold</td><td>2</td>' in html
        # A seat's version is the show's version after its last change: B1 held, B1 sold,
        # then B2 held.
        assert '<td>B2</td><td>PRIME</td><td class="seat-state-held">held</td><td>3</td>' in html
        assert '<td>A4</td><td>CLASSIC</td><td class="seat-state-blocked">blocked</td>' in html

    def test_the_sweeper_runs_from_the_overview(self, staff_client, show, user, clock):
        hold(user, show, ["B1"])
        clock.advance(days=1, minutes=11)
        response = staff_client.post("/admin/live/sweep/", follow=True)
        assert (
            "Sweeper recorded 0 paid orders the store had missed and forgot 1 holds and "
            "orders that ended over a day ago." in response.content.decode()
        )


def test_non_staff_cannot_release_holds(client, user, other_user, show):
    held = hold(user, show, ["B1"])
    client.force_login(other_user)
    client.post(f"/admin/live/holds/{held.hold_id}/release/")
    assert selectors.hold_get_any(hold_id=held.hold_id).is_active


def test_staff_need_the_permission_they_act_on(client, django_user_model, user, show):
    held = hold(user, show, ["B1"])
    viewer = staff_with(django_user_model, "viewer", "view_live_booking")
    nobody = staff_with(django_user_model, "nobody")
    client.force_login(nobody)
    for path in ["/admin/live/", "/admin/live/holds/", f"/admin/live/shows/{show.id}/"]:
        assert client.get(path).status_code == 403
    assert client.get("/admin/check-in/").status_code == 403
    client.force_login(viewer)
    assert client.get("/admin/live/holds/").status_code == 200
    assert client.post(f"/admin/live/holds/{held.hold_id}/release/").status_code == 403
    assert client.post("/admin/live/sweep/").status_code == 403
    assert client.post("/admin/check-in/", {"scan": "BMS-AAAAAA"}).status_code == 403
    assert selectors.hold_get_any(hold_id=held.hold_id).is_active


def test_staff_actions_go_back_only_to_pages_of_this_site(staff_client, user, show):
    held = hold(user, show, ["B1"])
    response = staff_client.post(
        f"/admin/live/holds/{held.hold_id}/release/", {"next": "https://evil.example/phish"}
    )
    assert response["Location"] == "/admin/live/holds/"
    held = hold(user, show, ["B3"])
    response = staff_client.post(
        f"/admin/live/holds/{held.hold_id}/release/", {"next": "/admin/live/holds/?status="}
    )
    assert response["Location"] == "/admin/live/holds/?status="


@pytest.mark.parametrize(
    "query", ["?show=x%07", "?user=%1bbad", "?status=%7f", "?show=" + "x" * 300]
)
def test_odd_staff_filters_are_ignored_not_500s(staff_client, query, db):
    """(A NUL in any query string is refused before any view: tests/test_hardening.py.)"""
    assert staff_client.get(f"/admin/live/holds/{query}").status_code == 200
    assert staff_client.get(f"/admin/live/orders/{query}").status_code == 200
    assert staff_client.get(f"/admin/live/{query}").status_code == 200


def test_bookings_are_searchable_read_only_admin_records(staff_client, user, show):
    paid = paid_order(user, show)
    html = staff_client.get(f"/admin/booking/booking/?q={paid.ticket_code}").content.decode()
    assert paid.ticket_code in html
    assert "\n1 booking\n" in html
    assert staff_client.get("/admin/booking/booking/add/").status_code == 403
    seats = staff_client.get(f"/admin/booking/soldseat/?q={paid.ticket_code}")
    assert seats.status_code == 200


# -- check-in --------------------------------------------------------------------------


@pytest.fixture
def door(staff):
    client = APIClient()
    client.force_authenticate(staff)
    return client


def check_in(client, code, show_id):
    return client.post(
        "/api/v1/staff/check-in", {"ticketCode": code, "showId": show_id}, format="json"
    )


def test_check_in_admits_a_valid_ticket_once(door, user, show):
    paid = paid_order(user, show, ["B1", "B2"])
    first = check_in(door, paid.ticket_code.lower(), str(show.id))
    assert first.status_code == 200
    assert first.json()["seats"] == ["B1", "B2"]
    assert first.json()["ticketCode"] == paid.ticket_code
    again = check_in(door, paid.ticket_code, str(show.id))
    assert again.status_code == 409
    body = again.json()["error"]
    assert body["code"] == "ALREADY_CHECKED_IN"
    assert body["details"]["checkedInAt"] == first.json()["checkedInAt"]
    assert body["message"].startswith("Already used: checked in at ")


def test_check_in_refuses_a_ticket_for_another_show(door, user, show):
    from tests import factories

    paid = paid_order(user, show)
    other = factories.show_create(
        movie=show.movie, screen=show.screen, start_time=show.start_time + timedelta(hours=3)
    )
    response = check_in(door, paid.ticket_code, str(other.id))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "WRONG_SHOW"
    assert response.json()["error"]["details"] == {"ticketShowId": str(show.id)}
    assert Booking.objects.get().checked_in_at is None


def test_check_in_of_an_unknown_code_is_404(door, db):
    response = check_in(door, "BMS-NOPE00", "00000000-0000-4000-8000-000000000000")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "TICKET_NOT_FOUND"


def test_check_in_is_for_staff_allowed_to_check_in(user, show, django_user_model):
    client = APIClient()
    assert check_in(client, "BMS-AAAAAA", str(show.id)).status_code == 401
    for member in (user, staff_with(django_user_model, "viewer", "view_live_booking")):
        client.force_authenticate(member)
        response = check_in(client, "BMS-AAAAAA", str(show.id))
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "FORBIDDEN"
    client.force_authenticate(staff_with(django_user_model, "door", "check_in_booking"))
    assert check_in(client, "BMS-AAAAAA", str(show.id)).status_code == 404


def test_check_in_page_in_the_admin(staff_client, user, show):
    paid = paid_order(user, show)
    ok = staff_client.post(
        "/admin/check-in/", {"scan": paid.ticket_code, "show_id": str(show.id)}, follow=True
    )
    assert f"Valid: {paid.ticket_code} admitted, seats B1." in ok.content.decode()
    again = staff_client.post(
        "/admin/check-in/", {"scan": paid.ticket_code, "show_id": str(show.id)}
    )
    assert "Already used: checked in at" in again.content.decode()


# -- CSRF --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/shows/{show}/hold/", "/accounts/logout/", "/admin/live/sweep/"])
def test_state_changing_html_requests_need_a_csrf_token(staff, show, path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    response = client.post(path.format(show=show.id), {"seats": ["B1"]}, HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert not get_store().holds_list()
