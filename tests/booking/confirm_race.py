"""Several processes, each with its own process-local store, pay for the same seats at
once: the database's unique constraint must let exactly one sale through.

Run as ``python -m tests.booking.confirm_race PROCESSES`` with ``DATABASE_URL`` (or
``SQLITE_PATH``) naming a fresh, empty database; prints the outcome as JSON.
"""

import json
import multiprocessing
import os
import sys
from datetime import timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookmyshow.settings")
os.environ["BOOKING_STORE_URL"] = "memory://"

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.utils import timezone  # noqa: E402

from booking import services  # noqa: E402
from booking.domain import Customer  # noqa: E402
from booking.errors import BookingError  # noqa: E402
from booking.models import Booking, SoldSeat  # noqa: E402
from tests import factories  # noqa: E402

SEATS = ["B1", "B2"]
CUSTOMER = Customer(name="Asha Rao", email="asha@example.com", phone="9876543210")


def buyer(user_id: int, show_id: str, barrier, results) -> None:
    connections.close_all()  # never share the parent's connection
    hold = services.hold_create(user_id=user_id, client="x", show_id=show_id, seat_ids=SEATS)
    order = services.order_create(user_id=user_id, hold_id=hold.hold_id, customer=CUSTOMER)
    barrier.wait(timeout=30)
    try:
        paid = services.order_confirm_payment(
            user_id=user_id, order_id=order.order_id, idempotency_key=None
        )
        results.put(("CONFIRMED", paid.ticket_code))
    except BookingError as error:
        results.put((error.code, error.message))
    except Exception as error:  # reported to the test, which fails on it
        results.put(("CRASH", repr(error)))
    finally:
        connections.close_all()


def main(processes: int) -> None:
    call_command("migrate", verbosity=0)
    show = factories.show_create(start_time=timezone.now() + timedelta(days=1))
    users = [User.objects.create_user(f"buyer{n}") for n in range(processes)]
    connections.close_all()
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(processes)
    results = context.Queue()
    workers = [
        context.Process(target=buyer, args=(user.id, str(show.id), barrier, results))
        for user in users
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    print(
        json.dumps(
            {
                "outcomes": outcomes,
                "bookings": Booking.objects.count(),
                "sold": sorted(SoldSeat.objects.values_list("seat_id", flat=True)),
                "vendor": connections["default"].vendor,
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
