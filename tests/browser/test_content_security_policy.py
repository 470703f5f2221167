"""Every page works under the Content-Security-Policy (SECURE_CSP; API_DOCS_CSP for the API
docs) in a real browser: the browser reports no violation, and no page asks another host
for anything."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.page_watch import REDOC_LOGO, watch


@pytest.fixture
def watched_page(new_page, live_server):
    """Opens a page and starts recording what it does behind the scenes."""

    def open_page(**kwargs):
        page = new_page(**kwargs)
        return page, watch(page, live_server.url)

    return open_page


def settle(page):
    page.wait_for_load_state("networkidle")


def page_paths(show):
    day = timezone.localtime(show.start_time).date().isoformat()
    return {
        "home": ("/", "Monsoon Express"),
        "movie": (f"/movies/{show.movie_id}/", "Monsoon Express"),
        "buy tickets": (f"/movies/{show.movie_id}/buytickets/{day}/", "PVR Phoenix Palladium"),
        "seats": (f"/shows/{show.id}/seats/", "All eyes this way please"),
        "login": ("/accounts/login/", "Log in"),
        "admin login": ("/admin/login/", "BookMyShow staff"),
        "browsable api": ("/api/v1/movies", "Django REST framework"),
    }


@pytest.mark.parametrize(
    "name", ["home", "movie", "buy tickets", "seats", "login", "admin login", "browsable api"]
)
def test_site_pages_break_no_rule(watched_page, show, name):
    path, text = page_paths(show)[name]
    page, record = watched_page()
    response = page.goto(path)
    assert response.status == 200
    assert "default-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator("body")).to_contain_text(text)
    settle(page)
    assert record.outside_requests == []
    assert record.violations == []
    assert record.console_violations == []


def test_images_and_styles_load_under_the_policy(watched_page, show):
    page, record = watched_page()
    page.goto("/")
    settle(page)
    # The stylesheet applied (site.css sets the fonts) and the posters loaded.
    assert "system-ui" in page.locator("body").evaluate("el => getComputedStyle(el).fontFamily")
    posters = page.locator("img[src*='/static/posters/']")
    expect(posters.first).to_be_visible()
    assert posters.first.evaluate("img => img.complete && img.naturalWidth > 0")
    assert record.outside_requests == []
    assert record.violations == []


def test_picking_seats_and_buying_a_ticket_break_no_rule(watched_page, show, user):
    """The seat map's sizing and zoom (the CSSOM, never a style attribute), the picker's
    taps and refreshes morphed in, htmx's Proceed, the countdown script and the ticket's
    inline-SVG QR code: all under the strict policy, with no style-src-attr at all."""
    page, record = watched_page(user=user)
    response = page.goto(f"/shows/{show.id}/seats/")
    assert "style-src-attr" not in response.headers["content-security-policy"]
    page.get_by_role("button", name="Zoom in").click()
    page.get_by_role("button", name="1", exact=True).click()
    expect(page.get_by_role("button", name="1", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    page.locator('[data-seat-id="B1"]').click()  # morphed in
    expect(page.locator("#booking-summary")).to_contain_text("1 seat: B1")
    page.wait_for_timeout(2500)  # a refresh or two
    page.get_by_role("button", name=re.compile("Proceed")).click()

    expect(page).to_have_url(re.compile(r"/holds/"))
    expect(page.locator(".countdown")).to_contain_text(re.compile(r"\d+:\d\d"))
    page.get_by_label("Mobile number").fill("98765 43210")
    page.get_by_role("button", name=re.compile("Continue to payment")).click()

    expect(page).to_have_url(re.compile(r"/orders/"))
    page.get_by_role("button", name=re.compile(r"Pay ₹")).click()
    expect(page.locator(".ticket__qr svg")).to_be_visible()
    settle(page)
    assert record.outside_requests == []
    assert record.violations == []
    assert record.console_violations == []


def test_staff_pages_break_no_rule(watched_page, show, django_user_model):
    staff = django_user_model.objects.create_superuser("boss", "boss@example.com", "x")
    page, record = watched_page(user=staff)
    for path in [
        "/admin/",
        "/admin/live/",
        "/admin/live/holds/",
        "/admin/live/orders/",
        f"/admin/live/shows/{show.id}/",
        "/admin/check-in/",
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        settle(page)
    page.goto("/admin/live/")
    # The live pages' stylesheet applied: the filter form is laid out as a row.
    assert page.locator(".live-filters").evaluate("el => getComputedStyle(el).display") == "flex"
    assert record.outside_requests == []
    assert record.violations == []
    assert record.console_violations == []


def test_swagger_ui_breaks_no_rule(watched_page, transactional_db):
    page, record = watched_page()
    response = page.goto("/api/schema/swagger-ui/")
    assert "'nonce-" in response.headers["content-security-policy"]
    holds = page.locator(".opblock-summary-path[data-path='/api/v1/holds']").first
    expect(holds).to_be_visible()
    holds.click()
    expect(page.locator(".opblock.is-open .responses-wrapper").first).to_be_visible()
    settle(page)
    assert record.outside_requests == []
    assert record.violations == []
    assert record.console_violations == []


def test_redoc_breaks_no_rule_but_the_logo_it_hard_codes(watched_page, transactional_db):
    page, record = watched_page()
    page.goto("/api/schema/redoc/")
    expect(page.locator("h2", has_text="holds_create").first).to_be_visible()
    # Search runs in ReDoc's web worker (from a blob: URL).
    page.get_by_placeholder("Search...").fill("seatmap")
    expect(page.locator("[data-role='search:results']")).to_contain_text("seatmap")
    settle(page)
    assert record.outside_requests == []
    assert [(v["directive"], v["blocked"]) for v in record.violations] == [("img-src", REDOC_LOGO)]
