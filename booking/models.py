"""The durable record of what was sold: one booking per paid order, one row per seat."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models.functions import Lower


class Booking(models.Model):
    """A paid order. Its id is the order id; everything shown on the ticket is copied here
    so the record stands on its own, whatever happens to the store or the catalog.

    A cancellation keeps the booking: its seats move to ``cancelled_seat_ids`` (their
    ``SoldSeat`` rows are deleted, so the seats can be sold again), and once every seat
    is cancelled the booking is CANCELLED and no longer admitted at the door."""

    class Status(models.TextChoices):
        CONFIRMED = "CONFIRMED"
        CANCELLED = "CANCELLED"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    hold_id = models.UUIDField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings"
    )
    show_id = models.CharField(max_length=64, db_index=True)
    movie_id = models.CharField(max_length=64, blank=True)
    movie_title = models.CharField(max_length=200)
    theatre_id = models.CharField(max_length=64, blank=True)
    theatre_name = models.CharField(max_length=200)
    screen_name = models.CharField(max_length=60, blank=True)
    show_start = models.DateTimeField()
    seat_ids = models.JSONField()
    tickets_amount = models.DecimalField(max_digits=10, decimal_places=2)
    convenience_fee = models.DecimalField(max_digits=10, decimal_places=2)
    customer_name = models.CharField(max_length=100)
    customer_email = models.EmailField()
    customer_phone = models.CharField(max_length=10)
    ticket_code = models.CharField(max_length=10, unique=True)
    idempotency_key = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField()  # when the order was made
    expires_at = models.DateTimeField()  # end of its payment window
    confirmed_at = models.DateTimeField()
    checked_in_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CONFIRMED)
    cancelled_seat_ids = models.JSONField(default=list, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)  # the last cancellation
    # Each seat's tier as sold: {"B1": {"tier": "PRIME", "name": "Prime", "price": "250.00"}}
    # (empty for sales made before tiers were recorded).
    seat_tiers = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(show_id=Lower("show_id")), name="booking_show_id_canonical"
            )
        ]
        permissions = [
            ("view_live_booking", "Can view live holds, orders and seats"),
            ("manage_live_booking", "Can release holds, cancel orders and run the sweeper"),
            ("check_in_booking", "Can check tickets in at the door"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_code} · {self.movie_title}"

    @property
    def amount(self):
        return self.tickets_amount + self.convenience_fee

    @property
    def active_seat_ids(self) -> list[str]:
        """The seats still valid: sold and not cancelled."""
        cancelled = set(self.cancelled_seat_ids)
        return [seat for seat in self.seat_ids if seat not in cancelled]

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def cancelled_state(self) -> str:
        """What the door says of a cancelled ticket: CANCELLED, or REFUNDED once every
        refund of it was paid out."""
        statuses = {refund.status for refund in self.refunds.all()}
        return "REFUNDED" if statuses == {Refund.Status.REFUNDED} else "CANCELLED"


class SoldSeat(models.Model):
    """The last line of defence: a seat of a show can be sold once, whatever the store
    says."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="seats")
    show_id = models.CharField(max_length=64)
    seat_id = models.CharField(max_length=4)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["show_id", "seat_id"], name="unique_sold_seat"),
            # Ids are canonical (lower case) wherever they enter; the database refuses any
            # other spelling, so no spelling of a show can make a second sale of a seat.
            models.CheckConstraint(
                condition=models.Q(show_id=Lower("show_id")), name="soldseat_show_id_canonical"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seat_id} of show {self.show_id}"


class StaffCinema(models.Model):
    """The cinema a staff member works at: the door's check-in page offers that cinema's
    shows of the day. Staff without one see every cinema's."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_cinema"
    )
    theatre_id = models.CharField(max_length=64, help_text="The cinema's id in the catalog.")
    theatre_name = models.CharField(max_length=200)

    class Meta:
        verbose_name = "staff member's cinema"
        verbose_name_plural = "staff members' cinemas"

    def __str__(self) -> str:
        return f"{self.user} at {self.theatre_name}"


class CancellationPolicy(models.Model):
    """How a cinema lets a paid booking be cancelled: up to ``cutoff_minutes`` before the
    show, for the refund share of the earliest tier the cancellation is in time for, the
    convenience fee refunded or not. Cinemas without a policy here follow the catalog
    (``cancellationAvailable``) with ``booking.cancellation.DEFAULT_POLICY``."""

    theatre_id = models.CharField(
        max_length=64, unique=True, help_text="The cinema's id in the catalog (a UUID)."
    )
    theatre_name = models.CharField(max_length=200)
    offers_cancellation = models.BooleanField(
        default=True, help_text="Off: paid bookings at this cinema cannot be cancelled."
    )
    cutoff_minutes = models.PositiveIntegerField(
        default=20, help_text="Cancellation closes this many minutes before the show starts."
    )
    fee_refunded = models.BooleanField(
        default=False, help_text="Whether the convenience fee is refunded too."
    )

    class Meta:
        verbose_name_plural = "cancellation policies"
        ordering = ["theatre_name"]

    def __str__(self) -> str:
        return f"Cancellation at {self.theatre_name}"


class RefundTier(models.Model):
    """Cancelled at least ``minutes_before`` the show: ``percent`` of the tickets back."""

    policy = models.ForeignKey(CancellationPolicy, on_delete=models.CASCADE, related_name="tiers")
    minutes_before = models.PositiveIntegerField(
        help_text="At least this many minutes before the show (0: up to the cut-off)."
    )
    percent = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(100)], help_text="Share of the tickets refunded, 0 to 100."
    )

    class Meta:
        ordering = ["-minutes_before"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "minutes_before"], name="unique_refund_tier"),
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="refund_percent_max"),
        ]

    def __str__(self) -> str:
        return f"{self.percent}% from {self.minutes_before} min before"


class Refund(models.Model):
    """Money owed back for cancelled seats. Recorded PENDING when the booking is
    cancelled; staff mark it REFUNDED once the payment provider has paid it out."""

    class Status(models.TextChoices):
        PENDING = "PENDING"
        REFUNDED = "REFUNDED"
        FAILED = "FAILED"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="refunds")
    seat_ids = models.JSONField()
    share_percent = models.PositiveSmallIntegerField()
    tickets_amount = models.DecimalField(max_digits=10, decimal_places=2)
    fee_amount = models.DecimalField(max_digits=10, decimal_places=2)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField()
    refunded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-created_at"])]

    def __str__(self) -> str:
        return f"Refund of {', '.join(self.seat_ids)} ({self.booking.ticket_code})"
