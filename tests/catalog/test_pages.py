"""The browsing pages, on the local catalog and on a Lambda answering with its quirks."""

from datetime import timedelta

import pytest
import responses
from django.utils import timezone

from tests import factories
from tests.catalog.lambda_service import LambdaStandIn
from tests.catalog.test_lambda_source import BASE, MOVIE, MOVIE_ID, SEATMAP, SHOW_ID


def test_home_lists_movies(client, show):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Monsoon Express" in response.content
    assert b"/static/posters/monsoon-express.svg" in response.content


def test_movie_page_has_details_and_book_button(client, show):
    response = client.get(f"/movies/{show.movie_id}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "148 min" in html
    assert "Book tickets" in html
    today = timezone.localdate().isoformat()
    assert f"/movies/{show.movie_id}/buytickets/{today}/" in html


def test_buy_tickets_page_has_date_strip_and_show_buttons(client, show):
    day = timezone.localtime(show.start_time).date()
    response = client.get(f"/movies/{show.movie_id}/buytickets/{day}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="date-strip__day') == 7
    assert "PVR Phoenix Palladium" in html
    assert "Cancellation available" in html
    assert f"/shows/{show.id}/seats/" in html
    assert "from ₹150 · Available" in html


def test_buy_tickets_for_a_day_without_shows_says_so(client, show):
    day = timezone.localdate() + timedelta(days=5)
    response = client.get(f"/movies/{show.movie_id}/buytickets/{day}/")
    assert "No shows of Monsoon Express" in response.content.decode()


def test_buy_tickets_with_an_impossible_date_is_404(client, show):
    assert client.get(f"/movies/{show.movie_id}/buytickets/2026-02-30/").status_code == 404


def test_seat_page_renders_layout_read_only_state(client, show):
    response = client.get(f"/shows/{show.id}/seats/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Prime · ₹250" in html
    assert 'data-seat-id="B4" data-state="available" aria-label="B4, Prime, available"' in html
    assert (
        'data-seat-id="A4" data-state="blocked" aria-label="A4, Classic, not for sale" '
        'aria-disabled="true"' in html
    )
    assert "All eyes this way please" in html


def test_seat_page_of_a_600_seat_show_renders(client, db):
    from django.core.management import call_command

    from catalog.models import Show

    call_command("seed_demo")
    big = max(
        Show.objects.filter(start_time__gt=timezone.now()),
        key=lambda s: sum(r.seat_count for r in s.screen.rows.all()),
    )
    response = client.get(f"/shows/{big.id}/seats/")
    assert response.status_code == 200
    assert response.content.decode().count('<button name="tap"') == 612


@pytest.mark.parametrize("path", ["/movies/nope/", "/shows/nope/seats/", "/no-such-page/"])
def test_unknown_things_are_404_pages(client, db, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"<html" in response.content


def test_lambda_outage_is_a_friendly_503_page(client, db, settings):
    settings.BMS_API_URL = BASE
    with responses.RequestsMock() as mocked:
        mocked.get(f"{BASE}/movies", body="", status=500)
        response = client.get("/?city=mumbai")
    assert response.status_code == 503
    assert "Movie listings are unavailable right now" in response.content.decode()


def test_pages_show_the_lambda_catalog(client, db, settings):
    settings.BMS_API_URL = BASE
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        mocked.get(f"{BASE}/movies", json={"movies": [MOVIE], "pagination": {}})
        mocked.get(f"{BASE}/movies/{MOVIE_ID}", json=MOVIE)
        mocked.get(f"{BASE}/shows/{SHOW_ID}/seatmap", json=SEATMAP)
        home = client.get("/?city=mumbai").content.decode()
        movie = client.get(f"/movies/{MOVIE_ID}/").content.decode()
        seats = client.get(f"/shows/{SHOW_ID}/seats/").content.decode()
    assert "RRR" in home
    assert "https://img.example.test/rrr.jpg" in home
    assert "Telugu" in movie
    assert 'data-state="blocked" aria-label="A2, Standard, not for sale"' in seats
    assert 'data-state="held" aria-label="B1, Standard, held by someone else"' in seats


def test_every_lambda_movie_past_a_hundred_is_listed(client, db, settings):
    settings.BMS_API_URL = BASE
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        service = LambdaStandIn().install(mocked)
        for n in range(113):
            service.movie_add(f"Movie {n:03}", release_date=f"2025-0{1 + n % 7}-01")
        listed = [
            client.get("/movies/", {"city": "mumbai", "page": page}).content.decode()
            for page in range(1, 6)
        ]
        api = [
            movie["movieId"]
            for offset in range(0, 120, 20)
            for movie in client.get("/api/v1/movies", {"limit": 20, "offset": offset}).json()[
                "movies"
            ]
        ]
    html = "".join(listed)
    assert html.count('class="movie-card"') == 113
    assert all(f"/movies/{movie_id}/" in html for movie_id in service.movies)
    assert sorted(api) == sorted(service.movies)


def test_one_bad_movie_does_not_take_the_home_page_down(client, db, settings):
    settings.BMS_API_URL = BASE
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        service = LambdaStandIn().install(mocked)
        service.movie_add("Kept")
        service.movie_add("")
        service.movie_add(None, thumbnail_url=None)
        service.movie_add("No poster", thumbnail_url=None)
        response = client.get("/?city=mumbai")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="movie-card"') == 2
    assert 'src="/static/posters/placeholder.svg" alt="Poster of No poster"' in html


def test_every_local_movie_past_a_hundred_is_listed_page_by_page(client, db):
    from catalog.models import Movie

    factories.theatre_create()
    soon = timezone.localdate() + timedelta(days=30)
    Movie.objects.bulk_create(
        Movie(title=f"Same title {n % 3}", release_date=soon) for n in range(205)
    )
    pages = [client.get("/movies/", {"page": page}).content.decode() for page in range(1, 10)]
    html = "".join(pages)
    assert html.count('class="movie-card"') == 205
    assert all(f"/movies/{pk}/" in html for pk in Movie.objects.values_list("pk", flat=True))
    assert 'rel="next"' not in pages[8]


def test_movie_page_lists_formats_languages_votes_cast_crew_and_trailer(client, db):
    from catalog.models import Credit

    movie = factories.movie_create(
        languages=["Hindi", "Tamil"],
        formats=["2D", "IMAX"],
        vote_count=48_213,
        trailer_url="https://example.test/trailer",
    )
    Credit.objects.create(movie=movie, kind="cast", name="Arjun Mehra", role="Vikram Rao")
    Credit.objects.create(movie=movie, kind="crew", name="Ritu Sen", role="Director")
    html = client.get(f"/movies/{movie.id}/").content.decode()
    assert '<li class="chip">2D</li><li class="chip">IMAX</li>' in html
    assert '<li class="chip chip--language">Hindi</li>' in html
    assert "48.2K votes" in html
    assert 'href="https://example.test/trailer"' in html
    assert 'Arjun Mehra</span> <span class="credit-list__role">as Vikram Rao' in html
    assert 'Ritu Sen</span> <span class="credit-list__role">Director' in html


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, "0"), (950, "950"), (1000, "1K"), (48_213, "48.2K"), (1_250_000, "1.2M")],
)
def test_vote_counts_read_as_people_read_them(count, shown):
    from catalog.templatetags.catalog_tags import votes

    assert votes(count) == shown


def test_movie_url_is_the_movie_page_as_reversed():
    from django.urls import reverse

    from catalog.templatetags.catalog_tags import movie_url

    movie_id = "6f1c2a4e-8d1b-4c3a-9e2f-1a2b3c4d5e6f"
    assert movie_url(movie_id) == reverse("catalog:movie-detail", args=[movie_id])
    assert movie_url(movie_id) == f"/movies/{movie_id}/"
