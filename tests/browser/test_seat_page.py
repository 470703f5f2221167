"""The seat page of the 612-seat IMAX hall in a real browser, on a phone (360×780) and on
a desktop (1280×900): it stays put through its live refreshes, fits the screen, keeps
Proceed in reach, works from the keyboard, and shows seats taken elsewhere in seconds."""

import re
import time

import pytest
from playwright.sync_api import expect

from booking import services
from booking.domain import Customer
from tests import factories
from tests.browser.colours import WHITE, contrast

CUSTOMER = Customer(name="Asha Rao", email="asha@example.com", phone="9876543210")
SIZES = [pytest.param(360, 780, id="phone"), pytest.param(1280, 900, id="desktop")]


def open_seats(new_page, show, *, width, height, user=None, touch=False):
    page = new_page(user=user, width=width, height=height, touch=touch)
    page.goto(f"/shows/{show.id}/seats/")
    page.wait_for_function("window.seatMap !== undefined")
    return page


def seat(page, seat_id):
    return page.locator(f'[data-seat-id="{seat_id}"]')


def selected(page) -> list[str]:
    return page.locator('[data-seat-id][data-state="selected"]').evaluate_all(
        "seats => seats.map(seat => seat.dataset.seatId)"
    )


def quantity(page, n: int) -> None:
    button = page.get_by_role("button", name=str(n), exact=True)
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")


def watch_refreshes(page) -> list[int]:
    """The statuses of the page's live refreshes (requests naming a revision), in order."""
    statuses: list[int] = []
    page.on(
        "response",
        lambda response: statuses.append(response.status) if "v=" in response.url else None,
    )
    return statuses


def where_things_are(page) -> dict:
    return page.evaluate(
        """() => ({
            pageX: scrollX,
            pageY: scrollY,
            mapX: document.getElementById("seat-map-viewport").scrollLeft,
            pitch: getComputedStyle(document.getElementById("seat-map"))
                .getPropertyValue("--pitch"),
            focused: document.activeElement.dataset.seatId,
            selected: [...document.querySelectorAll('[data-seat-id][data-state="selected"]')]
                .map(seat => seat.dataset.seatId),
        })"""
    )


def sideways_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - innerWidth")


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_refreshes_keep_the_scroll_zoom_focus_and_selection(
    new_page, imax_show, other_user, width, height
):
    page = open_seats(new_page, imax_show, width=width, height=height)
    refreshes = watch_refreshes(page)
    seat(page, "M20").click()  # two seats side by side: M20, M21
    expect(seat(page, "M21")).to_have_attribute("data-state", "selected")
    page.get_by_role("button", name="Zoom in").click()
    seat(page, "K24").focus()
    page.locator("#seat-map-viewport").evaluate("el => el.scrollLeft = el.scrollWidth")
    page.evaluate("scrollTo(0, 400)")
    before = where_things_are(page)
    assert before["focused"] == "K24"
    assert before["mapX"] > 0
    assert before["selected"] == ["M20", "M21"]

    # Someone else takes seats elsewhere while the refreshes come: they draw the map again.
    start = len(refreshes)
    for seats in (["A2", "A3"], ["X13", "X14"], ["H29", "H30"]):
        services.hold_create(
            user_id=other_user.id, client="x", show_id=str(imax_show.id), seat_ids=seats
        )
        expect(seat(page, seats[0])).to_have_attribute("data-state", "held", timeout=5000)
    assert refreshes[start:].count(200) >= 3, refreshes
    page.wait_for_timeout(2500)  # and one that finds nothing new
    assert 204 in refreshes[start:]
    assert where_things_are(page) == before


def test_on_a_phone_proceed_stays_in_view(new_page, imax_show):
    page = open_seats(new_page, imax_show, width=360, height=780)
    proceed = page.get_by_role("button", name=re.compile("Proceed"))
    for seat_id in ["X3", "Q12", "B20"]:
        seat(page, seat_id).click()
        expect(seat(page, seat_id)).to_have_attribute("data-state", "selected")
        box = proceed.bounding_box()
        assert box is not None
        assert box["y"] >= 0, (seat_id, box)
        assert box["y"] + box["height"] <= 780, (seat_id, box)
        expect(proceed).to_be_enabled()
        expect(page.locator("#booking-summary")).to_contain_text("2 seats")
    page.evaluate("scrollTo(0, 0)")
    assert proceed.bounding_box()["y"] + proceed.bounding_box()["height"] <= 780


