"""The seat page (booking.views.show_seats and the picker): the map and its hooks, the
cheap refresh, taps and quantities, the customer's own seats, closed shows.

The show (tests.factories): Prime row B, B1-B3 | B4-B6 at ₹250; Classic row A, A1-A4 at
₹150, A4 blocked.
"""

import gzip
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from booking import services
from booking.domain import Customer
from booking.stores import get_store
from tests import factories
from tests.support.clock import ManualClock

HTMX = {"HTTP_HX_REQUEST": "true"}
CUSTOMER = Customer(name="Asha Rao", email="asha@example.com", phone="9876543210")
SEAT = re.compile(r'data-seat-id="(\w+)" data-state="(\w+)"')


@pytest.fixture
def site(client, user):
    client.force_login(user)
    return client


def states(html: str) -> dict[str, str]:
    return dict(SEAT.findall(html))


def revision(html: str) -> str:
    return re.search(r'name="v" value="([^"]+)"', html)[1]


def proceed_button(html: str) -> str:
    return html.split('class="button button--large summary__proceed"')[1].split(">")[0]


def page(client, show, query="", **headers) -> str:
    response = client.get(f"/shows/{show.id}/seats/{query}", **headers)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_every_seat_carries_its_id_and_state(client, show):
    html = page(client, show, "?seats=B1")
    assert states(html) == {
        **dict.fromkeys(["B2", "B3", "B4", "B5", "B6", "A1", "A2", "A3"], "available"),
        "B1": "selected",
        "A4": "blocked",
    }


def test_the_selection_is_kept_and_priced(client, show):
    html = page(client, show, "?seats=B1&seats=A1")
    assert "<strong>2 seats</strong>: A1, B1" in html
    assert "1 × Prime (₹250)" in html
    assert "1 × Classic (₹150)" in html
    assert '<p class="summary__amount">₹400.00</p>' in html
    assert " disabled" not in proceed_button(html)


def test_htmx_gets_the_picker_alone(client, show):
    html = page(client, show, "?seats=B1", **HTMX)
    assert html.lstrip().startswith('<form id="seat-picker"')
    assert "<html" not in html


def test_a_refresh_that_names_the_current_revision_gets_204_and_nothing_else(
    client, show, other_user
):
    store = get_store()
    store.clock = ManualClock()
    shown = revision(page(client, show))
    unchanged = client.get(f"/shows/{show.id}/seats/?v={shown}&seats=B1", **HTMX)
    assert (unchanged.status_code, unchanged.content) == (204, b"")

    held = services.hold_create(
        user_id=other_user.id, client="x", show_id=str(show.id), seat_ids=["B4", "B5", "B6"]
    )
    changed = client.get(f"/shows/{show.id}/seats/?v={shown}&seats=B1", **HTMX)
    assert changed.status_code == 200
    assert states(changed.content.decode())["B5"] == "held"
    assert states(changed.content.decode())["B1"] == "selected"
    shown = revision(changed.content.decode())

    # The hold runs out: nothing is written, and the map still changed.
    store.clock.set(held.expires_at)
    expired = client.get(f"/shows/{show.id}/seats/?v={shown}", **HTMX)
    assert expired.status_code == 200
    assert states(expired.content.decode())["B5"] == "available"
    # A refresh without a revision, or with an action, is always answered.
    assert client.get(f"/shows/{show.id}/seats/", **HTMX).status_code == 200
    assert client.get(f"/shows/{show.id}/seats/?v={shown}&tap=B1", **HTMX).status_code == 200


