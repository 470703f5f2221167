"""The catalog at size, for benchmarks and for trying the filters: 500 movies, 200
theatres in 20 cities and 30,000 shows over a week, made with a few bulk inserts."""

import itertools
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from catalog import models
from catalog.cities import KNOWN_CITIES
from catalog.domain import FORMATS

MOVIES = 500
CITIES = 20
THEATRES_PER_CITY = 10
SCREENS = (("Audi 1", "SMALL"), ("Audi 2", "MEDIUM"), ("Audi 3", "SMALL"), ("IMAX", "MEDIUM"))
SHOWS = 30_000
DAYS = 7
SLOTS = (time(9, 0), time(11, 45), time(14, 30), time(17, 15), time(20, 0), time(22, 45))
COMING_SOON = 40  # of the movies, released after the week of shows
MARK = "Large catalog"  # the first theatre's name starts so: the large catalog is there

LANGUAGES = ("Hindi", "English", "Tamil", "Telugu", "Malayalam", "Kannada", "Bengali", "Marathi")
GENRES = ("Action", "Drama", "Comedy", "Thriller", "Romance", "Family", "Sci-Fi", "Horror")
WORDS = [
    "Silent",
    "Monsoon",
    "River",
    "Tiger",
    "Golden",
    "Midnight",
    "Desert",
    "Broken",
    "Crimson",
    "Paper",
    "Hidden",
    "Last",
    "Wild",
    "Iron",
    "Velvet",
    "Electric",
    "Northern",
    "Burning",
    "Little",
    "Falling",
]
NOUNS = [
    "Kingdom",
    "Junction",
    "Raga",
    "Harbour",
    "Promise",
    "Valley",
    "Letters",
    "Circus",
    "Season",
    "Empire",
    "Frontier",
    "Lantern",
    "Mirror",
    "Orchard",
    "Signal",
    "Tide",
    "Voyage",
    "Wedding",
    "Witness",
    "Yatra",
    "Anthem",
    "Bazaar",
    "Compass",
]
PEOPLE = [
    "Aarav Shah",
    "Diya Menon",
    "Kabir Rao",
    "Ishita Sen",
    "Vihaan Iyer",
    "Anaya Das",
    "Reyansh Nair",
    "Myra Gill",
    "Arjun Bose",
    "Sara Pillai",
    "Dhruv Kulkarni",
    "Kiara Reddy",
    "Ayaan Khan",
    "Riya Joshi",
]
BRANDS = ("PVR", "INOX", "Cinepolis", "Miraj", "Carnival")


def large_catalog_create(today: date) -> str:
    """Adds the large catalog unless it is there; says what it did."""
    if models.Theatre.objects.filter(name__startswith=MARK).exists():
        return "Large catalog already there: nothing added."
    from catalog.management.commands.seed_demo import MEDIUM, SMALL, seat_rows

    layouts = {"SMALL": SMALL, "MEDIUM": MEDIUM}
    rng = random.Random(11)
    movies = models.Movie.objects.bulk_create(
        [_movie(n, today, rng) for n in range(MOVIES)], batch_size=500
    )
    models.Credit.objects.bulk_create(
        [
            models.Credit(movie=movie, kind="cast", name=name, role="", position=position)
            for movie in movies
            for position, name in enumerate(rng.sample(PEOPLE, 3))
        ],
        batch_size=2000,
    )
    cities = list(KNOWN_CITIES)[:CITIES]
    theatres = models.Theatre.objects.bulk_create(
        [
            models.Theatre(
                name=f"{MARK} {BRANDS[n % len(BRANDS)]} {city} {n + 1}",
                city=city,
                address=f"Sector {n + 1}, {city}",
                cancellation_available=n % 2 == 0,
            )
            for city in cities
            for n in range(THEATRES_PER_CITY)
        ]
    )
    screens = models.Screen.objects.bulk_create(
        [models.Screen(theatre=t, name=name) for t in theatres for name, _ in SCREENS]
    )
    layout_of = {s.id: layouts[SCREENS[n % len(SCREENS)][1]] for n, s in enumerate(screens)}
    tiers = models.SeatTier.objects.bulk_create(
        [
            models.SeatTier(screen=screen, code=spec.code, name=spec.name, position=position)
            for screen in screens
            for position, spec in enumerate(layout_of[screen.id])
        ],
        batch_size=2000,
    )
    tier_of = {(tier.screen_id, tier.code): tier for tier in tiers}
    rows = [
        row
        for screen in screens
        for row in seat_rows(
            screen.id,
            layout_of[screen.id],
            {spec.code: tier_of[(screen.id, spec.code)].id for spec in layout_of[screen.id]},
        )
    ]
    models.SeatRow.objects.bulk_create(rows, batch_size=2000)
    shows, prices = _shows(today, movies, screens, layout_of, tier_of, rng)
    models.Show.objects.bulk_create(shows, batch_size=2000)
    models.ShowPrice.objects.bulk_create(prices, batch_size=5000)
    return (
        f"Large catalog added: {len(movies)} movies, {len(theatres)} theatres in "
        f"{len(cities)} cities, {len(shows)} shows."
    )