def test_best_available_picks_and_shows_where(new_page, imax_show):
    page = open_seats(new_page, imax_show, width=360, height=780)
    quantity(page, 4)
    page.get_by_role("button", name="Best available").click()
    expect(seat(page, "Q17")).to_have_attribute("data-state", "selected")
    assert selected(page) == ["Q14", "Q15", "Q16", "Q17"]
    expect(page.locator("#booking-summary")).to_contain_text("4 seats: Q14, Q15, Q16, Q17")
    box = seat(page, "Q14").bounding_box()
    bar = page.locator("#booking-summary").bounding_box()
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= bar["y"]
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 360


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_page_never_scrolls_sideways(new_page, imax_show, width, height):
    page = open_seats(new_page, imax_show, width=width, height=height)
    assert sideways_overflow(page) <= 0
    zoom_in = page.get_by_role("button", name="Zoom in")
    while zoom_in.is_enabled():
        zoom_in.click()
    assert sideways_overflow(page) <= 0
    seat(page, "U30").scroll_into_view_if_needed()
    assert page.evaluate("scrollX") == 0
    while page.get_by_role("button", name="Zoom out").is_enabled():
        page.get_by_role("button", name="Zoom out").click()
    assert sideways_overflow(page) <= 0
    # Zoomed right out, the whole hall is in sight across.
    viewport = page.locator("#seat-map-viewport")
    assert viewport.evaluate("el => el.scrollWidth <= el.clientWidth")


def test_a_small_hall_fits_a_phone_with_legible_seats(new_page, transactional_db):
    small = factories.demo_show_create("SMALL")
    page = open_seats(new_page, small, width=360, height=780)
    viewport = page.locator("#seat-map-viewport")
    assert viewport.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert seat(page, "K1").bounding_box()["width"] >= 18


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_every_seat_can_be_reached_and_picked(new_page, imax_show, width, height):
    page = open_seats(new_page, imax_show, width=width, height=height)
    # Brought into view, each seat is what a finger or a pointer at its middle meets: not
    # behind the Proceed bar, a row label or the edge of the map, and not too small.
    unreachable = page.evaluate(
        """() => [...document.querySelectorAll(".seat-row > button")].filter(seat => {
            seat.scrollIntoView({block: "center", inline: "center"});
            const box = seat.getBoundingClientRect();
            const met = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
            return met !== seat || box.width < 18 || box.height < 18;
        }).map(seat => seat.dataset.seatId)"""
    )
    assert unreachable == []
    assert page.locator(".seat-row > button").count() == 612
    quantity(page, 1)
    for seat_id in ["X1", "X14", "U1", "U30", "P14", "P17", "J30", "H1", "A2", "A29"]:
        seat(page, seat_id).click()
        expect(seat(page, seat_id)).to_have_attribute("data-state", "selected")
        assert selected(page) == [seat_id]


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_grid_is_one_tab_stop_with_arrow_keys_inside(new_page, imax_show, width, height):
    page = open_seats(new_page, imax_show, width=width, height=height)
    page.get_by_role("button", name="Zoom in").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.seatId") == "X1"
    page.keyboard.press("Tab")  # out of the grid at once, whatever its 612 seats
    assert page.evaluate("!document.activeElement.closest('.seat-map__canvas')")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.dataset.seatId") == "X1"

    def focused():
        return page.evaluate("document.activeElement.dataset.seatId")

    page.keyboard.press("ArrowRight")
    assert focused() == "X2"
    page.keyboard.press("End")
    assert focused() == "X14"
    page.keyboard.press("ArrowRight")  # past the end of the row: the next row
    assert focused() == "W1"
    page.keyboard.press("ArrowDown")
    assert focused() == "V1"
    page.keyboard.press("ArrowDown")  # into the wider row below, at the same place
    assert focused() == "U8"
    page.keyboard.press("ArrowLeft")
    assert focused() == "U7"
    for _ in range(19):
        page.keyboard.press("ArrowDown")
    assert focused() == "A7"
    # The focused seat is in sight (on a phone, above the Proceed bar).
    box = seat(page, "A7").bounding_box()
    bar = page.locator("#booking-summary").bounding_box()
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= (bar["y"] if width < 860 else height)
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= width
    page.keyboard.press("Space")  # picks two, from here
    expect(seat(page, "A8")).to_have_attribute("data-state", "selected")
    assert selected(page) == ["A7", "A8"]
    assert focused() == "A7"
    page.keyboard.press("Enter")  # picked again: let go
    expect(seat(page, "A7")).to_have_attribute("data-state", "available")
    assert page.locator('.seat-row > button[tabindex="0"]').count() == 1


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_a_seat_held_in_another_browser_shows_within_3_seconds_and_is_let_go(
    new_page, imax_show, user, other_user, width, height
):
    mine = open_seats(new_page, imax_show, width=width, height=height, user=user)
    seat(mine, "Q14").click()
    expect(seat(mine, "Q15")).to_have_attribute("data-state", "selected")

    theirs = open_seats(new_page, imax_show, width=1280, height=900, user=other_user)
    quantity(theirs, 1)
    seat(theirs, "Q15").click()
    expect(seat(theirs, "Q15")).to_have_attribute("data-state", "selected")
    theirs.get_by_role("button", name=re.compile("Proceed")).click()
    theirs.wait_for_url(re.compile(r"/holds/"))
    held_at = time.monotonic()

    expect(seat(mine, "Q15")).to_have_attribute("data-state", "held", timeout=3000)
    assert time.monotonic() - held_at < 3
    assert selected(mine) == ["Q14"]
    expect(mine.locator("#booking-summary")).to_contain_text(
        "Seat Q15 was just taken by someone else. Pick another."
    )

    # Back from checkout, their hold is theirs, with the way back to it.
    theirs.go_back()
    expect(seat(theirs, "Q15")).to_have_attribute("data-state", "yours", timeout=5000)
    expect(theirs.locator(".live-booking")).to_contain_text(re.compile(r"You have Q15 on hold"))
    theirs.get_by_role("button", name="Release").click()
    expect(seat(theirs, "Q15")).to_have_attribute("data-state", "available")


