"""The sweeper: bring the booking store in line with the database, and tidy it.

Optional for correctness: expiry is computed when state is read, the database is the
record of every sale, and a show's next seat map records its sales in the store. The
sweeper records paid orders the store missed anyway (paid while it was unreachable, or
left in payment by a failure) and forgets holds and orders that ended long ago."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from booking import services


class Command(BaseCommand):
    help = (
        "Record sales the store missed, and forget holds and orders that ended over "
        "--keep-hours ago (default 24)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--keep-hours", type=float, default=24.0)

    def handle(self, *args, keep_hours: float, **options) -> None:
        report = services.bookings_sweep(keep_for=timedelta(hours=keep_hours), now=timezone.now())
        self.stdout.write(
            f"Recorded {report.sales_recorded} sales the store had missed; "
            f"freed the seats of {report.sales_released} recent cancellations again; "
            f"sent {report.mails_sent} e-mails that had failed; "
            f"removed {report.records_purged} ended holds and orders."
        )
