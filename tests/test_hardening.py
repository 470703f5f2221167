"""Whatever a client sends, the API answers with the documented error and changes
nothing when it fails."""

import io
import json

import pytest
from django.core.wsgi import get_wsgi_application
from django.test import Client
from rest_framework.test import APIClient

from booking.stores import get_store
from bookmyshow.errors import unreadable_requests_refused


@pytest.fixture
def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def error_code(response):
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response.status_code, response.json()["error"]["code"]


def test_a_huge_body_is_refused_cleanly(api, show):
    body = json.dumps({"showId": str(show.id), "seatIds": ["B1"] * 400_000, "quantity": 1})
    response = api.post("/api/v1/holds", body, content_type="application/json")
    assert error_code(response) == (400, "VALIDATION_ERROR")
    assert not get_store().holds_list()


def test_a_form_body_is_415(api, show):
    response = api.post("/api/v1/holds", {"showId": str(show.id)}, format="multipart")
    assert error_code(response) == (415, "UNSUPPORTED_MEDIA_TYPE")


@pytest.mark.parametrize(
    "seat_ids", [[1, 2], [["B1"]], [{"seat": "B1"}], None, "B1,B2", ["B1" * 10]]
)
def test_wrong_types_are_validation_errors(api, show, seat_ids):
    response = api.post(
        "/api/v1/holds", {"showId": str(show.id), "seatIds": seat_ids, "quantity": 2}, format="json"
    )
    assert error_code(response) == (400, "VALIDATION_ERROR")
    assert not get_store().holds_list()


@pytest.mark.parametrize("body", ["[]", "null", "42", '"text"', "{", '{"showId": }'])
def test_bodies_that_are_not_objects_are_validation_errors(api, show, body):
    response = api.post("/api/v1/holds", body, content_type="application/json")
    assert error_code(response) == (400, "VALIDATION_ERROR")


def test_a_failed_hold_changes_nothing(api, show):
    before = get_store().seat_versions(show_id=str(show.id))
    response = api.post(
        "/api/v1/holds",
        {"showId": str(show.id), "seatIds": ["B1", "A4"], "quantity": 2},
        format="json",
    )
    assert error_code(response) == (409, "SEAT_UNAVAILABLE")
    assert get_store().seat_versions(show_id=str(show.id)) == before
    assert not get_store().holds_list()


