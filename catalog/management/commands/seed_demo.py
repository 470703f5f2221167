"""Demo catalog: movies, theatres in two cities, screens of 100 to 600+ seats, and a week
of shows from today. Safe to run again: it adds what is missing and changes nothing else."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from catalog import models

DAYS = 7

MOVIES = [
    (
        "Monsoon Express",
        "monsoon-express",
        "8.4",
        148,
        "UA13+",
        "Hindi",
        "2D, IMAX",
        ["Action", "Thriller"],
        "2026-10-30",
        "A night train to Kolkata, a stolen ledger and a conductor with one last chance to "
        "do the right thing before the monsoon washes the tracks away.",
    ),
    (
        "The Last Raga",
        "the-last-raga",
        "9.0",
        132,
        "U",
        "Tamil",
        "2D",
        ["Drama", "Music"],
        "2026-11-06",
        "An ageing veena maestro and a street drummer from Chennai learn one song together.",
    ),
    (
        "Kingdom of Dust",
        "kingdom-of-dust",
        "8.1",
        171,
        "UA16+",
        "Telugu",
        "2D, 3D, IMAX",
        ["Action", "Epic"],
        "2026-10-16",
        "Two brothers fight over a desert kingdom their father built from nothing.",
    ),
    (
        "Chai & Chaos",
        "chai-and-chaos",
        "7.6",
        118,
        "U",
        "Hindi",
        "2D",
        ["Comedy", "Family"],
        "2026-11-13",
        "A tea stall, three generations and one wedding that nobody planned.",
    ),
    (
        "Operation Nilgiri",
        "operation-nilgiri",
        "7.9",
        139,
        "UA16+",
        "Malayalam",
        "2D",
        ["Thriller", "Mystery"],
        "2026-11-20",
        "A forest officer finds a buried radio transmitter that still answers.",
    ),
    (
        "Starlight Over Goa",
        "starlight-over-goa",
        "7.2",
        126,
        "UA13+",
        "English",
        "2D",
        ["Romance", "Drama"],
        "2026-11-13",
        "A jazz pianist and a marine biologist share a beach shack for one season.",
    ),
    (
        "The Weaver's Daughter",
        "the-weavers-daughter",
        "8.7",
        144,
        "U",
        "Bengali",
        "2D",
        ["Drama", "Period"],
        "2026-10-23",
        "Varanasi, 1947: a weaver's daughter keeps her family's looms running.",
    ),
    (
        "Thunder Valley",
        "thunder-valley",
        "6.9",
        151,
        "UA13+",
        "Kannada",
        "2D, 3D",
        ["Adventure", "Action"],
        "2026-11-20",
        "A rescue pilot flies into the storm that grounded every other crew.",
    ),
    (
        "Midnight in Mumbai",
        "midnight-in-mumbai",
        None,
        137,
        "A",
        "Hindi",
        "2D",
        ["Crime", "Noir"],
        "2026-11-27",
        "One night, one detective, and a city that never tells the whole truth.",
    ),
    (
        "Cricket Fever",
        "cricket-fever",
        "7.8",
        129,
        "U",
        "Hindi",
        "2D",
        ["Sports", "Comedy"],
        "2026-10-09",
        "A village team talks its way into a national tournament.",
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
    position = 0
    for tier_position, spec in enumerate(layout):
        tier = models.SeatTier.objects.create(
            screen=screen, code=spec.code, name=spec.name, position=tier_position
        )
        for row_spec in spec.rows:
            for label in row_spec.labels:
                models.SeatRow.objects.create(
                    screen=screen,
                    tier=tier,
                    label=label,
                    position=position,
                    seat_count=row_spec.seats,
                    aisle_after=list(row_spec.aisles),
                    blocked=list((row_spec.blocked or {}).get(label, ())),
                )
                position += 1


class Command(BaseCommand):
    help = "Create the demo catalog (idempotent): movies, theatres, screens and 7 days of shows."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        movies = [self._movie(*spec) for spec in MOVIES]
        screens = [
            self._screen(theatre, name, layout)
            for theatre, screen_specs in self._theatres()
            for name, layout in screen_specs
        ]
        today = timezone.localdate()
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

    def _movie(self, title, slug, rating, minutes, age, language, fmt, genres, released, about):
        movie, _ = models.Movie.objects.get_or_create(
            title=title,
            defaults={
                "poster": f"posters/{slug}.svg",
                "rating": Decimal(rating) if rating else None,
                "duration_mins": minutes,
                "age_rating": age,
                "language": language,
                "format": fmt,
                "genres": genres,
                "release_date": date.fromisoformat(released),
                "about": about,
            },
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
        created = 0
        for slot, show_time in enumerate(SHOW_TIMES):
            movie = movies[(screen_index * 3 + slot + day.toordinal()) % len(movies)]
            start = timezone.make_aware(datetime.combine(day, show_time))
            show, is_new = models.Show.objects.get_or_create(
                screen=screen, start_time=start, defaults={"movie": movie}
            )
            if is_new:
                created += 1
                evening = Decimal(40 if show_time.hour >= 18 else 0)
                for spec in layout:
                    models.ShowPrice.objects.create(
                        show=show,
                        tier=screen.tiers.get(code=spec.code),
                        price=Decimal(spec.base_price) + evening,
                    )
        return created
