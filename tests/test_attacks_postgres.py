"""Hostile input against a production-like deployment on PostgreSQL, seen from outside.

gunicorn workers on the Redis store and a PostgreSQL cluster of this module's own (one
deployment for the whole module). PostgreSQL refuses a NUL byte in text where SQLite
stores it, so only here does a NUL that reaches the database show up as the 500 it is.
The promises: every text input is checked before it reaches the database (a 4xx or the
form shown again, never a 500), bodies over the limit are 413 and absurd nesting is 400,
ids in any letter case are one id, unknown paths under /api/ answer the JSON envelope,
and every HTML page carries the Content-Security-Policy. Also what reaches the server
before the site does: a NUL in a session cookie, a Content-Type Django cannot parse, a
charset that is no text encoding, and the connection after a body refused unread.
"""

import contextlib
import json
import re
import socket
import threading
import time
import uuid
from collections.abc import Iterator

import psycopg
import pytest
import requests

from tests.support import postgres
from tests.support.deployment import Deployment, deployment

TIMEOUT = 30
LIMIT = 2_621_440  # DATA_UPLOAD_MAX_MEMORY_SIZE
CUSTOMER = {"name": "Asha Rao", "email": "asha@example.com", "phone": "9876543210"}
NASTY = {"nul": "a\x00b", "long": "a" * 300, "control": "a\x01b"}
DEEP_ARRAY = "[" * 5000 + "]" * 5000
DEEP_OBJECT = '{"a":' * 5000 + "1" + "}" * 5000


@pytest.fixture(scope="module")
def site() -> Iterator[Deployment]:
    """One deployment for the module; the cluster, gunicorn and the Redis keys go
    whatever happens."""
    with postgres.private_postgres() as server:
        url = server.create_database(f"attacks_{uuid.uuid4().hex[:8]}")
        with deployment(
            database_url=url,
            workers=2,
            LOGIN_RATE_LIMIT="100000/min",
            SIGNUP_RATE_LIMIT="100000/hour",
            HOLD_RATE_LIMIT="100000/min",
        ) as running:
            running.seed["database_url"] = url
            yield running


# -- clients ----------------------------------------------------------------------------


def form_post(session: requests.Session, url: str, data: dict, **kwargs) -> requests.Response:
    """A form post as a browser sends it: the CSRF cookie's token in the form."""
    data = {"csrfmiddlewaretoken": session.cookies.get("csrftoken", ""), **data}
    return session.post(url, data=data, allow_redirects=False, timeout=TIMEOUT, **kwargs)


def logged_in(site: Deployment, username: str, path: str = "/accounts/login/"):
    session = requests.Session()
    session.get(site.server.url + path, timeout=TIMEOUT)
    response = form_post(
        session, site.server.url + path, {"username": username, "password": site.seed["password"]}
    )
    assert response.status_code == 302, response.text[:500]
    return session


@pytest.fixture(scope="module")
def fan(site) -> requests.Session:
    """fan0, logged in to the website."""
    return logged_in(site, "fan0")


@pytest.fixture(scope="module")
def staff(site) -> requests.Session:
    """The superuser "door", logged in to the admin."""
    return logged_in(site, "door", "/admin/login/")


def raw_request(
    site: Deployment, head: bytes, body: bytes = b"", host: bytes = b"127.0.0.1"
) -> bytes:
    """Bytes on the wire, for what requests refuses to send; the whole answer (Connection:
    close), or what came before the connection broke."""
    address, port = site.server.url.removeprefix("http://").split(":")
    with socket.create_connection((address, int(port)), timeout=TIMEOUT) as sock:
        sock.sendall(head + b"Host: " + host + b"\r\nConnection: close\r\n\r\n" + body)
        answer = b""
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(65536):
                answer += chunk
    return answer


def raw_status(answer: bytes) -> int:
    match = re.match(rb"HTTP/1\.[01] (\d{3}) ", answer)
    assert match, answer[:200]
    return int(match.group(1))


def envelope(response: requests.Response) -> tuple[int, str]:
    assert response.headers["Content-Type"].startswith("application/json"), response.text[:300]
    error = response.json()["error"]
    assert set(error) >= {"code", "message"}
    return response.status_code, error["code"]


def shown_again(response: requests.Response, status: int = 200) -> None:
    """The form came back with its errors: a page, not a failure."""
    assert response.status_code == status, response.text[:500]
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<form" in response.text


