"""Tickets that scan: the QR code's signed text, check-in by scan in the API and at the
admin's door page, and what the door says of used and cancelled tickets."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from booking import services
from booking.errors import ScanInvalid
from booking.models import Booking, StaffCinema
from booking.tickets import MAC_CHARS, ticket_code_from_scan, ticket_scan_text
from tests import factories
from tests.booking.test_staff import paid_order, staff_with


@pytest.fixture
def door(django_user_model):
    client = APIClient()
    client.force_authenticate(staff_with(django_user_model, "door", "check_in_booking"))
    return client


def scan(client, text, **more):
    return client.post("/api/v1/staff/check-in", {"scan": text, **more}, format="json")


# -- the QR code's text -------------------------------------------------------------------


def test_the_scan_text_is_the_code_a_dot_and_a_short_mac(settings):
    settings.TICKET_SIGNING_KEY = "key-one"
    text = ticket_scan_text("BMS-7K2QX9")
    code, dot, mac = text.partition(".")
    assert (code, dot, len(mac)) == ("BMS-7K2QX9", ".", MAC_CHARS)
    assert mac.isalnum()
    assert mac.isupper()
    assert ticket_code_from_scan(text) == "BMS-7K2QX9"
    # A keyboard-wedge scanner may change case or add a newline: still the same ticket.
    assert ticket_code_from_scan(f" {text.lower()}\n") == "BMS-7K2QX9"


def test_the_mac_depends_on_the_code_and_the_key(settings):
    settings.TICKET_SIGNING_KEY = "key-one"
    first = ticket_scan_text("BMS-7K2QX9")
    assert ticket_scan_text("BMS-7K2QX8") != first
    settings.TICKET_SIGNING_KEY = "key-two"
    assert ticket_scan_text("BMS-7K2QX9") != first
    with pytest.raises(ScanInvalid):  # printed under the old key
        ticket_code_from_scan(first)


@pytest.mark.parametrize(
    "altered",
    [
        lambda t: t.replace("BMS-7K2QX9", "BMS-7K2QX8"),  # another ticket's code
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # one character of the MAC
        lambda t: t.split(".")[0],  # the code alone
        lambda t: t[:-1],  # a MAC cut short
        lambda t: "",
        lambda t: "https://example.com/" + t,
    ],
)
def test_altered_or_forged_scans_are_refused(settings, altered):
    settings.TICKET_SIGNING_KEY = "key-one"
    with pytest.raises(ScanInvalid):
        ticket_code_from_scan(altered(ticket_scan_text("BMS-7K2QX9")))


# -- the API --------------------------------------------------------------------------------


def test_a_scan_checks_in_without_a_show_id_once(door, user, show):
    paid = paid_order(user, show, ["B1", "B2"])
    first = scan(door, ticket_scan_text(paid.ticket_code))
    assert first.status_code == 200
    assert first.json()["ticketCode"] == paid.ticket_code
    assert first.json()["showId"] == str(show.id)
    assert first.json()["seats"] == ["B1", "B2"]
    again = scan(door, ticket_scan_text(paid.ticket_code))
    assert again.status_code == 409
    error = again.json()["error"]
    assert error["code"] == "ALREADY_CHECKED_IN"
    assert error["details"]["checkedInAt"] == first.json()["checkedInAt"]
    assert error["message"].startswith("Already used: checked in at ")


def test_a_scan_with_the_show_being_let_in_refuses_another_shows_ticket(door, user, show):
    paid = paid_order(user, show)
    later = factories.show_create(
        movie=show.movie, screen=show.screen, start_time=show.start_time + timedelta(hours=3)
    )
    response = scan(door, ticket_scan_text(paid.ticket_code), showId=str(later.id))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "WRONG_SHOW"
    assert scan(door, ticket_scan_text(paid.ticket_code), showId=str(show.id)).status_code == 200


def test_an_altered_scan_is_a_400_and_admits_no_one(door, user, show):
    paid = paid_order(user, show)
    text = ticket_scan_text(paid.ticket_code)
    response = scan(door, text[:-1] + ("A" if text[-1] != "A" else "B"))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "INVALID_SCAN"
    assert Booking.objects.get().checked_in_at is None


def test_a_signed_scan_of_a_code_never_sold_is_a_404(door, db):
    response = scan(door, ticket_scan_text("BMS-NOPE00"))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "TICKET_NOT_FOUND"


def test_a_cancelled_ticket_is_refused_with_its_state(door, user, show):
    paid = paid_order(user, show)
    Booking.objects.update(status=Booking.Status.CANCELLED, cancelled_at=timezone.now())
    response = scan(door, ticket_scan_text(paid.ticket_code))
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "TICKET_CANCELLED"
    assert error["details"]["status"] == "CANCELLED"
    assert error["message"].startswith(f"Not valid: ticket {paid.ticket_code} was cancelled on ")
    assert Booking.objects.get().checked_in_at is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "scan"),
        ({"ticketCode": "BMS-AAAAAA"}, "showId"),
        ({"scan": "x", "ticketCode": "BMS-AAAAAA"}, "ticketCode"),
        ({"scan": "A" * 65}, "scan"),
        ({"scan": 7}, "scan"),
    ],
)
def test_check_in_bodies_that_make_no_sense_are_400s(door, db, body, field):
    response = door.post("/api/v1/staff/check-in", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert field in response.json()["error"]["details"]


# -- the admin's door page ----------------------------------------------------------------


def test_the_door_page_offers_todays_shows_at_the_staff_members_cinema(
    client, django_user_model, user
):
    soon = timezone.localtime() + timedelta(minutes=5)
    if soon.date() != timezone.localdate():  # just before midnight: "today" is tomorrow's
        soon = timezone.localtime().replace(hour=23, minute=59)
    here = factories.show_create(start_time=soon)
    elsewhere = factories.show_create(
        screen=factories.screen_create(factories.theatre_create("INOX Nariman Point")),
        start_time=soon,
    )
    tomorrow = factories.show_create(screen=here.screen, start_time=soon + timedelta(days=1))
    for show in (here, elsewhere, tomorrow):
        paid_order(user, show)
    member = staff_with(django_user_model, "door", "check_in_booking")
    StaffCinema.objects.create(
        user=member, theatre_id=str(here.screen.theatre_id), theatre_name="PVR Phoenix Palladium"
    )
    client.force_login(member)
    page = client.get("/admin/check-in/").content.decode()
    assert f'<option value="{here.id}">' in page
    assert f'value="{elsewhere.id}"' not in page
    assert f'value="{tomorrow.id}"' not in page
    assert "(0/1 in)" in page
    assert 'id="scan" name="scan" required autofocus' in page


def test_the_door_page_admits_a_scan_and_says_when_it_was_used(
    client, django_user_model, user, show
):
    paid = paid_order(user, show, ["B1", "B2"])
    client.force_login(staff_with(django_user_model, "door", "check_in_booking"))
    text = ticket_scan_text(paid.ticket_code)
    ok = client.post("/admin/check-in/", {"scan": text + "\r\n", "show_id": ""})
    assert f"Valid: {paid.ticket_code} admitted, seats B1, B2." in ok.content.decode()
    again = client.post("/admin/check-in/", {"scan": text, "show_id": str(show.id)})
    assert "Already used: checked in at" in again.content.decode()
    forged = client.post("/admin/check-in/", {"scan": text[:-2] + "ZZ", "show_id": ""})
    assert "This is not one of our tickets&#x27; QR codes" in forged.content.decode()


def test_services_admit_by_scan_or_by_code(user, show):
    paid = paid_order(user, show)
    result = services.ticket_check_in(scan=ticket_scan_text(paid.ticket_code), now=timezone.now())
    assert result.booking.ticket_code == paid.ticket_code
