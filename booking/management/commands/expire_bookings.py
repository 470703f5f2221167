"""Tidy the booking store: forget holds and orders that ended long ago.

Optional: expiry is computed when state is read, so nothing depends on this running.
It only bounds the memory the store uses."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from booking import services


class Command(BaseCommand):
    help = "Forget holds and orders that ended more than --keep-hours ago (default 24)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--keep-hours", type=float, default=24.0)

    def handle(self, *args, keep_hours: float, **options) -> None:
        removed = services.bookings_purge(now=timezone.now(), keep_for=timedelta(hours=keep_hours))
        self.stdout.write(f"Removed {removed} ended holds and orders.")
