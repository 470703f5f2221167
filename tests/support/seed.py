"""Seeds a scratch deployment's database for a black-box test and prints what the test
needs as JSON: ``python -m tests.support.seed USERS [EXTRA_ROWS]`` with the deployment's
environment.

A show tomorrow (the test factories' 10-seat screen: B1-B6 Prime, A1-A4 Classic, A4
blocked), USERS customers with passwords and API tokens, and a superuser for the door.
EXTRA_ROWS (default 0, or the environment's ``SEED_EXTRA_ROWS``, which a test can pass
through ``deployment(SEED_EXTRA_ROWS="3")``) adds that many Prime rows of 10 seats, C1-C10
onwards, for tests that need more seats."""

import json
import os
import string
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookmyshow.settings")

import django

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from catalog import models  # noqa: E402
from tests import factories  # noqa: E402

PASSWORD = "pass-word-123"
EXTRA_ROW_SEATS = 10


def extra_rows_add(screen: models.Screen, count: int) -> None:
    """Rows C, D, … of 10 Prime seats each, in front of the factory's rows."""
    prime = screen.tiers.get(code="PRIME")
    labels = [
        c for c in string.ascii_uppercase if c not in {row.label for row in screen.rows.all()}
    ]
    for position, label in enumerate(labels[:count], start=screen.rows.count()):
        models.SeatRow.objects.create(
            screen=screen, tier=prime, label=label, position=position, seat_count=EXTRA_ROW_SEATS
        )


def main(count: int, extra_rows: int = 0) -> None:
    show = factories.show_create()
    extra_rows_add(show.screen, extra_rows)
    encoded = make_password(PASSWORD)  # one hash for every customer: seeding 30 stays fast
    users = []
    for n in range(count):
        user = User.objects.create_user(f"fan{n}", f"fan{n}@example.com")
        user.password = encoded
        user.save(update_fields=["password"])
        users.append(
            {"id": user.id, "username": user.username, "token": Token.objects.create(user=user).key}
        )
    staff = User.objects.create_superuser("door", "door@example.com", PASSWORD)
    print(
        json.dumps(
            {
                "show_id": str(show.id),
                "movie_id": str(show.movie_id),
                "users": users,
                "password": PASSWORD,
                "staff_token": Token.objects.create(user=staff).key,
            }
        )
    )


if __name__ == "__main__":
    extra = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("SEED_EXTRA_ROWS", "0")
    main(int(sys.argv[1]), int(extra))
