from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.cache import cache
from django.utils import timezone

from catalog import models
from catalog.errors import MovieNotFound, ShowNotFound
from catalog.sources.local import VERSION_KEY, LocalCatalog, local_index_clear
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


def test_a_movie_carries_its_languages_formats_votes_trailer_cast_and_crew(catalog, db):
    from catalog.domain import Credit
    from catalog.models import Credit as CreditRow

    movie = factories.movie_create(
        languages=["Hindi", "Tamil"],
        formats=["2D", "IMAX"],
        vote_count=4210,
        trailer_url="https://example.test/trailer",
    )
    CreditRow.objects.create(movie=movie, kind="crew", name="Ritu Sen", role="Director")
    CreditRow.objects.create(
        movie=movie, kind="cast", name="Naina Kapoor", role="Meera", position=1
    )
    CreditRow.objects.create(movie=movie, kind="cast", name="Arjun Mehra", role="Vikram")
    loaded = catalog.movie_get(movie_id=str(movie.id))
    assert (loaded.languages, loaded.formats) == (("Hindi", "Tamil"), ("2D", "IMAX"))
    assert (loaded.language, loaded.format) == ("Hindi, Tamil", "2D, IMAX")
    assert (loaded.vote_count, loaded.trailer_url) == (4210, "https://example.test/trailer")
    assert loaded.cast == (Credit("Arjun Mehra", "Vikram"), Credit("Naina Kapoor", "Meera"))
    assert loaded.crew == (Credit("Ritu Sen", "Director", "crew"),)
    [card] = catalog.movies_all()
    assert card.cast_names == ("Arjun Mehra", "Naina Kapoor")
    assert (card.languages, card.formats, card.vote_count) == (
        ("Hindi", "Tamil"),
        ("2D", "IMAX"),
        4210,
    )


def test_a_show_has_its_own_format_and_language_else_2d_and_the_main_language(catalog, db):
    movie = factories.movie_create(languages=["Telugu", "Hindi"], formats=["2D", "IMAX"])
    theatre = factories.theatre_create(city="Bengaluru", address="Koramangala, Bengaluru")
    tomorrow = timezone.localtime() + timedelta(days=1)
    first = tomorrow.replace(hour=10, minute=0, second=0, microsecond=0)
    factories.show_create(
        movie=movie,
        screen=factories.screen_create(theatre, "IMAX"),
        start_time=first,
        format="IMAX",
        language="Hindi",
    )
    factories.show_create(
        movie=movie,
        screen=factories.screen_create(theatre, "Audi 2"),
        start_time=first + timedelta(hours=3),
    )
    [listed] = catalog.theatre_shows_for_date(movie_id=str(movie.id), day=first.date())
    assert listed.city.slug == "bengaluru"
    assert [(s.format, s.language, s.screen_name) for s in listed.shows] == [
        ("IMAX", "Hindi", "IMAX"),
        ("2D", "Telugu", "Audi 2"),
    ]


def test_shows_of_several_days_are_read_in_a_fixed_number_of_queries(
    catalog, db, django_assert_num_queries
):
    movie = factories.movie_create()
    start = (timezone.localtime() + timedelta(days=1)).replace(hour=10, minute=0)
    for n in range(6):
        screen = factories.screen_create(factories.theatre_create(f"Cinema {n}"), "Audi 1")
        for day in range(3):
            factories.show_create(
                movie=movie, screen=screen, start_time=start + timedelta(days=day)
            )
    days = [start.date() + timedelta(days=d) for d in range(4)]
    # cold: the catalog's version (1), the movie index (2), the seats index (1), the shows (2)
    with django_assert_num_queries(6):
        found = catalog.theatre_shows_for_days(movie_id=str(movie.id), days=days)
    assert [sum(len(t.shows) for t in found[day]) for day in days] == [6, 6, 6, 0]
    with django_assert_num_queries(0):  # kept until the catalog changes
        again = catalog.theatre_shows_for_days(movie_id=str(movie.id), days=days)
    assert again == found
    factories.show_create(movie=movie, screen=screen, start_time=start + timedelta(days=3))
    with django_assert_num_queries(6):  # a change clears the indexes too: all afresh
        changed = catalog.theatre_shows_for_days(movie_id=str(movie.id), days=days)
    assert [sum(len(t.shows) for t in changed[day]) for day in days] == [6, 6, 6, 1]