def site_hold(site: Deployment, session: requests.Session, seat: str, token: str) -> str:
    """Hold one seat through the seat picker's form; the hold's id."""
    response = form_post(
        session,
        f"{site.server.url}/shows/{site.show_id}/hold/",
        {"seats": [seat], "form_token": token},
    )
    assert response.status_code == 302, response.text[:500]
    [hold_id] = re.findall(r"/holds/([0-9a-f-]{36})/", response.headers["Location"])
    return hold_id


# -- text inputs: a 4xx or the form again, never a 500 -----------------------------------


@pytest.mark.parametrize("field", ["username", "password"])
@pytest.mark.parametrize("value", NASTY.values(), ids=NASTY.keys())
def test_token_credentials_are_validated(site, field, value):
    body = {"username": "fan0", "password": site.seed["password"], field: value}
    response = requests.post(f"{site.api}/auth/token", json=body, timeout=TIMEOUT)
    assert envelope(response) == (400, "VALIDATION_ERROR")


@pytest.fixture(scope="module")
def api_hold(site) -> str:
    """An active hold of fan1's (seat B3) that failed orders leave as it is."""
    response = site.client(1).post(
        f"{site.api}/holds",
        json={"showId": site.show_id, "seatIds": ["B3"], "quantity": 1},
        timeout=TIMEOUT,
    )
    assert response.status_code == 201, response.text
    return response.json()["holdId"]


@pytest.mark.parametrize("field", ["name", "email", "phone"])
@pytest.mark.parametrize("value", NASTY.values(), ids=NASTY.keys())
def test_api_customer_fields_are_validated(site, api_hold, field, value):
    body = {"holdId": api_hold, "customer": {**CUSTOMER, field: value}}
    response = site.client(1).post(f"{site.api}/orders", json=body, timeout=TIMEOUT)
    assert envelope(response) == (400, "VALIDATION_ERROR")
    assert response.json()["error"]["details"]["customer"][field]


@pytest.mark.parametrize("key", ["k" * 256, "two words", "tab\there", "caf\xe9", ""])
def test_bad_idempotency_keys_are_refused(site, key):
    body = json.dumps({"showId": site.show_id, "seatIds": ["B4"], "quantity": 1}).encode()
    head = (
        b"POST /api/v1/holds HTTP/1.1\r\nContent-Type: application/json\r\n"
        + f"Authorization: Token {site.seed['users'][1]['token']}\r\n".encode()
        + b"Idempotency-Key: "
        + key.encode("latin-1")  # on the wire as sent: requests would refuse some
        + f"\r\nContent-Length: {len(body)}\r\n".encode()
    )
    answer = raw_request(site, head, body)
    assert raw_status(answer) == 400, answer[:500]
    assert b'"Idempotency-Key"' in answer


def test_a_nul_in_an_idempotency_key_is_refused_by_the_server(site):
    head = (
        b"POST /api/v1/holds HTTP/1.1\r\nContent-Type: application/json\r\n"
        + f"Authorization: Token {site.seed['users'][1]['token']}\r\n".encode()
        + b"Idempotency-Key: a\x00b\r\nContent-Length: 2\r\n"
    )
    assert raw_status(raw_request(site, head, b"{}")) == 400


@pytest.mark.parametrize("value", NASTY.values(), ids=NASTY.keys())
def test_api_check_in_codes_are_validated(site, value):
    response = site.door().post(
        f"{site.api}/staff/check-in",
        json={"ticketCode": value, "showId": site.show_id},
        timeout=TIMEOUT,
    )
    assert envelope(response) == (400, "VALIDATION_ERROR")


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
@pytest.mark.parametrize("field", ["username", "password"])
@pytest.mark.parametrize("value", NASTY.values(), ids=NASTY.keys())
def test_log_in_forms_show_the_form_again(site, path, field, value):
    session = requests.Session()
    session.get(site.server.url + path, timeout=TIMEOUT)
    data = {"username": "door", "password": site.seed["password"], field: value}
    shown_again(form_post(session, site.server.url + path, data))


