"""Finding a show in a real browser, on a phone and on a desktop: choosing the city,
searching from the header, filtering buy-tickets."""

import re

import pytest
from playwright.sync_api import expect

from tests.catalog.finding_data import catalog_create

WIDTHS = [360, 1280]


@pytest.fixture
def data(transactional_db):
    return catalog_create()


@pytest.mark.parametrize("width", WIDTHS)
def test_choose_a_city_then_search_a_title_from_the_header(new_page, data, width):
    page = new_page(width=width, touch=width < 600)
    page.goto("/")
    expect(page.get_by_role("heading", name="Which city are you in?")).to_be_visible()
    page.get_by_role("link", name="Pune", exact=True).click()
    expect(page.get_by_role("heading", name="Movies in Pune")).to_be_visible()
    expect(page.locator("#city-picker-select")).to_have_value("pune")

    search = page.get_by_role("combobox", name="Search movies")
    search.click()
    search.press_sequentially("orbit", delay=30)
    option = page.get_by_role("option", name=re.compile("Orbit 9"))
    expect(option).to_be_visible()
    expect(search).to_have_attribute("aria-expanded", "true")
    search.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    search.press("Enter")
    expect(page).to_have_url(re.compile(rf"/movies/{data.soon.id}/$"))
    expect(page.get_by_role("heading", name="Orbit 9", level=1)).to_be_visible()
    # The city stays chosen on the next page, and can be changed from the header.
    expect(page.locator("#city-picker-select")).to_have_value("pune")
    page.locator("#city-picker-select").select_option("mumbai")
    expect(page).to_have_url(re.compile(rf"/movies/{data.soon.id}/$"))
    expect(page.locator("#city-picker-select")).to_have_value("mumbai")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_search_page_works_from_the_header_without_picking_an_option(new_page, data, width):
    page = new_page(width=width, touch=width < 600)
    page.goto("/?city=mumbai")
    search = page.get_by_role("combobox", name="Search movies")
    search.fill("arjun")
    search.press("Enter")
    expect(page.get_by_role("heading", name="Results for “arjun” in Mumbai")).to_be_visible()
    titles = page.locator(".movie-grid .movie-card__title")
    expect(titles).to_have_text(["Arjun Returns", "Monsoon Express"])


@pytest.mark.parametrize("width", WIDTHS)
def test_filter_buy_tickets_to_imax_evenings(new_page, data, width):
    page = new_page(width=width, touch=width < 600)
    page.goto(f"/movies/{data.monsoon.id}/buytickets/{data.day}/?city=mumbai")
    showtimes = page.locator("a.showtime")
    expect(showtimes).to_have_count(3)
    page.get_by_role("link", name="IMAX", exact=True).click()
    expect(page).to_have_url(re.compile(r"format=IMAX"))
    expect(showtimes).to_have_count(2)
    page.get_by_role("link", name="Evening (5 to 9 PM)").click()
    expect(page).to_have_url(re.compile(r"format=IMAX&timeOfDay=evening"))
    expect(showtimes).to_have_count(1)
    expect(showtimes.first).to_contain_text("07:00 PM")
    expect(showtimes.first.locator(".showtime__what")).to_have_text("IMAX")
    assert showtimes.first.get_attribute("data-format") == "IMAX"
    expect(page.locator(".filters__active")).to_contain_text("Format: IMAX")
    expect(page.locator(".filters__active")).to_contain_text("Time: evening")
    # Every other day of the strip has no IMAX evening show: greyed out, not links.
    expect(page.locator("span.date-strip__day.is-empty")).to_have_count(6)
    page.get_by_role("link", name="Clear all filters").click()
    expect(showtimes).to_have_count(3)
