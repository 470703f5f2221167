"""Requests reuse their thread's database connection instead of opening one each."""

from django.contrib.auth.models import User
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory
from rest_framework.authtoken.models import Token


def served(app: WSGIHandler, path: str, token: str) -> tuple[str, object]:
    """Serve one request as a WSGI server would (closing the answer ends the request),
    and return its status and the database connection the thread holds afterwards."""
    environ = RequestFactory().get(path, HTTP_AUTHORIZATION=f"Token {token}").environ
    statuses = []
    answer = app(environ, lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(answer)
    answer.close()
    return statuses[0], connection.connection


def test_requests_on_one_thread_share_one_database_connection(transactional_db):
    token = Token.objects.create(user=User.objects.create_user("reader")).key
    app = WSGIHandler()

    first_status, first = served(app, "/api/v1/auth/me", token)
    second_status, second = served(app, "/api/v1/auth/me", token)

    assert (first_status, second_status) == ("200 OK", "200 OK")
    assert first is not None
    assert second is first
