"""A small catalog for the finding tests: two cities, a movie in several formats and
languages, one coming soon, one whose title and one whose cast answer the same search."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from catalog import models
from tests import factories


@dataclass
class Catalog:
    monsoon: models.Movie
    arjun: models.Movie
    soon: models.Movie
    pune_only: models.Movie
    day: date
    shows: dict[str, models.Show]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time())).replace(
        hour=hour, minute=minute
    )


def catalog_create() -> Catalog:
    today = timezone.localdate()
    day = today + timedelta(days=1)
    monsoon = factories.movie_create(
        "Monsoon Express",
        languages=["Hindi", "English"],
        formats=["2D", "IMAX"],
        genres=["Action", "Thriller"],
        release_date=today - timedelta(days=10),
    )
    models.Credit.objects.create(movie=monsoon, name="Arjun Mehra", role="Vikram")
    arjun = factories.movie_create(
        "Arjun Returns",
        languages=["Tamil"],
        formats=["2D"],
        genres=["Drama"],
        release_date=today - timedelta(days=3),
    )
    soon = factories.movie_create(
        "Orbit 9",
        languages=["English"],
        formats=["2D", "3D"],
        genres=["Sci-Fi"],
        release_date=today + timedelta(days=20),
    )
    pune_only = factories.movie_create(
        "Pune Stories", languages=["Marathi"], genres=["Drama"], release_date=None
    )
    mumbai = factories.theatre_create("PVR Phoenix Palladium")
    imax = factories.screen_create(mumbai, "IMAX")
    audi = factories.screen_create(mumbai, "Audi 1")
    pune = factories.theatre_create("E-Square", city="Pune", address="University Road, Pune")
    pune_audi = factories.screen_create(pune, "Audi 1")
    shows = {
        "morning_2d_hindi": factories.show_create(
            movie=monsoon, screen=audi, start_time=at(day, 10), format="2D", language="Hindi"
        ),
        "evening_imax_english": factories.show_create(
            movie=monsoon,
            screen=imax,
            start_time=at(day, 19),
            format="IMAX",
            language="English",
            prices={"PRIME": "450.00", "CLASSIC": "300.00"},
        ),
        "night_imax_hindi": factories.show_create(
            movie=monsoon,
            screen=imax,
            start_time=at(day, 22, 30),
            format="IMAX",
            language="Hindi",
            prices={"PRIME": "450.00", "CLASSIC": "300.00"},
        ),
        "pune_afternoon": factories.show_create(
            movie=monsoon, screen=pune_audi, start_time=at(day, 14), format="2D"
        ),
        "arjun_mumbai": factories.show_create(movie=arjun, screen=audi, start_time=at(day, 13)),
        "pune_stories": factories.show_create(
            movie=pune_only, screen=pune_audi, start_time=at(day, 18)
        ),
    }
    return Catalog(monsoon, arjun, soon, pune_only, day, shows)
