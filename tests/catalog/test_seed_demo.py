from django.core.management import call_command

from catalog import models
from catalog.sources.local import LocalCatalog


def test_seed_demo_is_idempotent_and_realistic(db):
    call_command("seed_demo")
    counts = [
        models.Movie.objects.count(),
        models.Theatre.objects.count(),
        models.Screen.objects.count(),
        models.Show.objects.count(),
        models.ShowPrice.objects.count(),
    ]
    call_command("seed_demo")
    assert [
        models.Movie.objects.count(),
        models.Theatre.objects.count(),
        models.Screen.objects.count(),
        models.Show.objects.count(),
        models.ShowPrice.objects.count(),
    ] == counts

    assert counts[0] >= 8
    assert models.Theatre.objects.values("city").distinct().count() >= 2
    assert all(movie.poster.startswith("posters/") for movie in models.Movie.objects.all())
    catalog = LocalCatalog()
    capacities = sorted(
        catalog.show_get(show_id=str(screen.shows.first().id)).layout.capacity
        for screen in models.Screen.objects.all()
    )
    assert capacities[0] <= 110
    assert capacities[-1] >= 600
    assert {screen.tiers.count() for screen in models.Screen.objects.all()} <= {2, 3}
    assert models.SeatRow.objects.exclude(blocked=[]).exists()
    days = {show.start_time.date() for show in models.Show.objects.all()}
    assert len(days) >= 7


def test_seed_demo_fills_cast_formats_languages_and_coming_soon(db):
    from django.utils import timezone

    call_command("seed_demo")
    movies = models.Movie.objects.all()
    assert all(movie.languages and movie.formats for movie in movies)
    assert all(movie.credits.filter(kind="cast").exists() for movie in movies)
    assert all(movie.credits.filter(kind="crew", role="Director").exists() for movie in movies)
    today = timezone.localdate()
    coming = [movie for movie in movies if movie.release_date > today]
    assert len(coming) >= 2
    assert not models.Show.objects.filter(movie__in=coming).exists()
    shows = models.Show.objects.select_related("movie", "screen")
    assert {show.format for show in shows} >= {"2D", "3D", "IMAX"}
    assert all(show.format in show.movie.formats for show in shows)
    assert all(show.language in show.movie.languages for show in shows)
    assert all(
        show.format == "IMAX"
        for show in shows
        if show.screen.name == "IMAX" and "IMAX" in show.movie.formats
    )
    assert any(show.movie.release_date <= today for show in shows)


def test_seed_demo_large_adds_the_large_catalog_once(db, monkeypatch):
    from catalog import demo_large

    monkeypatch.setattr(demo_large, "MOVIES", 60)
    monkeypatch.setattr(demo_large, "THEATRES_PER_CITY", 2)
    monkeypatch.setattr(demo_large, "SHOWS", 500)
    call_command("seed_demo", "--large")
    large = models.Theatre.objects.filter(name__startswith=demo_large.MARK)
    assert large.count() == 40
    assert large.values("city").distinct().count() == 20
    assert models.Show.objects.filter(screen__theatre__in=large).count() == 500
    assert models.ShowPrice.objects.filter(show__screen__theatre__in=large).count() >= 1000
    movies = models.Movie.objects.count()
    call_command("seed_demo", "--large")
    assert models.Movie.objects.count() == movies
    assert models.Show.objects.filter(screen__theatre__in=large).count() == 500
    catalog = LocalCatalog()
    a_show = models.Show.objects.filter(screen__theatre__in=large).first()
    assert catalog.show_get(show_id=str(a_show.id)).layout.capacity >= 100
