"""Staff edit the richer catalog in the admin: a movie's lists, votes, trailer and
credits; a show's format and language."""

import pytest

from catalog import models
from tests import factories


@pytest.fixture
def staff(client, django_user_model):
    admin = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-123456")
    client.force_login(admin)
    return client


def test_a_movie_is_edited_with_its_lists_votes_trailer_and_credits(staff, db):
    movie = factories.movie_create()
    page = staff.get(f"/admin/catalog/movie/{movie.id}/change/")
    assert page.status_code == 200
    for field in ("languages", "formats", "vote_count", "trailer_url", "credits-0-name"):
        assert f'name="{field}"' in page.content.decode()
    response = staff.post(
        f"/admin/catalog/movie/{movie.id}/change/",
        {
            "title": "Monsoon Express",
            "about": "",
            "poster": "",
            "rating": "8.4",
            "vote_count": "1200",
            "duration_mins": "148",
            "age_rating": "U",
            "release_date": "",
            "languages": '["Hindi", "Tamil"]',
            "formats": '["2D", "IMAX"]',
            "genres": '["Action"]',
            "trailer_url": "https://example.test/t",
            "credits-TOTAL_FORMS": "1",
            "credits-INITIAL_FORMS": "0",
            "credits-0-kind": "cast",
            "credits-0-position": "0",
            "credits-0-name": "Arjun Mehra",
            "credits-0-role": "Vikram",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    movie.refresh_from_db()
    assert (movie.languages, movie.formats, movie.vote_count) == (
        ["Hindi", "Tamil"],
        ["2D", "IMAX"],
        1200,
    )
    assert [(c.name, c.role) for c in movie.credits.all()] == [("Arjun Mehra", "Vikram")]


def test_a_format_the_site_does_not_know_is_refused(staff, db):
    movie = factories.movie_create()
    response = staff.post(
        f"/admin/catalog/movie/{movie.id}/change/",
        {
            "title": "X",
            "vote_count": "0",
            "languages": "[]",
            "formats": '["8K"]',
            "genres": "[]",
            "credits-TOTAL_FORMS": "0",
            "credits-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert (
        "Enter a list of formats from: 2D, 3D, IMAX, IMAX 3D, 4DX, ScreenX."
        in response.content.decode()
    )
    assert models.Movie.objects.get().formats == ["2D"]


def test_a_show_has_its_format_and_language_in_the_admin(staff, show):
    page = staff.get(f"/admin/catalog/show/{show.id}/change/").content.decode()
    assert 'name="format"' in page
    assert '<option value="IMAX">IMAX</option>' in page
    assert 'name="language"' in page
