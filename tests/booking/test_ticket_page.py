"""The ticket page: cinema address and map link, screen, seats by tier, the time in
words, the amount with the fee, Add to calendar, print; My bookings split in two."""

from datetime import timedelta
from decimal import Decimal

import icalendar
import pytest
from django.utils import timezone

from booking.models import Booking
from tests import factories
from tests.booking.test_staff import paid_order


@pytest.fixture
def ticket(client, user, show, settings):
    settings.CONVENIENCE_FEE_PER_TICKET = Decimal("20")
    paid = paid_order(user, show, ["B2", "B3", "A1"])
    client.force_login(user)
    return paid


def test_the_ticket_shows_where_when_and_what_was_paid(client, ticket, show):
    page = client.get(f"/orders/{ticket.order_id}/").content.decode()
    start = timezone.localtime(show.start_time)
    assert f"Tomorrow, {start:%A, %-d %B %Y} at {start:%-I:%M %p}" in page
    assert "148 min" in page
    assert "PVR Phoenix Palladium · <strong>Audi 1</strong>" in page
    assert "Lower Parel, Mumbai" in page
    assert 'href="https://www.google.com/maps/search/?api=1&amp;query=18.99%2C72.82"' in page
    assert "Prime: <strong>B2, B3</strong> · ₹250.00 each" in page
    assert "Classic: <strong>A1</strong> · ₹150.00 each" in page
    assert "<dt>Tickets</dt><dd>₹650.00</dd>" in page
    assert "<dt>Convenience fee</dt><dd>₹60.00</dd>" in page
    assert "<dt>Paid</dt><dd><strong>₹710.00</strong></dd>" in page
    assert f'href="/orders/{ticket.order_id}/ticket.ics"' in page
    assert "data-print" in page


def test_add_to_calendar_gives_an_ics_that_parses(client, ticket, show):
    response = client.get(f"/orders/{ticket.order_id}/ticket.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{ticket.ticket_code}.ics"'
    (event,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("DTSTART") == show.start_time.replace(microsecond=0)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=148 + 20)
    assert str(event["LOCATION"]) == "PVR Phoenix Palladium, Audi 1, Lower Parel, Mumbai"
    assert str(event["DESCRIPTION"]) == f"Ticket {ticket.ticket_code}\nSeats B2, B3, A1"


def test_someone_elses_calendar_file_is_refused(client, ticket, other_user):
    client.force_login(other_user)
    assert client.get(f"/orders/{ticket.order_id}/ticket.ics").status_code == 403


def test_the_print_stylesheet_hides_everything_but_the_ticket():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static/css/site.css").read_text()
    rules = css[css.index("@media print") :]
    assert ".site-header, .site-footer, #messages, .verify-banner, .no-print, .button" in rules


def test_my_bookings_splits_upcoming_and_past_with_posters(client, user, show, db):
    later = factories.show_create(movie=show.movie, screen=show.screen,
                                  start_time=show.start_time + timedelta(days=2))  # fmt: skip
    soon = paid_order(user, show, ["B1"])
    far = paid_order(user, later, ["B1"])
    gone = paid_order(user, later, ["B2"])
    Booking.objects.filter(pk=gone.order_id).update(show_start=timezone.now() - timedelta(days=3))
    client.force_login(user)
    page = client.get("/bookings/").content.decode()
    upcoming, past = page.split('<h2 class="section-title">Upcoming</h2>')[1].split(
        '<h2 class="section-title">Past</h2>'
    )
    assert upcoming.index(soon.ticket_code) < upcoming.index(far.ticket_code)  # soonest first
    assert gone.ticket_code not in upcoming
    assert gone.ticket_code in past
    assert 'src="/static/posters/monsoon-express.svg"' in upcoming
