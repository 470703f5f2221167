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