@pytest.mark.parametrize(
    ("field", "value"),
    [(field, value) for field in ("username", "first_name", "email") for value in NASTY.values()]
    + [("password1", "a\x00b")],  # any other password may be long or hold anything
    ids=[f"{field}-{name}" for field in ("username", "first_name", "email") for name in NASTY]
    + ["password1-nul"],
)
def test_the_sign_up_form_shows_the_form_again(site, field, value):
    session = requests.Session()
    session.get(f"{site.server.url}/accounts/signup/", timeout=TIMEOUT)
    name = f"new{uuid.uuid4().hex[:8]}"
    data = {
        "username": name,
        "first_name": "New Fan",
        "email": f"{name}@example.com",
        "password1": "Zx9-long-pass-word",
        "password2": "Zx9-long-pass-word",
        field: value,
    }
    if field == "password1":
        data["password2"] = value
    shown_again(form_post(session, f"{site.server.url}/accounts/signup/", data))


@pytest.fixture(scope="module")
def checkout_hold(site, fan) -> str:
    """fan0's hold of seat B1, for checkout forms that are refused."""
    return site_hold(site, fan, "B1", "checkout-hold-token")


@pytest.mark.parametrize("field", ["name", "email", "phone"])
@pytest.mark.parametrize("value", ["a\x00b", "a" * 300], ids=["nul", "long"])
def test_the_checkout_form_shows_the_form_again(site, fan, checkout_hold, field, value):
    response = form_post(
        fan, f"{site.server.url}/holds/{checkout_hold}/order/", {**CUSTOMER, field: value}
    )
    shown_again(response, 422)


@pytest.mark.parametrize("token", NASTY.values(), ids=NASTY.keys())
def test_a_bad_form_token_is_ignored_not_a_500(site, fan, token):
    """The hold form's one-time token is an idempotency key when it looks like one; any
    other value is ignored: the hold is made without one."""
    hold_id = site_hold(site, fan, "A3", token)
    released = form_post(fan, f"{site.server.url}/holds/{hold_id}/release/", {})
    assert released.status_code == 302


def test_a_bad_payment_key_pays_once_and_never_reaches_the_database(site, fan):
    hold_id = site_hold(site, fan, "B2", "pay-hold-token")
    ordered = form_post(fan, f"{site.server.url}/holds/{hold_id}/order/", CUSTOMER)
    assert ordered.status_code == 302, ordered.text[:500]
    [order_id] = re.findall(r"/orders/([0-9a-f-]{36})/", ordered.headers["Location"])
    pay = f"{site.server.url}/orders/{order_id.upper()}/pay/"
    paid = form_post(fan, pay, {"payment_key": "a\x00b"})
    assert paid.status_code == 302, paid.text[:500]
    again = form_post(fan, pay, {"payment_key": "k" * 300})
    assert again.status_code == 409  # already paid, and a long key is no key
    with psycopg.connect(site.seed["database_url"]) as db:
        [(key,)] = db.execute(
            "SELECT idempotency_key FROM booking_booking WHERE id = %s", [order_id]
        ).fetchall()
    assert key == ""


@pytest.mark.parametrize("field", ["ticket_code", "show_id"])
@pytest.mark.parametrize("value", NASTY.values(), ids=NASTY.keys())
def test_the_staff_check_in_form_says_what_is_wrong(site, staff, field, value):
    data = {"show_id": site.show_id, "ticket_code": "BMS-AAAAAA", field: value}
    response = form_post(staff, f"{site.server.url}/admin/check-in/", data)
    shown_again(response)
    assert '<li class="error">' in response.text


@pytest.mark.parametrize("page", ["holds", "orders"])
@pytest.mark.parametrize("name", ["show", "user", "status"])
@pytest.mark.parametrize("value", NASTY.values(), ids=NASTY.keys())
def test_staff_filters_take_any_query_string(site, staff, page, name, value):
    response = staff.get(
        f"{site.server.url}/admin/live/{page}/", params={name: value}, timeout=TIMEOUT
    )
    # A NUL anywhere in a query string is refused before any view: 400. Else the page.
    assert response.status_code == (400 if "\x00" in value else 200)


# -- what reaches the database from a cookie or an admin query ---------------------------

SESSION_NUL = {"Cookie": 'sessionid="\\000aaaaaaaaaaaaaaaa"'}  # octal: a NUL once unquoted


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/v1/auth/me"])
def test_a_nul_in_the_session_cookie_is_no_session(site, path):
    response = requests.get(site.server.url + path, headers=SESSION_NUL, timeout=TIMEOUT)
    assert response.status_code in (200, 401)


