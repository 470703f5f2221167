"""Finding a show on the site: the city rules, the home page's rows and filters, search
(instant results and the results page) and the movie page's city."""

import re

import pytest

from tests import factories
from tests.catalog.finding_data import catalog_create
from tests.support.catalog import catalog_cold


@pytest.fixture
def data(db):
    return catalog_create()


def cards(html: str) -> list[str]:
    return re.findall(r'<h3 class="movie-card__title">([^<]+)</h3>', html)


def test_the_first_visit_asks_for_the_city(client, data):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Which city are you in?" in html
    assert 'href="/?city=mumbai">Mumbai</a>' in html
    assert 'href="/?city=pune">Pune</a>' in html
    assert cards(html) == []


def test_a_catalog_with_one_city_needs_no_question(client, db):
    factories.show_create()
    html = client.get("/").content.decode()
    assert "Which city are you in?" not in html
    assert "Movies in Mumbai" in html


def test_the_city_chosen_is_remembered_in_the_session_and_a_cookie(client, data):
    first = client.get("/?city=pune")
    assert first.cookies["city"].value == "pune"
    assert first.cookies["city"]["httponly"]
    assert client.session["city"] == "pune"
    html = client.get("/").content.decode()
    assert "Movies in Pune" in html
    assert '<option value="pune" selected>Pune</option>' in html


def test_the_cookie_remembers_the_city_after_the_session(client, data):
    client.cookies["city"] = "pune"
    assert "Movies in Pune" in client.get("/").content.decode()


def test_the_url_overrides_the_remembered_city(client, data):
    client.get("/?city=pune")
    assert "Movies in Mumbai" in client.get("/?city=mumbai").content.decode()
    assert "Movies in Mumbai" in client.get("/").content.decode()


def test_an_unknown_city_in_the_url_is_no_choice(client, data):
    client.get("/?city=pune")
    response = client.get("/?city=atlantis")
    assert response.status_code == 200
    assert "Movies in Pune" in response.content.decode()


def test_the_header_form_changes_the_city_and_goes_back(client, data):
    client.get("/?city=pune")
    response = client.get("/city/", {"city": "mumbai", "next": "/movies/?genre=Drama"})
    assert (response.status_code, response["Location"]) == (302, "/movies/?genre=Drama")
    assert client.session["city"] == "mumbai"
    assert response.cookies["city"].value == "mumbai"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_the_header_form_goes_back_to_this_site_only(client, data, target):
    response = client.get("/city/", {"city": "mumbai", "next": target})
    assert response["Location"] == "/"


def test_every_page_has_the_city_picker_and_the_search_box(client, data):
    html = client.get("/?city=mumbai").content.decode()
    assert '<form class="city-picker" method="get" action="/city/">' in html
    assert 'role="combobox"' in html
    assert 'aria-controls="site-search-results"' in html
    assert 'hx-get="/search/suggest/"' in html
    assert "delay:250ms" in html


def test_home_has_now_showing_in_the_city_and_coming_soon_rows(client, data):
    html = client.get("/?city=mumbai").content.decode()
    now, soon = html.split('id="row-coming_soon"')
    assert "Now showing in Mumbai" in now
    assert cards(now) == ["Arjun Returns", "Monsoon Express"]
    assert cards(soon) == ["Orbit 9"]
    assert "Releasing" in soon
    pune = client.get("/?city=pune").content.decode()
    assert cards(pune) == ["Monsoon Express", "Pune Stories", "Orbit 9"]


def test_a_change_to_the_catalog_is_on_the_next_page(client, data):
    """The movie index and the drawn card grids are kept; a change is still seen at once."""
    assert cards(client.get("/?city=mumbai").content.decode())[:2] == [
        "Arjun Returns",
        "Monsoon Express",
    ]
    data.monsoon.title = "Monsoon Express 2"
    data.monsoon.save()
    assert cards(client.get("/?city=mumbai").content.decode())[:2] == [
        "Arjun Returns",
        "Monsoon Express 2",
    ]
    assert cards(client.get("/movies/?q=express").content.decode()) == ["Monsoon Express 2"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("language=English", ["Monsoon Express", "Orbit 9"]),
        ("genre=Drama", ["Arjun Returns"]),
        ("format=IMAX", ["Monsoon Express"]),
        ("format=3D", ["Orbit 9"]),
        ("language=hindi&format=IMAX", ["Monsoon Express"]),
    ],
)
def test_home_filters(client, data, query, expected):
    assert cards(client.get(f"/?city=mumbai&{query}").content.decode()) == expected


def test_home_filters_are_links_shown_in_use_and_removable(client, data):
    html = client.get("/?city=mumbai&language=English&genre=Action").content.decode()
    assert 'class="filter-chip is-active" href="/?genre=Action" aria-current="true">English' in html
    assert 'href="/?language=English&amp;genre=Action&amp;format=IMAX">IMAX' in html
    assert "Language: English" in html
    assert 'class="filters__clear" href="/">Clear all filters' in html