def _title(n: int) -> str:
    """Unique titles: every word with every noun, then again numbered."""
    pairs = len(WORDS) * len(NOUNS)
    title = f"{WORDS[n % len(WORDS)]} {NOUNS[n // len(WORDS) % len(NOUNS)]}"
    return f"{title} {n // pairs + 1}" if n >= pairs else title


def _movie(n: int, today: date, rng: random.Random) -> models.Movie:
    languages = rng.sample(LANGUAGES, rng.choice((1, 1, 2, 3)))
    formats = ["2D", *rng.sample(FORMATS[1:4], rng.choice((0, 0, 1, 2)))]
    released = (
        today + timedelta(days=DAYS + n % 30)
        if n < COMING_SOON
        else today - timedelta(days=rng.randrange(0, 60))
    )
    return models.Movie(
        title=_title(n),
        about="A movie of the large catalog.",
        rating=Decimal(rng.randrange(50, 96)) / 10 if n >= COMING_SOON else None,
        vote_count=rng.randrange(100, 90_000) if n >= COMING_SOON else 0,
        duration_mins=rng.randrange(95, 181),
        age_rating=rng.choice(("U", "UA13+", "UA16+", "A")),
        release_date=released,
        languages=languages,
        formats=formats,
        genres=rng.sample(GENRES, 2),
    )


def _shows(today, movies, screens, layout_of, tier_of, rng):
    playing = [movie for movie in movies if movie.release_date <= today]
    shows: list[models.Show] = []
    prices: list[models.ShowPrice] = []
    slots = itertools.product(range(DAYS), range(len(SLOTS)), range(len(screens)))
    for day, slot, screen_index in itertools.islice(slots, SHOWS):
        screen = screens[screen_index]
        movie = playing[rng.randrange(len(playing))]
        start = timezone.make_aware(datetime.combine(today + timedelta(days=day), SLOTS[slot]))
        imax = screen.name == "IMAX" and "IMAX" in movie.formats
        show = models.Show(
            movie_id=movie.id,
            screen_id=screen.id,
            start_time=start,
            format="IMAX" if imax else ("3D" if "3D" in movie.formats and slot % 2 else "2D"),
            language=movie.languages[slot % len(movie.languages)],
        )
        shows.append(show)
        evening = Decimal(40 if SLOTS[slot].hour >= 18 else 0)
        prices.extend(
            models.ShowPrice(
                show_id=show.id,
                tier_id=tier_of[(screen.id, spec.code)].id,
                price=Decimal(spec.base_price) + evening,
            )
            for spec in layout_of[screen.id]
        )
    return shows, prices