def _content_type_id(site: Deployment, label: str) -> int:
    app, model = label.split(".")
    with psycopg.connect(site.seed["database_url"]) as db:
        [(pk,)] = db.execute(
            "SELECT id FROM django_content_type WHERE app_label = %s AND model = %s",
            [app, model],
        ).fetchall()
    return pk


@pytest.mark.parametrize(
    "query",
    [
        "/admin/booking/booking/?theatre_name=%00",
        "/admin/autocomplete/?app_label=booking&model_name=booking&field_name=user&term=%00",
        "/admin/r/{sessions.session}/%00/",
        "/admin/r/{authtoken.token}/a%00b/",
    ],
)
def test_a_nul_in_an_admin_query_is_not_a_500(site, staff, query):
    path = re.sub(r"\{([a-z.]+)\}", lambda m: str(_content_type_id(site, m.group(1))), query)
    response = staff.get(site.server.url + path, allow_redirects=False, timeout=TIMEOUT)
    assert response.status_code < 500


# -- bodies: too large, too deep, in odd encodings ----------------------------------------


class Oversized:
    """A request with a body over the limit on a keep-alive connection of its own. The
    body goes out from a thread while the answer is read, so an answer sent early (as a
    413 is) is read whatever happens to the rest of the upload."""

    def __init__(self, site: Deployment, method: str, path: str, headers: dict[str, str]):
        address, port = site.server.url.removeprefix("http://").split(":")
        self.sock = socket.create_connection((address, int(port)), timeout=10)
        body = b"x" * (LIMIT + 1)
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(
            f"{name}: {value}\r\n" for name, value in headers.items()
        )
        self.sock.sendall(f"{head}Content-Length: {len(body)}\r\n\r\n".encode())
        sender = threading.Thread(target=_send_quietly, args=(self.sock, body))
        sender.start()
        self.answer = _read_response(self.sock)
        sender.join(10)
        head, _, payload = self.answer.partition(b"\r\n\r\n")
        self.status = raw_status(self.answer)
        self.headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in head.decode().split("\r\n")[1:])
        }
        self.body = _dechunk(payload) if self.headers.get("transfer-encoding") else payload

    def close(self) -> None:
        self.sock.close()


def _send_quietly(sock: socket.socket, data: bytes) -> None:
    with contextlib.suppress(OSError):
        sock.sendall(data)


def _read_response(sock: socket.socket) -> bytes:
    """One chunked or sized HTTP answer, or whatever came before the connection ended."""
    data = b""
    try:
        while True:
            head, sep, rest = data.partition(b"\r\n\r\n")
            if sep:
                length = re.search(rb"(?i)content-length: (\d+)", head)
                if length and len(rest) >= int(length.group(1)):
                    return data
                if re.search(rb"(?i)transfer-encoding: chunked", head) and rest.endswith(
                    b"0\r\n\r\n"
                ):
                    return data
            chunk = sock.recv(65536)
            if not chunk:
                return data
            data += chunk
    except OSError:
        return data


def _dechunk(payload: bytes) -> bytes:
    body = b""
    while True:
        size, _, payload = payload.partition(b"\r\n")
        if int(size, 16) == 0:
            return body
        body, payload = body + payload[: int(size, 16)], payload[int(size, 16) + 2 :]


@pytest.mark.parametrize(
    ("method", "path", "authenticated"),
    [
        ("POST", "/api/v1/auth/token", False),
        ("POST", "/api/v1/holds", True),
        ("PATCH", f"/api/v1/holds/{uuid.UUID(int=1)}", True),
        ("POST", "/api/v1/orders", True),
        ("POST", "/api/v1/staff/check-in", True),
        ("POST", "/api/v1/no-such-endpoint", False),
    ],
)
def test_a_body_over_the_limit_is_413_in_the_envelope(site, method, path, authenticated):
    headers = {"Content-Type": "application/json"}
    if authenticated:
        headers["Authorization"] = f"Token {site.seed['staff_token']}"
    answer = Oversized(site, method, path, headers)
    answer.close()
    assert answer.status == 413, answer.answer[:300]
    assert answer.headers["content-type"].startswith("application/json")
    assert json.loads(answer.body)["error"]["code"] == "PAYLOAD_TOO_LARGE"


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/", "/admin/check-in/"])
def test_a_body_over_the_limit_on_the_site_is_a_413_page(site, path):
    answer = Oversized(site, "POST", path, {"Content-Type": "application/x-www-form-urlencoded"})
    answer.close()
    assert answer.status == 413, answer.answer[:300]
    assert answer.headers["content-type"].startswith("text/html")
    assert b"too large" in answer.body