def test_two_fingers_zoom_the_map_not_the_page(new_page, imax_show):
    page = open_seats(new_page, imax_show, width=360, height=780, touch=True)
    viewport = page.locator("#seat-map-viewport")
    viewport.scroll_into_view_if_needed()
    box = viewport.bounding_box()
    y = box["y"] + 100
    middle = box["x"] + box["width"] / 2
    before = where_things_are(page)["pitch"]
    cdp = page.context.new_cdp_session(page)

    def touch(kind, spread):
        points = [{"x": middle - spread, "y": y}, {"x": middle + spread, "y": y}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", 20)
    for spread in range(25, 81, 5):
        touch("touchMove", spread)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    after = where_things_are(page)["pitch"]
    assert float(after.removesuffix("px")) > 2 * float(before.removesuffix("px"))
    assert page.evaluate("visualViewport.scale") == 1
    assert sideways_overflow(page) <= 0


LOOKS = """seat => {
    const style = getComputedStyle(seat), after = getComputedStyle(seat, "::after");
    return {
        colour: style.color, fill: style.backgroundColor, border: style.borderTopColor,
        borderStyle: style.borderTopStyle, pattern: style.backgroundImage,
        number: parseFloat(style.fontSize) > 0, glyph: after.content,
    };
}"""


def test_seat_states_meet_contrast_and_differ_by_more_than_colour(
    new_page, imax_show, user, other_user
):
    show_id = str(imax_show.id)
    services.hold_create(user_id=user.id, client="x", show_id=show_id, seat_ids=["X1", "X2"])
    services.hold_create(user_id=other_user.id, client="x", show_id=show_id, seat_ids=["W1"])
    sold = services.hold_create(
        user_id=other_user.id, client="x", show_id=show_id, seat_ids=["V1", "V2"]
    )
    order = services.order_create(user_id=other_user.id, hold_id=sold.hold_id, customer=CUSTOMER)
    services.order_confirm_payment(
        user_id=other_user.id, order_id=order.order_id, idempotency_key="k"
    )
    page = open_seats(new_page, imax_show, width=1280, height=900, user=user)
    seat(page, "M10").click()
    expect(seat(page, "M10")).to_have_attribute("data-state", "selected")
    examples = {
        "available": "M1",
        "selected": "M10",
        "yours": "X1",
        "held": "W1",
        "sold": "V1",
        "blocked": "P15",
    }
    looks = {}
    for state, seat_id in examples.items():
        expect(seat(page, seat_id)).to_have_attribute("data-state", state)
        looks[state] = seat(page, seat_id).evaluate(LOOKS)

    for state, look in looks.items():
        # The seat stands out from the map (3:1), by its outline or its fill.
        edge = max(contrast(look["border"], WHITE), contrast(look["fill"], WHITE))
        assert edge >= 3, (state, look)
        # Its number, or its glyph, can be read (4.5:1).
        if look["number"] or look["glyph"] not in ("none", "normal"):
            assert contrast(look["colour"], look["fill"]) >= 4.5, (state, look)
    # Every state looks different in grey too: number or glyph, fill, outline, pattern.
    shapes = {
        (
            look["number"],
            look["glyph"],
            look["fill"] == WHITE,
            look["borderStyle"],
            look["pattern"] != "none",
        )
        for look in looks.values()
    }
    assert len(shapes) == len(looks), looks
    # The legend shows the same.
    legend = page.locator(".legend .seat-swatch")
    assert legend.count() == 6


@pytest.mark.parametrize("status", ["available", "filling_fast", "almost_full"])
def test_show_time_text_meets_contrast(new_page, show, status):
    page = new_page()
    page.goto(f"/movies/{show.movie_id}/")
    colour = page.evaluate(
        """status => {
            const button = document.createElement("a");
            button.className = "showtime showtime--" + status;
            button.innerHTML = "<strong>10:15 AM</strong>";
            document.body.append(button);
            return getComputedStyle(button.querySelector("strong")).color;
        }""",
        status,
    )
    assert contrast(colour, WHITE) >= 4.5
