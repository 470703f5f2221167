"""Demo catalog: movies with cast and crew (two of them coming soon), theatres in two
cities, screens of 100 to 600+ seats, and a week of shows from today, each in its own
format and language. Safe to run again: it adds what is missing and changes nothing else.
``--large`` adds the catalog at size (``catalog/demo_large.py``)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from catalog import models
from catalog.sources.local import local_index_clear

DAYS = 7


@dataclass(frozen=True)
class MovieSpec:
    title: str
    slug: str  # its poster is static/posters/<slug>.svg
    rating: str | None
    votes: int
    minutes: int
    age: str
    languages: tuple[str, ...]
    formats: tuple[str, ...]
    genres: tuple[str, ...]
    released: int  # days before the day of seeding; negative: coming soon
    about: str
    cast: tuple[tuple[str, str], ...] = ()  # (name, character)
    crew: tuple[tuple[str, str], ...] = ()  # (name, job)
    trailer: str = ""


MOVIES = [
    MovieSpec(
        "Monsoon Express",
        "monsoon-express",
        "8.4",
        48_213,
        148,
        "UA13+",
        ("Hindi", "English"),
        ("2D", "IMAX"),
        ("Action", "Thriller"),
        27,
        "A night train to Kolkata, a stolen ledger and a conductor with one last chance to "
        "do the right thing before the monsoon washes the tracks away.",
        cast=(("Arjun Mehra", "Vikram Rao"), ("Naina Kapoor", "Meera"), ("Imran Sheikh", "Das")),
        crew=(("Ritu Sen", "Director"), ("Kabir Anand", "Music")),
        trailer="https://www.youtube.com/watch?v=monsoon-express",
    ),
    MovieSpec(
        "The Last Raga",
        "the-last-raga",
        "9.0",
        12_876,
        132,
        "U",
        ("Tamil", "Telugu"),
        ("2D",),
        ("Drama", "Music"),
        20,
        "An ageing veena maestro and a street drummer from Chennai learn one song together.",
        cast=(("Lakshmi Narayanan", "Saraswati"), ("Karthik Raja", "Murugan")),
        crew=(("Venkat Prabhu", "Director"),),
    ),
    MovieSpec(
        "Kingdom of Dust",
        "kingdom-of-dust",
        "8.1",
        96_450,
        171,
        "UA16+",
        ("Telugu", "Hindi", "Tamil"),
        ("2D", "3D", "IMAX"),
        ("Action", "Epic"),
        41,
        "Two brothers fight over a desert kingdom their father built from nothing.",
        cast=(("Ram Charan Teja", "Veera"), ("Priya Raman", "Devasena"), ("Arjun Mehra", "Bhalla")),
        crew=(("S. Rajendra", "Director"), ("M. Keeravani", "Music")),
        trailer="https://www.youtube.com/watch?v=kingdom-of-dust",
    ),
    MovieSpec(
        "Chai & Chaos",
        "chai-and-chaos",
        "7.6",
        8_342,
        118,
        "U",
        ("Hindi",),
        ("2D",),
        ("Comedy", "Family"),
        13,
        "A tea stall, three generations and one wedding that nobody planned.",
        cast=(("Pankaj Tiwari", "Bauji"), ("Sanya Malhotra", "Pinky")),
        crew=(("Anu Menon", "Director"),),
    ),
    MovieSpec(
        "Operation Nilgiri",
        "operation-nilgiri",
        "7.9",
        5_120,
        139,
        "UA16+",
        ("Malayalam", "Tamil"),
        ("2D",),
        ("Thriller", "Mystery"),
        6,
        "A forest officer finds a buried radio transmitter that still answers.",
        cast=(("Fahadh Faasil", "Officer Joseph"), ("Nimisha Sajayan", "Anna")),
        crew=(("Dileesh Pothan", "Director"),),
    ),
    MovieSpec(
        "Starlight Over Goa",
        "starlight-over-goa",
        "7.2",
        3_904,
        126,
        "UA13+",
        ("English",),
        ("2D",),
        ("Romance", "Drama"),
        13,
        "A jazz pianist and a marine biologist share a beach shack for one season.",
        cast=(("Naina Kapoor", "Rhea"), ("Dev Patel", "Sam")),
        crew=(("Zoya Akhtar", "Director"),),
    ),
    MovieSpec(
        "The Weaver's Daughter",
        "the-weavers-daughter",
        "8.7",
        21_771,
        144,
        "U",
        ("Bengali", "Hindi"),
        ("2D",),
        ("Drama", "Period"),
        34,
        "Varanasi, 1947: a weaver's daughter keeps her family's looms running.",
        cast=(("Rituparna Sengupta", "Kamala"), ("Parambrata Chatterjee", "Nikhil")),
        crew=(("Aparna Sen", "Director"),),
    ),
    MovieSpec(
        "Thunder Valley",
        "thunder-valley",
        "6.9",
        7_455,
        151,
        "UA13+",
        ("Kannada", "Hindi"),
        ("2D", "3D"),
        ("Adventure", "Action"),
        6,
        "A rescue pilot flies into the storm that grounded every other crew.",
        cast=(("Yash Gowda", "Captain Surya"), ("Rashmika Rao", "Anu")),
        crew=(("Prashanth Neel", "Director"),),
    ),
    MovieSpec(
        "Midnight in Mumbai",
        "midnight-in-mumbai",
        None,
        0,
        137,
        "A",
        ("Hindi",),
        ("2D", "IMAX"),
        ("Crime", "Noir"),
        0,
        "One night, one detective, and a city that never tells the whole truth.",
        cast=(("Imran Sheikh", "Inspector Khan"), ("Sanya Malhotra", "Zoya")),
        crew=(("Anurag Kashyap", "Director"),),
    ),
    MovieSpec(
        "Cricket Fever",
        "cricket-fever",
        "7.8",
        15_608,
        129,
        "U",
        ("Hindi", "English"),
        ("2D",),
        ("Sports", "Comedy"),
        48,
        "A village team talks its way into a national tournament.",
        cast=(("Pankaj Tiwari", "Coach Pandey"), ("Arjun Mehra", "Raju")),
        crew=(("Nitesh Tiwari", "Director"),),
    ),
    MovieSpec(
        "Echoes of the Ghats",
        "placeholder",
        None,
        0,
        142,
        "UA13+",
        ("Marathi", "Hindi"),
        ("2D", "IMAX"),
        ("Drama", "Adventure"),
        -9,
        "Three friends walk the Western Ghats to scatter a promise, not ashes.",
        cast=(("Radhika Apte", "Gauri"), ("Arjun Mehra", "Sahil")),
        crew=(("Nagraj Manjule", "Director"),),
    ),
    MovieSpec(
        "Orbit 9",
        "placeholder",
        None,
        0,
        155,
        "UA13+",
        ("English", "Hindi"),
        ("2D", "3D", "IMAX"),
        ("Sci-Fi", "Action"),
        -23,
        "India's first crewed station loses contact with the ground for nine minutes.",
        cast=(("Dev Patel", "Commander Iyer"), ("Naina Kapoor", "Dr Bose")),
        crew=(("Rakeysh Mehra", "Director"),),
    ),
]


@dataclass(frozen=True)
class RowSpec:
    labels: str  # one letter per row, top (back) row first
    seats: int
    aisles: tuple[int, ...] = ()
    blocked: dict[str, tuple[int, ...]] | None = None


@dataclass(frozen=True)
class TierSpec:
    code: str
    name: str
    base_price: int
    rows: tuple[RowSpec, ...]


# The layouts: tiers back to front; the screen is in front of the last row.
SMALL = (  # 108 seats
    TierSpec("PRIME", "Prime", 260, (RowSpec("KJHG", 12, (6,), {"H": (1,)}),)),
    TierSpec("CLASSIC", "Classic", 180, (RowSpec("FEDCBA", 10, (5,), {"A": (10,)}),)),
)
MEDIUM = (  # 180 seats
    TierSpec("RECLINER", "Recliner", 450, (RowSpec("L", 12, (6,)),)),
    TierSpec("PRIME", "Prime", 280, (RowSpec("KJHGF", 16, (4, 12), {"G": (8, 9)}),)),
    TierSpec("CLASSIC", "Classic", 190, (RowSpec("EDCBA", 16, (4, 12)),)),
)
LARGE = (  # 240 seats
    TierSpec("RECLINER", "Recliner", 480, (RowSpec("MLK", 10, (5,)),)),
    TierSpec("PRIME", "Prime", 300, (RowSpec("JHGFE", 22, (5, 17), {"F": (11, 12)}),)),
    TierSpec("CLASSIC", "Classic", 200, (RowSpec("DCBA", 20, (4, 16)),)),
)
IMAX = (  # 612 seats; no rows I and O, as in most cinemas
    TierSpec("RECLINER", "Recliner", 650, (RowSpec("XWV", 14, (7,)),)),
    TierSpec("PRIME", "Prime", 380, (RowSpec("UTSRQPNMLKJ", 30, (6, 24), {"P": (15, 16)}),)),
    TierSpec("CLASSIC", "Classic", 250, (RowSpec("HGFEDCBA", 30, (6, 24), {"A": (1, 30)}),)),
)

THEATRES = [
    (
        "PVR Phoenix Palladium",
        "Mumbai",
        "Lower Parel, Mumbai 400013",
        18.9937,
        72.8254,
        True,
        [("Audi 1", SMALL), ("IMAX", IMAX)],
    ),
    (
        "INOX Nariman Point",
        "Mumbai",
        "CR2 Mall, Nariman Point, Mumbai 400021",
        18.9256,
        72.8242,
        False,
        [("Screen 1", MEDIUM)],
    ),
    (
        "Cinepolis Forum Mall",
        "Bengaluru",
        "Koramangala, Bengaluru 560095",
        12.9346,
        77.6112,
        True,
        [("Audi 3", LARGE), ("Audi 4", SMALL)],
    ),
    (
        "PVR Orion Mall",
        "Bengaluru",
        "Rajajinagar, Bengaluru 560055",
        13.0108,
        77.5549,
        False,
        [("Audi 2", MEDIUM)],
    ),
]

SHOW_TIMES = [time(10, 15), time(13, 30), time(16, 45), time(20, 0), time(22, 40)]


def seats_create(screen: models.Screen, layout: tuple[TierSpec, ...]) -> None:
    """The tiers and rows of ``layout`` (IMAX, SMALL, ...) in ``screen``."""
    tiers = {
        spec.code: models.SeatTier.objects.create(
            screen=screen, code=spec.code, name=spec.name, position=tier_position
        )
        for tier_position, spec in enumerate(layout)
    }
    models.SeatRow.objects.bulk_create(
        seat_rows(screen.id, layout, {code: tier.id for code, tier in tiers.items()})
    )


def seat_rows(screen_id, layout: tuple[TierSpec, ...], tier_ids: dict) -> list[models.SeatRow]:
    """The rows of ``layout`` in a screen whose tiers (by code) have ``tier_ids``, unsaved."""
    rows: list[models.SeatRow] = []
    for spec in layout:
        for row_spec in spec.rows:
            for label in row_spec.labels:
                rows.append(
                    models.SeatRow(
                        screen_id=screen_id,
                        tier_id=tier_ids[spec.code],
                        label=label,
                        position=len(rows),
                        seat_count=row_spec.seats,
                        aisle_after=list(row_spec.aisles),
                        blocked=list((row_spec.blocked or {}).get(label, ())),
                    )
                )
    return rows


def show_format(movie: models.Movie, screen_name: str, slot: int) -> str:
    """IMAX halls play a movie in IMAX where it has it; others in 3D at every other show
    of a movie that has 3D; 2D otherwise."""
    if screen_name == "IMAX" and "IMAX" in movie.formats:
        return "IMAX"
    if "3D" in movie.formats and slot % 2:
        return "3D"
    return "2D"


def show_language(movie: models.Movie, slot: int) -> str:
    """A movie dubbed into several languages plays in each of them in turn."""
    return movie.languages[slot % len(movie.languages)] if movie.languages else ""


def show_prices(show: models.Show, tiers: dict[str, models.SeatTier], layout, start) -> list:
    evening = Decimal(40 if start.hour >= 18 else 0)
    return [
        models.ShowPrice(show=show, tier=tiers[spec.code], price=Decimal(spec.base_price) + evening)
        for spec in layout
    ]


class Command(BaseCommand):
    help = (
        "Create the demo catalog (idempotent): movies with cast and crew, theatres, screens "
        "and 7 days of shows. --large adds a catalog at size (500 movies, 200 theatres in "
        "20 cities, 30,000 shows), once."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--large",
            action="store_true",
            help="Also add 500 movies, 200 theatres in 20 cities and 30,000 shows (once).",
        )

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        today = timezone.localdate()
        movies = [self._movie(spec, today) for spec in MOVIES]
        screens = [
            self._screen(theatre, name, layout)
            for theatre, screen_specs in self._theatres()
            for name, layout in screen_specs
        ]
        created = sum(
            self._show(screen, layout, movies, today + timedelta(days=day), screen_index)
            for day in range(DAYS)
            for screen_index, (screen, layout) in enumerate(screens)
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo catalog ready: {len(movies)} movies, {len(screens)} screens, "
                f"{created} new shows."
            )
        )
        if options["large"]:
            from catalog.demo_large import large_catalog_create

            self.stdout.write(large_catalog_create(today))
        local_index_clear()

    def _movie(self, spec: MovieSpec, today: date) -> models.Movie:
        movie, created = models.Movie.objects.get_or_create(
            title=spec.title,
            defaults={
                "poster": f"posters/{spec.slug}.svg",
                "rating": Decimal(spec.rating) if spec.rating else None,
                "vote_count": spec.votes,
                "duration_mins": spec.minutes,
                "age_rating": spec.age,
                "languages": list(spec.languages),
                "formats": list(spec.formats),
                "genres": list(spec.genres),
                "release_date": today - timedelta(days=spec.released),
                "about": spec.about,
                "trailer_url": spec.trailer,
            },
        )
        if created or not movie.credits.exists():
            models.Credit.objects.bulk_create(
                [
                    models.Credit(movie=movie, kind=kind, name=name, role=role, position=n)
                    for kind, people in (("cast", spec.cast), ("crew", spec.crew))
                    for n, (name, role) in enumerate(people)
                ]
            )
        return movie

    def _theatres(self):
        for name, city, address, lat, lng, cancellation, screens in THEATRES:
            theatre, _ = models.Theatre.objects.get_or_create(
                name=name,
                defaults={
                    "city": city,
                    "address": address,
                    "lat": lat,
                    "lng": lng,
                    "cancellation_available": cancellation,
                },
            )
            yield theatre, screens

    def _screen(self, theatre, name, layout):
        screen, created = models.Screen.objects.get_or_create(theatre=theatre, name=name)
        if created:
            seats_create(screen, layout)
        return screen, layout

    def _show(self, screen, layout, movies, day, screen_index) -> int:
        """The day's shows in the screen, of the movies released by then."""
        playing = [
            movie for movie in movies if movie.release_date is None or movie.release_date <= day
        ]
        tiers = {tier.code: tier for tier in screen.tiers.all()}
        created = 0
        for slot, show_time in enumerate(SHOW_TIMES):
            movie = playing[(screen_index * 3 + slot + day.toordinal()) % len(playing)]
            start = timezone.make_aware(datetime.combine(day, show_time))
            show, is_new = models.Show.objects.get_or_create(
                screen=screen,
                start_time=start,
                defaults={
                    "movie": movie,
                    "format": show_format(movie, screen.name, slot),
                    "language": show_language(movie, slot + day.toordinal()),
                },
            )
            if is_new:
                created += 1
                models.ShowPrice.objects.bulk_create(show_prices(show, tiers, layout, show_time))
        return created