def test_the_connection_still_answers_after_a_413(site):
    answer = Oversized(site, "POST", "/api/v1/auth/token", {"Content-Type": "application/json"})
    try:
        assert answer.status == 413
        assert answer.headers["connection"] == "keep-alive"
        time.sleep(0.3)
        _send_quietly(answer.sock, b"GET /api/v1/movies HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        second = _read_response(answer.sock)
    finally:
        answer.close()
    assert second.startswith(b"HTTP/1.1 200"), second[:200]


@pytest.mark.parametrize("body", [DEEP_ARRAY, DEEP_OBJECT], ids=["array", "object"])
def test_absurd_nesting_is_400_for_anonymous_clients(site, body):
    response = requests.post(
        f"{site.api}/auth/token",
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=TIMEOUT,
    )
    assert envelope(response) == (400, "VALIDATION_ERROR")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/holds"),
        ("PATCH", "/holds/{hold}"),
        ("POST", "/orders"),
        ("POST", "/staff/check-in"),
    ],
)
@pytest.mark.parametrize("body", [DEEP_ARRAY, DEEP_OBJECT], ids=["array", "object"])
def test_absurd_nesting_is_400_everywhere(site, api_hold, method, path, body):
    response = site.door().request(
        method,
        site.api + path.format(hold=api_hold),
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=TIMEOUT,
    )
    assert envelope(response) == (400, "VALIDATION_ERROR")


@pytest.mark.parametrize("path", ["/", "/api/v1/movies"])
def test_a_malformed_content_type_is_400(site, path):
    answer = raw_request(
        site, f"GET {path} HTTP/1.1\r\nContent-Type: text/plain; charset*=nosuch''x\r\n".encode()
    )
    assert raw_status(answer) == 400, answer[:300]


def test_a_form_in_a_codec_that_is_not_text_is_400(site):
    session = requests.Session()
    session.get(f"{site.server.url}/accounts/login/", timeout=TIMEOUT)
    token = session.cookies["csrftoken"]
    body = (
        f'--xx\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
        '--xx\r\nContent-Disposition: form-data; name="username"\r\n\r\nfan0\r\n--xx--\r\n'
    ).encode()
    response = session.post(
        f"{site.server.url}/accounts/login/",
        data=body,
        headers={"Content-Type": "multipart/form-data; boundary=xx; charset=zlib"},
        timeout=TIMEOUT,
    )
    assert response.status_code == 400


# -- ids in any letter case -------------------------------------------------------------


def test_an_upper_case_id_is_the_same_object_everywhere(site):
    api = site.client(2)
    held = api.post(
        f"{site.api}/holds",
        json={"showId": site.show_id.upper(), "seatIds": ["A1"], "quantity": 1},
        timeout=TIMEOUT,
    )
    assert held.status_code == 201, held.text
    hold = held.json()
    assert hold["showId"] == site.show_id
    read = api.get(f"{site.api}/holds/{hold['holdId'].upper()}").json()
    assert read == {key: value for key, value in hold.items() if key != "together"}
    conflict = site.client(1).post(
        f"{site.api}/holds",
        json={"showId": site.show_id, "seatIds": ["A1"], "quantity": 1},
        timeout=TIMEOUT,
    )
    assert envelope(conflict) == (409, "SEAT_UNAVAILABLE")
    ordered = api.post(
        f"{site.api}/orders",
        json={"holdId": hold["holdId"].upper(), "customer": CUSTOMER},
        timeout=TIMEOUT,
    )
    assert ordered.status_code == 201, ordered.text
    order_id = ordered.json()["orderId"]
    paid = api.post(f"{site.api}/orders/{order_id.upper()}/confirm-payment", timeout=TIMEOUT)
    assert paid.status_code == 200, paid.text
    admitted = site.door().post(
        f"{site.api}/staff/check-in",
        json={"ticketCode": paid.json()["ticketCode"].lower(), "showId": site.show_id.upper()},
        timeout=TIMEOUT,
    )
    assert admitted.status_code == 200, admitted.text
    assert admitted.json()["showId"] == site.show_id