def test_cities_and_what_is_showing_where(catalog, db):
    from catalog.domain import City

    mumbai, pune = City("mumbai", "Mumbai"), City("pune", "Pune")
    playing = factories.show_create(screen=factories.screen_create(factories.theatre_create()))
    factories.theatre_create("E-Square", city="Pune", address="University Road, Pune")
    factories.show_create(
        movie=factories.movie_create("Over"),
        start_time=timezone.now() - timedelta(hours=1),
        screen=factories.screen_create(factories.theatre_create("Old", city="Pune")),
    )
    assert catalog.cities() == (mumbai, pune)
    assert catalog.movies_showing(city=mumbai) == {str(playing.movie_id)}
    assert catalog.movies_showing(city=pune) == frozenset()
    assert catalog.movies_showing(city=None) == {str(playing.movie_id)}


def test_the_movie_index_follows_changes_made_through_the_models(catalog, db):
    movie = factories.movie_create()
    assert [card.title for card in catalog.movies_all()] == ["Monsoon Express"]
    movie.title = "Monsoon Express 2"
    movie.save()
    assert [card.title for card in catalog.movies_all()] == ["Monsoon Express 2"]
    factories.theatre_create(city="Delhi")
    assert [city.name for city in catalog.cities()] == ["Delhi"]


def test_indexes_are_rebuilt_only_when_the_catalog_changes(catalog, db, django_assert_num_queries):
    factories.show_create()
    movies = catalog.movies_all()
    cache.delete(VERSION_KEY)  # this process's copy of the version has lapsed
    with django_assert_num_queries(1):  # the version, unchanged: the index is kept
        assert catalog.movies_all() is movies
    with django_assert_num_queries(0):
        assert catalog.movies_all() is movies


def test_a_change_made_in_another_process_is_seen_once_the_copy_of_the_version_lapses(catalog, db):
    movie = factories.movie_create()
    assert [card.title for card in catalog.movies_all()] == ["Monsoon Express"]
    # Another process, whose cache this one does not share, renames the movie.
    models.Movie.objects.filter(pk=movie.pk).update(title="Monsoon Express 2")
    models.CatalogVersion.objects.update(token="changed-elsewhere")
    assert [card.title for card in catalog.movies_all()] == ["Monsoon Express"]
    cache.delete(VERSION_KEY)  # VERSION_CHECK_SECONDS later
    assert [card.title for card in catalog.movies_all()] == ["Monsoon Express 2"]


def test_bulk_inserts_are_seen_once_they_mark_the_catalog_changed(catalog, db):
    assert catalog.movies_all() == ()
    models.Movie.objects.bulk_create([models.Movie(title="Orbit 9", duration_mins=120)])
    assert catalog.movies_all() == ()  # no signal: the index is kept
    local_index_clear()
    assert [card.title for card in catalog.movies_all()] == ["Orbit 9"]


def test_a_movie_stops_showing_when_its_last_show_starts_without_a_rebuild(
    catalog, db, django_assert_num_queries
):
    from catalog.domain import City

    mumbai = City("mumbai", "Mumbai")
    last = factories.show_create(start_time=timezone.now() + timedelta(hours=2))
    factories.show_create(
        movie=last.movie,
        screen=factories.screen_create(last.screen.theatre, "Audi 2"),
        start_time=timezone.now() + timedelta(hours=1),
    )
    assert catalog.movies_showing(city=mumbai) == {str(last.movie_id)}
    later = timezone.now() + timedelta(hours=1, minutes=30)
    with mock.patch.object(timezone, "now", return_value=later), django_assert_num_queries(0):
        assert catalog.movies_showing(city=mumbai) == {str(last.movie_id)}
        assert catalog.movies_showing(city=None) == {str(last.movie_id)}
    after = timezone.now() + timedelta(hours=2, minutes=1)
    with mock.patch.object(timezone, "now", return_value=after), django_assert_num_queries(0):
        assert catalog.movies_showing(city=mumbai) == frozenset()
        assert catalog.movies_showing(city=None) == frozenset()
