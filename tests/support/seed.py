"""Seeds a scratch deployment's database for a black-box test and prints what the test
needs as JSON: ``python -m tests.support.seed USERS`` with the deployment's environment.

A show tomorrow (the test factories' 10-seat screen: B1-B6 Prime, A1-A4 Classic, A4
blocked), USERS customers with passwords and API tokens, and a superuser for the door."""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookmyshow.settings")

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from tests import factories  # noqa: E402

PASSWORD = "pass-word-123"


def main(count: int) -> None:
    show = factories.show_create()
    users = []
    for n in range(count):
        user = User.objects.create_user(f"fan{n}", f"fan{n}@example.com", PASSWORD)
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
    main(int(sys.argv[1]))