@pytest.mark.parametrize("suffix", ["%0A", "%20", "%0D%0A", "%09", "%00"])
def test_an_id_with_trailing_whitespace_is_a_404(site, fan, suffix):
    bad = site.show_id + suffix
    # A NUL in a path is refused before any view (400); other odd spellings are 404s.
    expected = (400, "BAD_REQUEST") if suffix == "%00" else (404, "NOT_FOUND")
    for path in [f"/api/v1/shows/{bad}/seatmap", f"/api/v1/holds/{bad}", f"/api/v1/orders/{bad}"]:
        response = site.client().get(site.server.url + path, timeout=TIMEOUT)
        assert envelope(response) == expected, path
    for path in [f"/shows/{bad}/seats/", f"/holds/{bad}/", f"/orders/{bad}/pay/"]:
        response = fan.get(site.server.url + path, timeout=TIMEOUT)
        assert response.status_code == expected[0], path


@pytest.mark.parametrize("bad", ["{id}\n", " {id}", "{id} ", "{id}\x00"])
def test_an_id_with_whitespace_in_a_body_is_400(site, bad):
    response = site.client().post(
        f"{site.api}/holds",
        json={"showId": bad.format(id=site.show_id), "seatIds": ["B5"], "quantity": 1},
        timeout=TIMEOUT,
    )
    assert envelope(response) == (400, "VALIDATION_ERROR")
    assert response.json()["error"]["details"] == {"showId": ["Must be an id (a UUID)."]}


# -- unknown API paths ---------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "PATCH", "PUT", "DELETE"])
@pytest.mark.parametrize(
    "path", ["/api/v1/nope", "/api/", "/api/v1/holds/", "/api/v2/holds", "/api/v1/holds/x/y"]
)
def test_unknown_api_paths_answer_the_envelope_even_with_cookies(site, fan, method, path):
    response = fan.request(method, site.server.url + path, json={"a": 1}, timeout=TIMEOUT)
    assert envelope(response) == (404, "NOT_FOUND")


# -- the Content-Security-Policy on every HTML page ----------------------------------------


def _has_csp(headers) -> bool:
    return "default-src 'self'" in headers.get("Content-Security-Policy", "")


def test_every_html_page_carries_the_policy(site, fan, staff, checkout_hold):
    url = site.server.url
    pages = [
        (requests.get, "/"),
        (requests.get, f"/movies/{site.seed['movie_id']}/"),
        (requests.get, f"/movies/{site.seed['movie_id']}/buytickets/2030-01-01/"),
        (requests.get, f"/shows/{site.show_id}/seats/"),
        (requests.get, "/accounts/signup/"),
        (requests.get, "/no-such-page/"),
        (fan.get, "/bookings/"),
        (fan.get, f"/holds/{checkout_hold}/"),
        (fan.get, f"/holds/{uuid.UUID(int=7)}/"),
        (fan.get, f"/shows/{site.show_id}/hold/"),  # 405
        (staff.get, "/admin/"),
        (staff.get, "/admin/live/holds/"),
        (staff.get, "/admin/check-in/"),
        (staff.get, "/admin/booking/booking/"),
    ]
    for get, path in pages:
        response = get(url + path, allow_redirects=False, timeout=TIMEOUT)
        assert response.headers["Content-Type"].startswith("text/html"), path
        assert _has_csp(response.headers), path
    csrf_refused = requests.Session()
    csrf_refused.get(f"{url}/accounts/login/", timeout=TIMEOUT)
    refused = csrf_refused.post(f"{url}/accounts/login/", data={"username": "x"}, timeout=TIMEOUT)
    assert refused.status_code == 403
    assert _has_csp(refused.headers)


def test_the_413_page_carries_the_policy(site):
    answer = Oversized(
        site, "POST", "/accounts/login/", {"Content-Type": "application/x-www-form-urlencoded"}
    )
    answer.close()
    assert answer.status == 413
    assert "default-src 'self'" in answer.headers.get("content-security-policy", "")


def test_the_bad_host_page_carries_the_policy(site):
    answer = raw_request(site, b"GET / HTTP/1.1\r\n", host=b"evil.example")
    head = answer.partition(b"\r\n\r\n")[0].lower()
    assert raw_status(answer) == 400
    assert b"content-type: text/html" in head
    assert b"content-security-policy: default-src 'self'" in head
