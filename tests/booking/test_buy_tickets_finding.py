"""The buy-tickets page in the visitor's city, with its filters and date strip."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from booking import services
from tests import factories
from tests.catalog.finding_data import at, catalog_create
from tests.support.catalog import catalog_cold


@pytest.fixture
def data(db):
    return catalog_create()


def page(client, data, query: str = "city=mumbai", day=None) -> str:
    response = client.get(f"/movies/{data.monsoon.id}/buytickets/{day or data.day}/?{query}")
    assert response.status_code == 200
    return response.content.decode()


def show_buttons(html: str) -> list[str]:
    return [
        f"{fmt} {start}"
        for fmt, start in re.findall(r'data-format="([^"]*)" data-start="([^"]*)"', html)
    ]


def test_only_the_citys_cinemas_are_listed_and_the_page_says_which_city(client, data):
    mumbai = page(client, data)
    assert "Cinemas in <strong>Mumbai</strong>" in mumbai
    assert "PVR Phoenix Palladium" in mumbai
    assert "E-Square" not in mumbai
    pune = page(client, data, "city=pune")
    assert "E-Square" in pune
    assert "PVR Phoenix Palladium" not in pune


def test_the_page_asks_for_the_city_first(client, data):
    html = client.get(f"/movies/{data.monsoon.id}/buytickets/{data.day}/").content.decode()
    assert "Which city are you in?" in html
    assert f'href="/movies/{data.monsoon.id}/buytickets/{data.day}/?city=pune"' in html


def test_show_buttons_name_the_format_and_screen(client, data):
    html = page(client, data)
    assert '<span class="showtime__what">IMAX</span>' in html  # its screen is named IMAX
    assert '<span class="showtime__what">2D · Audi 1</span>' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["2D 10:00", "IMAX 19:00", "IMAX 22:30"]),
        ("format=IMAX", ["IMAX 19:00", "IMAX 22:30"]),
        ("format=IMAX&timeOfDay=evening", ["IMAX 19:00"]),
        ("timeOfDay=night", ["IMAX 22:30"]),
        ("timeOfDay=morning", ["2D 10:00"]),
        ("language=English", ["IMAX 19:00"]),
        ("priceMax=200", ["2D 10:00"]),
        ("priceMin=200&priceMax=400", ["IMAX 19:00", "IMAX 22:30"]),
        ("language=Hindi&priceMin=300", ["IMAX 22:30"]),
    ],
)
def test_buy_tickets_filters(client, data, query, expected):
    assert show_buttons(page(client, data, f"city=mumbai&{query}")) == expected


def test_filters_are_links_and_a_price_form_and_show_what_is_in_use(client, data):
    html = page(client, data, "city=mumbai&format=IMAX")
    path = f"/movies/{data.monsoon.id}/buytickets/{data.day}/"
    assert f'href="{path}?format=IMAX&amp;timeOfDay=evening">Evening (5 to 9 PM)' in html
    assert f'class="filter-chip is-active" href="{path}" aria-current="true">IMAX' in html
    assert "Format: IMAX" in html
    assert '<input type="hidden" name="format" value="IMAX">' in html
    assert 'name="priceMin"' in html


def test_an_empty_result_says_so_and_offers_to_clear(client, data):
    html = page(client, data, "city=pune&format=IMAX")
    assert "No shows of Monsoon Express in Pune match these filters" in html
    assert f'<a href="/movies/{data.monsoon.id}/buytickets/{data.day}/">Clear filters</a>' in html


def test_the_date_strip_greys_out_days_without_shows_for_the_filters(client, data):
    later = data.day + timedelta(days=2)
    factories.show_create(
        movie=data.monsoon,
        screen=data.shows["morning_2d_hindi"].screen,
        start_time=at(later, 11),
        format="2D",
    )
    html = page(client, data, "city=mumbai&format=IMAX")
    path = f"/movies/{data.monsoon.id}/buytickets"
    assert f'href="{path}/{data.day}/?format=IMAX"' in html
    assert f'href="{path}/{later}/' not in html
    assert html.count('<span class="date-strip__day is-empty" aria-disabled="true"') == 6
    unfiltered = page(client, data, "city=mumbai")
    assert f'href="{path}/{later}/"' in unfiltered
    assert unfiltered.count('<span class="date-strip__day is-empty"') == 5


def test_htmx_gets_only_the_listing(client, data):
    html = client.get(
        f"/movies/{data.monsoon.id}/buytickets/{data.day}/?city=mumbai&format=IMAX",
        headers={"HX-Request": "true"},
    ).content.decode()
    assert html.lstrip().startswith('<div id="listing"')
    assert show_buttons(html) == ["IMAX 19:00", "IMAX 22:30"]


def test_a_bad_filter_is_a_clear_400(client, data):
    response = client.get(
        f"/movies/{data.monsoon.id}/buytickets/{data.day}/?city=mumbai&timeOfDay=dawn"
    )
    assert response.status_code == 400


def test_buy_tickets_queries_do_not_grow_with_the_shows(client, data):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"/movies/{data.monsoon.id}/buytickets/{data.day}/?city=mumbai&timeOfDay=evening"

    def count() -> int:
        catalog_cold()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    client.get(url)  # the session exists
    few = count()
    for n in range(6):
        theatre = factories.theatre_create(f"Cinema {n}")
        for day in range(3):
            factories.show_create(
                movie=data.monsoon,
                screen=factories.screen_create(theatre, f"Audi {day}"),
                start_time=at(data.day + timedelta(days=day), 18),
            )
    assert count() == few
    assert len(show_buttons(page(client, data, "city=mumbai&timeOfDay=evening"))) == 7


def test_availability_is_counted_afresh_on_every_page(client, show, user):
    """The cinema list is kept once drawn, but the availability is part of what keys it:
    seats held since are seen on the next page."""
    url = f"/movies/{show.movie_id}/buytickets/{timezone.localdate(show.start_time)}/?city=mumbai"
    assert "showtime showtime--available" in client.get(url).content.decode()
    services.hold_create(
        user_id=user.id,
        client="127.0.0.1",
        show_id=str(show.id),
        seat_ids=[f"B{n}" for n in range(1, 7)],
    )
    html = client.get(url).content.decode()
    assert "showtime showtime--filling_fast" in html
    assert "from ₹150 · Filling fast" in html