def test_the_revision_changes_when_the_show_starts(client, show):
    store = get_store()
    store.clock = ManualClock()
    shown = revision(page(client, show))
    store.clock.set(show.start_time)
    closed = client.get(f"/shows/{show.id}/seats/?v={shown}", **HTMX)
    assert closed.status_code == 200
    assert "booking has closed" in closed.content.decode()


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/shows/{show}/seats/", "seat-picker"),
        ("/", "movie-card"),
        ("/api/v1/shows/{show}/seatmap", '"unavailableSeatIds"'),
    ],
)
def test_pages_and_the_api_are_compressed(client, show, path, text):
    response = client.get(path.format(show=show.id), HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert text in gzip.decompress(response.content).decode()


def test_small_json_goes_as_it_is_and_a_small_page_is_compressed(rf):
    from django.http import HttpResponse, JsonResponse

    from bookmyshow.compression import CompressionMiddleware

    answers = {
        "json": JsonResponse({"seatIds": ["A1"] * 80}),  # about 500 bytes
        "page": HttpResponse("<p>" + "seat " * 100 + "</p>"),
    }
    request = rf.get("/", HTTP_ACCEPT_ENCODING="gzip")
    middleware = CompressionMiddleware(lambda request: answers[kind])
    encodings = {}
    for kind in answers:
        assert 200 < len(answers[kind].content) < 1024
        encodings[kind] = middleware(request).get("Content-Encoding")
    assert encodings == {"json": None, "page": "gzip"}


def test_picked_seats_taken_by_others_are_let_go_and_named_until_the_next_tap(
    client, show, other_user
):
    services.hold_create(user_id=other_user.id, client="x", show_id=str(show.id), seat_ids=["B3"])
    html = page(client, show, "?seats=B3&seats=B4", **HTMX)
    assert "Seat B3 was just taken by someone else. Pick another." in html
    assert (states(html)["B3"], states(html)["B4"]) == ("held", "selected")
    assert '<input type="hidden" name="gone" value="B3">' in html
    # Refreshes keep saying so; the next tap moves on.
    html = page(client, show, "?v=0&seats=B4&gone=B3", **HTMX)
    assert "Seat B3 was just taken" in html
    html = page(client, show, "?seats=B4&gone=B3&tap=A1", **HTMX)
    assert "was just taken" not in html


def test_a_tap_picks_the_seats_wanted_side_by_side(client, show):
    page(client, show, "?qty=3", **HTMX)
    html = page(client, show, "?tap=B4", **HTMX)
    assert [seat for seat, state in states(html).items() if state == "selected"] == [
        "B4",
        "B5",
        "B6",
    ]
    assert "<strong>3 seats</strong>: B4, B5, B6" in html
    # Without JavaScript a tap answers with the page that shows the new selection.
    response = client.get(f"/shows/{show.id}/seats/?seats=B4&seats=B5&seats=B6&tap=B6")
    assert response.status_code == 302
    assert response["Location"] == f"/shows/{show.id}/seats/?seats=B4&seats=B5"


def test_a_tap_on_a_taken_seat_changes_nothing(client, show):
    html = page(client, show, "?seats=B1&tap=A4", **HTMX)
    assert states(html)["B1"] == "selected"
    assert states(html)["A4"] == "blocked"


def test_how_many_seats_is_remembered_for_the_session(client, show):
    pressed = re.compile(r'value="(\d+)" class="quantity__option" aria-pressed="true"')
    assert pressed.findall(page(client, show)) == ["2"]  # until chosen
    assert pressed.findall(page(client, show, "?qty=4", **HTMX)) == ["4"]
    assert pressed.findall(page(client, show)) == ["4"]
    assert pressed.findall(page(client, show, "?qty=11", **HTMX)) == ["4"]  # over the limit
    assert pressed.findall(page(client, show, "?qty=²", **HTMX)) == ["4"]


def test_more_than_ten_seats_are_refused_with_a_message(client, db):
    screen = factories.screen_create()
    screen.rows.filter(label="B").update(seat_count=12, aisle_after=[])
    show = factories.show_create(screen=screen)
    query = "&".join(f"seats=B{n}" for n in range(1, 12))
    html = page(client, show, f"?{query}")
    assert "You can pick at most 10 seats at a time. Unselect 1 to continue." in html
    assert " disabled" in proceed_button(html)


def test_seats_you_bought_are_named_with_your_ticket_never_as_taken_by_others(
    site, show, user, other_user
):
    hold = services.hold_create(
        user_id=user.id, client="x", show_id=str(show.id), seat_ids=["B1", "B2"]
    )
    order = services.order_create(user_id=user.id, hold_id=hold.hold_id, customer=CUSTOMER)
    services.order_confirm_payment(user_id=user.id, order_id=order.order_id, idempotency_key=None)
    services.hold_create(user_id=other_user.id, client="y", show_id=str(show.id), seat_ids=["B3"])

    # Back to the seat page after paying: the page's address still names the seats.
    html = page(site, show, "?seats=B1&seats=B2&seats=B3")

    assert (
        "You booked B1, B2 for this show. "
        f'<a href="/orders/{order.order_id}/">See your ticket</a>' in html
    )
    assert "Seat B3 was just taken by someone else. Pick another." in html
    assert '<input type="hidden" name="gone" value="B3">' in html
    assert '<input type="hidden" name="gone" value="B1">' not in html
    assert (states(html)["B1"], states(html)["B3"]) == ("sold", "held")


def test_your_holds_and_orders_are_yours_with_a_way_back_and_out(site, show, user):
    hold = services.hold_create(
        user_id=user.id, client="x", show_id=str(show.id), seat_ids=["B1", "B2"]
    )
    other = services.hold_create(user_id=user.id, client="x", show_id=str(show.id), seat_ids=["A1"])
    order = services.order_create(user_id=user.id, hold_id=other.hold_id, customer=CUSTOMER)
    html = page(site, show)
    assert (states(html)["B1"], states(html)["B2"], states(html)["A1"]) == ("yours",) * 3
    assert re.search(r"You have B1, B2 on hold \(<time [^>]*>\d+:\d\d</time> left\):", html)
    assert f'href="/holds/{hold.hold_id}/">Continue</a>' in html
    assert f'formaction="/holds/{hold.hold_id}/release/"' in html
    assert re.search(r"You have A1 waiting for payment \(<time [^>]*>\d:\d\d</time> left\):", html)
    assert f'href="/orders/{order.order_id}/">Continue</a>' in html
    assert f'formaction="/orders/{order.order_id}/cancel/"' in html
    # Seats of yours picked again are not "taken by someone else".
    assert "just taken" not in page(site, show, "?seats=B1")

    bookings = site.get("/bookings/").content.decode()
    assert re.search(
        r"You have B1, B2 for Monsoon Express on \w{3} \d+ \w{3} at [^(]+ on hold", bookings
    )
    assert "You have A1 for Monsoon Express" in bookings

    released = site.post(f"/holds/{hold.hold_id}/release/")
    assert released.status_code == 302
    assert states(page(site, show))["B1"] == "available"


def test_a_show_that_started_is_read_only(client, db):
    show = factories.show_create(start_time=timezone.now() - timedelta(minutes=5))
    html = page(client, show, "?seats=B1&tap=B4", **HTMX)
    assert "booking has closed" in html
    assert re.search(r'<fieldset class="seat-map__canvas" id="seat-grid"[^>]* disabled>', html)
    assert '<div id="seat-choice" class="seat-choice" hidden>' in html
    assert "selected" not in states(html).values()
    assert "summary__proceed" not in html


def test_a_sold_out_show_says_so(client, show, other_user):
    services.hold_create(
        user_id=other_user.id,
        client="x",
        show_id=str(show.id),
        seat_ids=["B1", "B2", "B3", "B4", "B5", "B6", "A1", "A2", "A3"],
    )
    html = page(client, show)
    assert "Sold out: every seat of this show is taken." in html
    assert re.search(r'<fieldset class="seat-map__canvas" id="seat-grid"[^>]* disabled>', html)


def test_proceed_on_a_seat_taken_meanwhile_answers_with_the_picker(site, show, other_user):
    services.hold_create(user_id=other_user.id, client="x", show_id=str(show.id), seat_ids=["B3"])
    response = site.post(f"/shows/{show.id}/hold/", {"seats": ["B3", "B4"]}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 409
    assert html.lstrip().startswith('<form id="seat-picker"')
    assert "Seat B3 was just taken by someone else. Pick another." in html
    assert states(html)["B4"] == "selected"
    assert [h.user_id for h in get_store().holds_list()] == [other_user.id]


def test_show_time_buttons_name_the_format_and_the_screen(client, show):
    day = timezone.localtime(show.start_time).date()
    html = client.get(f"/movies/{show.movie_id}/buytickets/{day}/").content.decode()
    assert '<span class="showtime__what">2D · Audi 1</span>' in html