def test_home_says_when_no_movie_matches_and_offers_to_clear(client, data):
    html = client.get("/?city=pune&language=Tamil").content.decode()
    assert "No movies match these filters in Pune." in html
    assert '<a href="/">Clear filters</a>' in html
    assert cards(html) == []


def test_htmx_gets_only_the_listing(client, data):
    html = client.get("/?city=mumbai&format=IMAX", headers={"HX-Request": "true"}).content.decode()
    assert html.lstrip().startswith('<div id="listing"')
    assert "<html" not in html
    assert cards(html) == ["Monsoon Express"]


def test_an_unknown_filter_value_on_a_page_is_a_clear_400(client, data):
    response = client.get("/?city=mumbai&language=Klingon")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Some filters have values we do not know." in html
    # It names the value, the ones that would do, and a way out.
    assert "<strong>language</strong>: &#x27;Klingon&#x27; is not one of: " in html
    allowed = html.split("is not one of: ", 1)[1].split(".</li>", 1)[0].split(", ")
    assert "Hindi" in allowed
    assert 'href="/">Show this page without them</a>' in html


def test_home_rows_are_cut_with_a_link_to_all(client, data):
    from catalog.views import HOME_ROW_SIZE

    screen = data.shows["arjun_mumbai"].screen
    for n in range(HOME_ROW_SIZE):
        factories.show_create(
            movie=factories.movie_create(f"Extra {n:02}"),
            screen=screen,
            start_time=data.shows["arjun_mumbai"].start_time.replace(minute=n + 1),
        )
    html = client.get("/?city=mumbai").content.decode()
    now = html.split('id="row-coming_soon"')[0]
    assert len(cards(now)) == HOME_ROW_SIZE
    assert f'href="/movies/?status=now_showing" hx-boost="false">See all {HOME_ROW_SIZE + 2}' in now


def test_search_suggestions_rank_a_title_before_a_cast_match(client, data):
    html = client.get("/search/suggest/?city=mumbai&q=arjun").content.decode()
    titles = re.findall(r'role="option" aria-selected="false" href="[^"]+">([^<]+)<', html)
    assert titles == ["Arjun Returns", "Monsoon Express"]
    assert f'href="/movies/{data.arjun.id}/"' in html


def test_search_suggestions_say_when_nothing_matches(client, data):
    html = client.get("/search/suggest/?q=zzz").content.decode()
    assert "No movies match “zzz”." in html
    assert client.get("/search/suggest/?q=").content.decode().strip() == ""


def test_the_results_page_works_without_javascript(client, data):
    html = client.get("/movies/?city=mumbai&q=arjun").content.decode()
    assert "Results for “arjun” in Mumbai" in html
    assert cards(html) == ["Arjun Returns", "Monsoon Express"]
    assert "2 movies" in html


def test_the_results_page_says_when_nothing_matches_and_offers_to_clear(client, data):
    html = client.get("/movies/?city=mumbai&q=orbit&genre=Drama").content.decode()
    assert "No movies match “orbit” with these filters in Mumbai." in html
    assert 'href="/movies/">Clear filters' in html


def test_the_movie_page_names_the_city_and_a_coming_soon_date(client, data):
    html = client.get(f"/movies/{data.monsoon.id}/?city=pune").content.decode()
    assert "Book tickets in Pune" in html
    soon = client.get(f"/movies/{data.soon.id}/?city=pune").content.decode()
    assert "Coming soon: releasing" in soon
    assert "Book tickets" not in soon
    elsewhere = client.get(f"/movies/{data.pune_only.id}/?city=mumbai").content.decode()
    assert "Not showing in Mumbai right now." in elsewhere


def _count(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    catalog_cold()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_home_and_search_queries_do_not_grow_with_the_results(client, data):
    client.get("/?city=mumbai")  # the session exists
    home, search = _count(client, "/"), _count(client, "/movies/?q=e")
    screen = data.shows["arjun_mumbai"].screen
    for n in range(40):
        factories.show_create(
            movie=factories.movie_create(f"Extra {n:02}"),
            screen=screen,
            start_time=data.shows["arjun_mumbai"].start_time.replace(minute=n + 1),
        )
    assert _count(client, "/") == home
    assert _count(client, "/movies/?q=e") == search
    assert len(cards(client.get("/movies/?q=e").content.decode())) == 24


def test_links_out_of_a_listing_load_their_page_in_full(client, data):
    """The listing swaps itself in place (hx-boost); links to other pages must not."""
    html = client.get("/?city=mumbai").content.decode()
    assert f'href="/movies/{data.monsoon.id}/" hx-boost="false"' in html
    results = client.get("/movies/?city=mumbai").content.decode()
    assert f'href="/movies/{data.monsoon.id}/" hx-boost="false"' in results
