"""The local catalog: what is showing where, used when no Lambda API is configured."""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from bookmyshow.money import rupees
from catalog.domain import FORMATS

ROW_LABEL = RegexValidator(r"^[A-Z]{1,2}$", "A row label is one or two capital letters.")
TIER_CODE = RegexValidator(r"^[A-Z][A-Z_]{0,19}$", "A tier code is UPPER_SNAKE, e.g. PRIME.")
MAX_SEATS_PER_ROW = 99  # seat ids are the row label and at most two digits


def validate_names(value: object) -> None:
    if not isinstance(value, list) or not all(
        isinstance(name, str) and name.strip() and len(name) <= 60 for name in value
    ):
        raise ValidationError('Enter a list of names, e.g. ["Hindi", "Tamil"].')


def validate_formats(value: object) -> None:
    if not isinstance(value, list) or not all(name in FORMATS for name in value):
        raise ValidationError(f"Enter a list of formats from: {', '.join(FORMATS)}.")


class Movie(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=200)
    about = models.TextField(blank=True)
    poster = models.CharField(
        max_length=200, blank=True, help_text="Path under static/, e.g. posters/rrr.svg"
    )
    rating = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    duration_mins = models.PositiveSmallIntegerField(null=True, blank=True)
    age_rating = models.CharField(max_length=10, blank=True)
    release_date = models.DateField(null=True, blank=True)
    languages = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_names],
        help_text='The languages it plays in, main one first: ["Hindi", "Tamil"]',
    )
    formats = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_formats],
        help_text=f'The formats it plays in: ["2D", "IMAX"]; any of {", ".join(FORMATS)}',
    )
    genres = models.JSONField(default=list, blank=True, validators=[validate_names])
    vote_count = models.PositiveIntegerField(default=0, help_text="Votes behind the rating")
    trailer_url = models.URLField(blank=True, help_text="Optional: a link to the trailer")

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Credit(models.Model):
    """Someone in the cast (``role``: the character) or the crew (``role``: the job)."""

    class Kind(models.TextChoices):
        CAST = "cast", "Cast"
        CREW = "crew", "Crew"

    movie = models.ForeignKey(Movie, on_delete=models.CASCADE, related_name="credits")
    kind = models.CharField(max_length=4, choices=Kind.choices, default=Kind.CAST)
    name = models.CharField(max_length=120)
    role = models.CharField(max_length=120, blank=True, help_text="Character, or job (Director)")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["kind", "position", "id"]
        indexes = [models.Index(fields=["movie", "kind", "position"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name


class Theatre(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    city = models.CharField(max_length=100, db_index=True)
    address = models.CharField(max_length=300)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    cancellation_available = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"


class Screen(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    theatre = models.ForeignKey(Theatre, on_delete=models.CASCADE, related_name="screens")
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["theatre__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["theatre", "name"], name="unique_screen_name")
        ]

    def __str__(self) -> str:
        return f"{self.theatre.name} · {self.name}"


class SeatTier(models.Model):
    """A class of seats in one screen (Recliner, Prime, Classic); ordered back to front."""

    screen = models.ForeignKey(Screen, on_delete=models.CASCADE, related_name="tiers")
    code = models.CharField(max_length=20, validators=[TIER_CODE])
    name = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        constraints = [models.UniqueConstraint(fields=["screen", "code"], name="unique_tier_code")]

    def __str__(self) -> str:
        return self.name


def validate_seat_numbers(value: object) -> None:
    if not isinstance(value, list) or not all(
        isinstance(number, int) and 1 <= number <= MAX_SEATS_PER_ROW for number in value
    ):
        raise ValidationError(f"Enter a list of seat numbers from 1 to {MAX_SEATS_PER_ROW}.")


class SeatRow(models.Model):
    """One row of a screen, front rows last (``position`` counts from the back).

    Seats are numbered 1..``seat_count``; ``aisle_after`` lists the seat numbers followed
    by an aisle; ``blocked`` lists seats that cannot be sold (broken, house seats).
    """

    screen = models.ForeignKey(Screen, on_delete=models.CASCADE, related_name="rows")
    tier = models.ForeignKey(SeatTier, on_delete=models.PROTECT, related_name="rows")
    label = models.CharField(max_length=2, validators=[ROW_LABEL])
    position = models.PositiveSmallIntegerField(default=0)
    seat_count = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SEATS_PER_ROW)]
    )
    aisle_after = models.JSONField(default=list, blank=True, validators=[validate_seat_numbers])
    blocked = models.JSONField(default=list, blank=True, validators=[validate_seat_numbers])

    class Meta:
        ordering = ["position", "label"]
        constraints = [models.UniqueConstraint(fields=["screen", "label"], name="unique_row_label")]

    def __str__(self) -> str:
        return f"Row {self.label}"

    def clean(self) -> None:
        if self.tier_id and self.screen_id and self.tier.screen_id != self.screen_id:
            raise ValidationError({"tier": "The tier must belong to the same screen."})
        for field_name in ("aisle_after", "blocked"):
            numbers = getattr(self, field_name)
            if isinstance(numbers, list) and any(n > self.seat_count for n in numbers):
                raise ValidationError(
                    {field_name: f"Row {self.label} has {self.seat_count} seats."}
                )


class Show(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    movie = models.ForeignKey(Movie, on_delete=models.CASCADE, related_name="shows")
    screen = models.ForeignKey(Screen, on_delete=models.CASCADE, related_name="shows")
    start_time = models.DateTimeField(db_index=True)
    format = models.CharField(
        max_length=10, choices=[(f, f) for f in FORMATS], blank=True, help_text="Blank: 2D"
    )
    language = models.CharField(
        max_length=60, blank=True, help_text="Blank: the movie's main language"
    )

    class Meta:
        ordering = ["start_time"]
        indexes = [models.Index(fields=["movie", "start_time"])]
        constraints = [
            models.UniqueConstraint(fields=["screen", "start_time"], name="unique_show_slot")
        ]

    def __str__(self) -> str:
        return f"{self.movie.title} @ {self.screen} {self.start_time:%Y-%m-%d %H:%M}"


class ShowPrice(models.Model):
    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="prices")
    tier = models.ForeignKey(SeatTier, on_delete=models.CASCADE, related_name="prices")
    price = models.DecimalField(max_digits=8, decimal_places=2, validators=[MinValueValidator(0)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["show", "tier"], name="unique_show_tier_price")
        ]

    def __str__(self) -> str:
        return f"{self.tier.name}: {rupees(self.price)}"


class CatalogVersion(models.Model):
    """One row whose token changes with every change to the catalog (in the change's own
    transaction), so that every process can tell whether the indexes it keeps in memory
    (``catalog.sources.local``) are still the catalog's."""

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token
