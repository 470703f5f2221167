"""The OpenAPI schema: generated without warnings, served with vendored docs, and a
schemathesis run against it finds no 5xx and no response that breaks it."""

import pytest
import schemathesis
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from booking.errors import STORE_CODES
from bookmyshow.api_docs import error_catalogue
from tests import factories

# The site's WSGI handler, without bookmyshow.wsgi's checks for serving processes.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


def test_schema_generates_without_warnings(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    text = (tmp_path / "schema.yaml").read_text()
    for path in [
        "/api/v1/holds:",
        "/api/v1/orders/{order_id}/confirm-payment:",
        "/api/v1/shows/{show_id}/seatmap:",
        "/api/v1/auth/token:",
    ]:
        assert path in text


def test_the_docs_list_every_error_code_from_the_one_registry(client, db):
    description = client.get("/api/schema/?format=json").json()["info"]["description"]
    rows = [
        line
        for line in description.splitlines()
        if line.startswith("| 4") or line.startswith("| 5")
    ]
    assert len(rows) == len(error_catalogue())
    for code in [
        *STORE_CODES,
        "DATABASE_UNAVAILABLE",
        "PAYLOAD_TOO_LARGE",
        "RATE_LIMITED",
        "CATALOG_UNAVAILABLE",
        "IDEMPOTENCY_KEY_REUSED",
        "MOVIE_NOT_FOUND",
    ]:
        assert f"| `{code}` |" in description, code


@pytest.mark.parametrize("path", ["/api/schema/swagger-ui/", "/api/schema/redoc/"])
def test_docs_pages_load_their_assets_from_this_server(client, db, path):
    html = client.get(path).content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn." not in html


@pytest.fixture
def _keep_test_connection():
    """Calls straight into the WSGI app would close the test's database connection after
    each request (Django's test client avoids that the same way)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(django_user_model, db, _keep_test_connection):
    user = django_user_model.objects.create_user("fuzz", "fuzz@example.com", "x")
    factories.show_create()
    return Token.objects.create(user=user).key


@schema.parametrize()
@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_every_generated_request_within_its_schema(case, token):
    # identity: its WSGI transport hands over gzipped bodies undecoded (compression has
    # tests of its own, in tests/booking/test_seat_page.py).
    headers = {"Authorization": f"Token {token}", "Accept-Encoding": "identity"}
    case.call_and_validate(headers=headers, checks=CHECKS)


def test_the_browsable_api_renders_every_endpoint(client, user):
    from django.utils import timezone

    from booking import services
    from booking.domain import Customer

    show = factories.show_create()
    hold, other = (
        services.hold_create(user_id=user.id, client="x", show_id=str(show.id), seat_ids=[seat])
        for seat in ("B1", "B2")
    )
    order = services.order_create(
        user_id=user.id,
        hold_id=other.hold_id,
        customer=Customer(name="A", email="a@example.com", phone="9876543210"),
    )
    client.force_login(user)
    day = timezone.localtime(show.start_time).date()
    for path in [
        "/api/v1/movies",
        f"/api/v1/movies/{show.movie_id}",
        f"/api/v1/movies/{show.movie_id}/shows?date={day}",
        f"/api/v1/shows/{show.id}/seatmap",
        "/api/v1/holds",
        f"/api/v1/holds/{hold.hold_id}",
        "/api/v1/orders",
        f"/api/v1/orders/{order.order_id}",
        "/api/v1/auth/me",
        "/api/v1/auth/token",
        f"/api/v1/holds/{hold.hold_id}/release",
        f"/api/v1/orders/{order.order_id}/confirm-payment",
    ]:
        response = client.get(path, HTTP_ACCEPT="text/html")
        assert response["Content-Type"].startswith("text/html"), path
        assert response.status_code in (200, 405), path  # POST-only ones show their form
        assert "Django REST framework" in response.content.decode(), path