def test_a_nul_in_a_path_is_refused_before_any_view(api, db):
    response = api.get("/api/v1/holds/%00")
    assert error_code(response) == (400, "BAD_REQUEST")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/orders/..%2F..",
        "/api/v1/movies/' OR 1=1 --",
        "/api/v1/shows/☃/seatmap",
    ],
)
def test_odd_ids_are_404s(api, db, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response.json()["error"]["code"].endswith("NOT_FOUND")


# -- body limits and nesting (in process; tests/test_attacks_postgres.py has them on
# gunicorn and PostgreSQL) ---------------------------------------------------------------

OVER_THE_LIMIT = b" " * (2_621_440 + 1)  # DATA_UPLOAD_MAX_MEMORY_SIZE + 1
DEEP = {"array": "[" * 5000 + "]" * 5000, "object": '{"a":' * 5000 + "1" + "}" * 5000}


def test_the_body_limit_is_the_documented_one(settings):
    assert len(OVER_THE_LIMIT) - 1 == settings.DATA_UPLOAD_MAX_MEMORY_SIZE


@pytest.mark.parametrize("path", ["/api/v1/auth/token", "/api/v1/holds", "/api/v1/nope"])
def test_a_body_over_the_limit_is_413_in_the_envelope(api, db, path):
    response = api.post(path, OVER_THE_LIMIT, content_type="application/json")
    assert error_code(response) == (413, "PAYLOAD_TOO_LARGE")


def test_a_body_over_the_limit_on_the_site_is_a_413_page(client, db):
    response = client.post(
        "/accounts/login/", OVER_THE_LIMIT, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert b"too large" in response.content


@pytest.mark.parametrize("body", DEEP.values(), ids=DEEP.keys())
def test_absurd_nesting_is_400_for_the_anonymous_token_endpoint(client, db, body):
    response = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert error_code(response) == (400, "VALIDATION_ERROR")
    assert "nested too deeply" in response.json()["error"]["message"]


@pytest.mark.parametrize("body", DEEP.values(), ids=DEEP.keys())
def test_absurd_nesting_is_400_for_holds(api, db, body):
    response = api.post("/api/v1/holds", body, content_type="application/json")
    assert error_code(response) == (400, "VALIDATION_ERROR")
    assert not get_store().holds_list()


# -- open bugs (strict xfails: each reason says where and how to fix it) -----------------


def wsgi_call(method: str, path: str, content_type: str, body: bytes = b"") -> tuple[str, bytes]:
    """One request straight into the site's WSGI application, as a server would send it
    (the test client would refuse to encode these bodies itself)."""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
    }
    started = {}
    chunks = unreadable_requests_refused(get_wsgi_application())(
        environ, lambda status, headers: started.update(status=status)
    )
    return started["status"], b"".join(chunks)


def test_a_form_in_a_codec_that_is_not_text_is_400(db):
    body = b'--xx\r\nContent-Disposition: form-data; name="username"\r\n\r\nfan\r\n--xx--\r\n'
    status, _ = wsgi_call(
        "POST", "/accounts/login/", "multipart/form-data; boundary=xx; charset=zlib", body
    )
    assert status.startswith("400")


@pytest.mark.parametrize("path", ["/", "/api/v1/movies"])
def test_a_malformed_content_type_is_400(db, path):
    status, body = wsgi_call("GET", path, "text/plain; charset*=nosuch''x")
    assert status.startswith("400")
    if path.startswith("/api/"):
        assert json.loads(body)["error"]["code"] == "BAD_REQUEST"


@pytest.mark.parametrize("kind", ["api", "page"])
def test_the_last_date_there_is_is_not_a_500(show, kind):
    path = (
        f"/api/v1/movies/{show.movie_id}/shows?date=9999-12-31"
        if kind == "api"
        else f"/movies/{show.movie_id}/buytickets/9999-12-31/"
    )
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code in (200, 400, 404)


@pytest.mark.parametrize(
    "query",
    ["show_start__year=9999", "show_start__year=9999&show_start__month=12&show_start__day=31"],
)
def test_the_sales_list_survives_any_date_hierarchy(admin_user, query):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    assert client.get(f"/admin/booking/booking/?{query}").status_code < 500


CUSTOMER = {"name": "Asha Rao", "email": "asha@example.com", "phone": "9876543210"}


@pytest.mark.parametrize("name", ["Asha\x1b[31m", "a\x01b", "a\x7fb"])
def test_the_checkout_form_refuses_control_characters_in_the_name(name):
    from booking.forms import CustomerForm

    form = CustomerForm(data={**CUSTOMER, "name": name})
    assert not form.is_valid()
    assert "name" in form.errors


def _digits(zero: int) -> str:
    """9876543210 in the digits of another script (``zero``: its code point for 0)."""
    return "".join(chr(zero + int(digit)) for digit in "9876543210")


@pytest.mark.parametrize(
    "phone",
    ["9" + "\u00b2" * 9, "9" + _digits(0x0660)[1:], "9" + _digits(0x0966)[1:]],
    ids=["superscripts", "arabic-indic", "devanagari"],
)
def test_a_mobile_number_is_ascii_digits(phone):
    from booking.api import CustomerInput
    from booking.forms import CustomerForm

    assert not CustomerForm(data={**CUSTOMER, "phone": phone}).is_valid()
    assert not CustomerInput(data={**CUSTOMER, "phone": phone}).is_valid()
