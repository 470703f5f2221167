from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.errors import MovieNotFound, ShowNotFound
from catalog.sources.local import LocalCatalog
from tests import factories


@pytest.fixture
def catalog() -> LocalCatalog:
    return LocalCatalog()


def test_show_layout_has_tiers_prices_aisles_and_blocked_seats(catalog, show):
    loaded = catalog.show_get(show_id=str(show.id))
    layout = loaded.layout
    assert [(t.code, t.price) for t in layout.tiers] == [
        ("PRIME", Decimal("250.00")),
        ("CLASSIC", Decimal("150.00")),
    ]
    row_b = layout.rows[0]
    assert [(s.seat_id, s.column) for s in row_b.seats] == [
        ("B1", 1),
        ("B2", 2),
        ("B3", 3),
        ("B4", 5),
        ("B5", 6),
        ("B6", 7),
    ]
    assert layout.blocked_seat_ids == {"A4"}
    assert layout.capacity == 10
    assert layout.price_of("A1") == Decimal("150.00")
    assert loaded.price == Decimal("150.00")
    assert (loaded.theatre_name, loaded.screen_name) == ("PVR Phoenix Palladium", "Audi 1")


def test_a_show_read_again_keeps_its_layout_until_a_row_or_price_changes(catalog, show):
    first = catalog.show_get(show_id=str(show.id)).layout
    again = catalog.show_get(show_id=str(show.id), max_age=0).layout
    assert again is first
    row = show.screen.rows.get(label="B")
    row.blocked = [2]
    row.save()
    blocked = catalog.show_get(show_id=str(show.id), max_age=0).layout
    assert blocked.blocked_seat_ids == {"A4", "B2"}
    show.prices.filter(tier__code="PRIME").update(price=Decimal("275.00"))
    repriced = catalog.show_get(show_id=str(show.id), max_age=0).layout
    assert repriced.price_of("B1") == Decimal("275.00")
    assert len({id(first), id(blocked), id(repriced)}) == 3


@pytest.mark.parametrize("show_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_unknown_or_malformed_show_id_is_not_found(catalog, db, show_id):
    with pytest.raises(ShowNotFound):
        catalog.show_get(show_id=show_id)


def test_unknown_movie_is_not_found(catalog, db):
    with pytest.raises(MovieNotFound):
        catalog.movie_get(movie_id="nope")


def test_movie_list_pages(catalog, db):
    for title in ["C", "A", "B"]:
        factories.movie_create(title=title)
    first = catalog.movie_list(limit=2, offset=0)
    second = catalog.movie_list(limit=2, offset=2)
    assert [m.title for m in first.movies] == ["A", "B"]
    assert first.has_more is True
    assert [m.title for m in second.movies] == ["C"]
    assert second.has_more is False
    assert first.movies[0].thumbnail_url == "/static/posters/monsoon-express.svg"


def test_shows_for_date_group_by_theatre_and_skip_unpriced_shows(catalog, db):
    movie = factories.movie_create()
    tomorrow = timezone.localdate() + timedelta(days=1)
    evening = timezone.make_aware(
        timezone.datetime.combine(tomorrow, timezone.datetime.min.time())
    ) + timedelta(hours=20)
    zeta = factories.screen_create(factories.theatre_create("Zeta"))
    alpha = factories.screen_create(factories.theatre_create("Alpha"))
    factories.show_create(movie=movie, screen=zeta, start_time=evening)
    factories.show_create(movie=movie, screen=alpha, start_time=evening)
    factories.show_create(movie=movie, screen=alpha, start_time=evening - timedelta(hours=3))
    factories.show_create(
        movie=movie, screen=alpha, start_time=evening + timedelta(hours=2), prices={}
    )
    factories.show_create(movie=movie, screen=alpha, start_time=evening + timedelta(days=1))

    theatres = catalog.theatre_shows_for_date(movie_id=str(movie.id), day=tomorrow)

    assert [t.name for t in theatres] == ["Alpha", "Zeta"]
    assert [s.start_time for s in theatres[0].shows] == [evening - timedelta(hours=3), evening]
    assert theatres[0].shows[0].price == Decimal("150.00")
    assert (theatres[0].shows[0].capacity, theatres[0].shows[0].blocked_count) == (10, 1)
