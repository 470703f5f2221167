"""Small, explicit catalog data for tests."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from catalog import models


def movie_create(title: str = "Monsoon Express", **fields) -> models.Movie:
    defaults = {
        "poster": "posters/monsoon-express.svg",
        "rating": Decimal("8.4"),
        "duration_mins": 148,
        "age_rating": "UA13+",
        "languages": ["Hindi"],
        "formats": ["2D"],
        "genres": ["Action", "Thriller"],
        "about": "A night train.",
    }
    return models.Movie.objects.create(title=title, **{**defaults, **fields})


def theatre_create(name: str = "PVR Phoenix Palladium", **fields) -> models.Theatre:
    defaults = {
        "city": "Mumbai",
        "address": "Lower Parel, Mumbai",
        "lat": 18.99,
        "lng": 72.82,
        "cancellation_available": True,
    }
    return models.Theatre.objects.create(name=name, **{**defaults, **fields})


def screen_create(theatre: models.Theatre | None = None, name: str = "Audi 1") -> models.Screen:
    """Two tiers: PRIME rows B (6 seats, aisle after 3) and CLASSIC row A (4 seats, A4
    blocked). 10 seats in all, 1 blocked."""
    screen = models.Screen.objects.create(theatre=theatre or theatre_create(), name=name)
    prime = models.SeatTier.objects.create(screen=screen, code="PRIME", name="Prime", position=0)
    classic = models.SeatTier.objects.create(
        screen=screen, code="CLASSIC", name="Classic", position=1
    )
    models.SeatRow.objects.create(
        screen=screen, tier=prime, label="B", position=0, seat_count=6, aisle_after=[3]
    )
    models.SeatRow.objects.create(
        screen=screen, tier=classic, label="A", position=1, seat_count=4, blocked=[4]
    )
    return screen


def show_create(
    *,
    movie: models.Movie | None = None,
    screen: models.Screen | None = None,
    start_time: datetime | None = None,
    prices: dict[str, str] | None = None,
    format: str = "",
    language: str = "",
) -> models.Show:
    screen = screen or screen_create()
    show = models.Show.objects.create(
        movie=movie or movie_create(),
        screen=screen,
        start_time=start_time or timezone.now() + timedelta(days=1),
        format=format,
        language=language,
    )
    prices = {"PRIME": "250.00", "CLASSIC": "150.00"} if prices is None else prices
    for code, price in prices.items():
        models.ShowPrice.objects.create(
            show=show, tier=screen.tiers.get(code=code), price=Decimal(price)
        )
    return show


def demo_show_create(layout: str = "IMAX", *, start_time: datetime | None = None) -> models.Show:
    """A show in one of the demo's screens (seed_demo): "IMAX" is the 612-seat hall,
    Recliner X-V (14 seats, an aisle after 7) at ₹650, Prime U-J and Classic H-A (30
    seats, aisles after 6 and 24) at ₹380 and ₹250, P15, P16, A1 and A30 blocked;
    "SMALL" has rows of 12 and 10 seats."""
    from catalog.management.commands import seed_demo

    spec = getattr(seed_demo, layout)
    screen = models.Screen.objects.create(theatre=theatre_create(), name=layout.title())
    seed_demo.seats_create(screen, spec)
    return show_create(
        screen=screen,
        start_time=start_time,
        prices={tier.code: str(tier.base_price) for tier in spec},
    )
