"""The durable record of what was sold: one booking per paid order, one row per seat."""

import uuid

from django.conf import settings
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
        return "CANCELLED"


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
