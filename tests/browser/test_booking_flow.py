"""The moviegoer's flows in a real browser."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from booking.models import Booking
from bookmyshow.models import PendingEmailVerification
from tests import factories


def seat(page, seat_id):
    return page.locator(f'[data-seat-id="{seat_id}"]')


def test_from_the_home_page_to_a_ticket(new_page, show, user):
    page = new_page()
    page.goto("/")
    page.get_by_role("link", name=re.compile("Monsoon Express")).click()
    page.get_by_role("link", name="Book tickets").click()
    day = timezone.localtime(show.start_time)
    page.locator(".date-strip__day", has_text=f"{day.day}").first.click()
    page.get_by_role("link", name=re.compile("08:00 PM.*Audi 1")).click()

    expect(page.get_by_role("heading", name="Monsoon Express")).to_be_visible()
    seat(page, "B1").click()  # two seats, side by side, until told otherwise
    expect(page.locator("#booking-summary")).to_contain_text("2 seats: B1, B2")
    expect(page.locator("#booking-summary")).to_contain_text("₹500.00")
    page.get_by_role("button", name=re.compile("Proceed")).click()

    # Holding needs an account: log in, and come back to the show with the seats picked.
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Username").fill("asha")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#booking-summary")).to_contain_text("2 seats: B1, B2")
    page.get_by_role("button", name=re.compile("Proceed")).click()

    expect(page).to_have_url(re.compile(r"/holds/"))
    expect(page.locator(".countdown")).to_contain_text(re.compile(r"Seats held for \d+:\d\d"))
    expect(page.get_by_label("Full name")).to_have_value("Asha Rao")
    page.get_by_label("Mobile number").fill("12345")
    page.get_by_role("button", name=re.compile("Continue to payment")).click()
    # The browser checks the number inline before anything is sent.
    assert page.get_by_label("Mobile number").evaluate("el => el.validity.patternMismatch")
    expect(page).to_have_url(re.compile(r"/holds/"))
    page.get_by_label("Mobile number").fill("98765 43210")
    page.get_by_role("button", name=re.compile("Continue to payment")).click()

    expect(page).to_have_url(re.compile(r"/orders/"))
    expect(page.locator(".countdown")).to_contain_text("Pay within")
    page.get_by_role("button", name="Pay ₹500.00").click()

    expect(page.get_by_role("heading", name="Your ticket")).to_be_visible()
    booking = Booking.objects.get()
    expect(page.locator(".ticket__code")).to_have_text(booking.ticket_code)
    expect(page.locator(".ticket__qr svg")).to_be_visible()
    expect(page.locator(".ticket")).to_contain_text("Prime: B1, B2")

    page.get_by_role("link", name="My bookings").first.click()
    expect(page.locator(".booking-list")).to_contain_text(f"Confirmed · {booking.ticket_code}")


def test_back_after_paying_shows_the_ticket_then_the_seats_as_booked(new_page, show, user):
    page = new_page(user=user, width=360, height=740, touch=True)
    page.goto(f"/shows/{show.id}/seats/?seats=B1&seats=B2")
    page.get_by_role("button", name=re.compile("Proceed")).click()
    expect(page).to_have_url(re.compile(r"/holds/"))
    page.get_by_label("Mobile number").fill("98765 43210")
    page.get_by_role("button", name=re.compile("Continue to payment")).click()
    expect(page).to_have_url(re.compile(r"/orders/"))
    page.get_by_role("button", name="Pay ₹500.00").click()
    expect(page.get_by_role("heading", name="Your ticket")).to_be_visible()
    ticket_url = page.url

    # The hold's page is not shown again as it was, offering to pay or to release.
    page.go_back()
    expect(page.get_by_role("heading", name="Your ticket")).to_be_visible()
    assert page.url == ticket_url
    # Further back, the seat page names the seats as bought, not taken by someone else.
    page.go_back()
    expect(page).to_have_url(re.compile(r"/seats/\?seats=B1&seats=B2$"))
    expect(page.locator("#seat-notices")).to_contain_text("You booked B1, B2 for this show.")
    expect(page.get_by_text("just taken")).to_have_count(0)
    page.get_by_role("link", name="See your ticket").click()
    expect(page).to_have_url(ticket_url)


def test_a_page_with_a_countdown_brought_back_from_memory_asks_the_server_again(
    remembering_browser, live_server, show
):
    page = remembering_browser.new_page(base_url=live_server.url)
    page.goto(f"/shows/{show.id}/seats/")
    page.evaluate("window.shownBefore = true")
    page.goto("/")
    # Shown from memory, a page sends no load event: one comes only if it loads afresh.
    with page.expect_event("load", timeout=5_000):
        page.go_back(wait_until="commit")
    assert page.evaluate("window.shownBefore") is None  # its scripts started over
    expect(page.locator("#seat-grid")).to_be_visible()


def test_an_error_answered_to_a_tap_is_shown_in_place_also_while_debugging(
    new_page, show, user, settings
):
    """``make run`` serves with DEBUG on: the page stays, with the message above it."""
    settings.DEBUG = True
    PendingEmailVerification.objects.create(user=user, email=user.email)
    page = new_page(user=user, width=360, height=740, touch=True)
    page.goto(f"/shows/{show.id}/seats/?seats=B1&seats=B2")
    page.get_by_role("button", name=re.compile("Proceed")).click()

    expect(page.locator("#messages")).to_contain_text(
        "Please verify your e-mail address first: open the link we sent to asha@example.com "
        "(if it did not arrive, Resend the link at the top of the site's pages sends another)."
    )
    expect(page.get_by_role("button", name="Resend the link")).to_be_visible()
    expect(page.locator("#seat-grid")).to_be_visible()
    expect(page.locator("#booking-summary")).to_contain_text("2 seats: B1, B2")


def test_two_people_race_for_one_seat(new_page, show, user, django_user_model):
    other = django_user_model.objects.create_user("ravi", "ravi@example.com", "x")
    pages = [new_page(user=user), new_page(user=other)]
    for page in pages:
        page.goto(f"/shows/{show.id}/seats/")
        page.get_by_role("button", name="1", exact=True).click()
        expect(page.get_by_role("button", name="1", exact=True)).to_have_attribute(
            "aria-pressed", "true"
        )
        seat(page, "B3").click()
        expect(page.locator("#booking-summary")).to_contain_text("1 seat: B3")
    for page in pages:
        page.get_by_role("button", name=re.compile("Proceed")).click(no_wait_after=True)

    def outcome(page):
        page.wait_for_url(re.compile(r"/holds/"), timeout=3000)
        return "won"

    results = []
    for page in pages:
        try:
            results.append(outcome(page))
        except Exception:
            expect(page.locator("#booking-summary")).to_contain_text(
                "Seat B3 was just taken by someone else."
            )
            expect(seat(page, "B3")).to_have_attribute("data-state", "held")
            results.append("lost")
    assert sorted(results) == ["lost", "won"]


def test_a_hold_that_runs_out_while_the_page_is_open(new_page, show, user, settings):
    settings.HOLD_TTL_SECONDS = 3
    page = new_page(user=user)
    page.goto(f"/shows/{show.id}/seats/?seats=B1")
    page.get_by_role("button", name=re.compile("Proceed")).click()
    expect(page).to_have_url(re.compile(r"/holds/"))
    expect(page.get_by_role("heading", name="Time's up")).to_be_visible(timeout=10_000)
    page.get_by_role("link", name="Pick seats again").click()
    expect(seat(page, "B1")).to_have_attribute("data-state", "available")


def test_seats_taken_elsewhere_appear_without_a_reload(new_page, show, user):
    from booking import services

    page = new_page()
    page.goto(f"/shows/{show.id}/seats/")
    expect(seat(page, "B5")).to_have_attribute("data-state", "available")
    services.hold_create(
        user_id=user.id, client="x", show_id=str(show.id), seat_ids=["B4", "B5", "B6"]
    )
    expect(seat(page, "B5")).to_have_attribute("data-state", "held", timeout=3000)


@pytest.mark.parametrize("width", [360, 768, 1280])
def test_pages_fit_the_width_and_a_wide_map_scrolls_inside(new_page, show, width):
    wide = factories.screen_create(name="Wide")
    wide.rows.update(seat_count=40, aisle_after=[8, 32])
    wide_show = factories.show_create(movie=show.movie, screen=wide)
    page = new_page(width=width, height=800)
    for path in ["/", f"/movies/{show.movie_id}/", f"/shows/{wide_show.id}/seats/"]:
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than {width}px"
    grid = page.locator("#seat-map-viewport")
    grid_overflow = grid.evaluate("el => el.scrollWidth - el.clientWidth")
    assert grid_overflow > 0  # 44 cells of 24 px are wider than the map on any of these


def test_the_seat_grid_works_from_the_keyboard(new_page, show):
    page = new_page()
    page.goto(f"/shows/{show.id}/seats/")
    seat(page, "B1").focus()
    page.keyboard.press("Space")
    expect(page.locator("#booking-summary")).to_contain_text("2 seats: B1, B2")
    expect(seat(page, "B1")).to_be_focused()
