"""Payment and everything else when PostgreSQL fails, on gunicorn with the Redis store:
the connection cut before COMMIT, COMMIT done but its answer lost, a worker killed in the
middle of a payment, and the server stopped and started under load. Checked from
outside: every ticket code ever shown is admitted at check-in, no seat is sold twice,
and while the database is down every answer is a 503 with Retry-After, never a 500."""

import os
import signal
import threading
import time
import uuid

import psycopg
import pytest
import requests

from booking.domain import OrderStatus
from tests.support.deployment import deployment

CUSTOMER = {"name": "Asha Rao", "email": "asha@example.com", "phone": "9876543210"}


@pytest.fixture
def database(private_postgres, fault_proxy):
    """A database on a PostgreSQL of the test's own, reached by the site through a proxy
    that breaks on cue."""
    url = private_postgres.create_database(f"site_{uuid.uuid4().hex[:8]}")
    proxy = fault_proxy(("127.0.0.1", private_postgres.port))
    return url, url.replace(f":{private_postgres.port}/", f":{proxy.port}/"), proxy


def pending_order(site, seats=("B1", "B2")) -> dict:
    api = site.client()
    hold = api.post(
        f"{site.api}/holds",
        json={"showId": site.show_id, "seatIds": list(seats), "quantity": len(seats)},
        timeout=30,
    )
    assert hold.status_code == 201, hold.text
    order = api.post(
        f"{site.api}/orders", json={"holdId": hold.json()["holdId"], "customer": CUSTOMER}
    )
    assert order.status_code == 201, order.text
    return order.json()


def pay(site, order: dict, key: str) -> requests.Response:
    return site.client().post(
        f"{site.api}/orders/{order['orderId']}/confirm-payment",
        headers={"Idempotency-Key": key},
        timeout=60,
    )


def assert_no_ghosts(site, direct_url: str, shown: list[str]) -> None:
    """Every ticket shown is admitted at the door; every sale is CONFIRMED in the store
    after the next touch of its show; no seat is sold twice."""
    for code in set(shown):
        assert site.check_in(code).status_code == 200, code
    requests.get(f"{site.api}/shows/{site.show_id}/seatmap", timeout=30)
    with psycopg.connect(direct_url) as db:
        bookings = db.execute("SELECT id::text, ticket_code FROM booking_booking").fetchall()
        sold = db.execute("SELECT seat_id FROM booking_soldseat").fetchall()
    assert {code for _, code in bookings} == set(shown)
    assert len(sold) == len(set(sold))
    store = site.store()
    for order_id, _ in bookings:
        assert store.order_get(order_id).status is OrderStatus.CONFIRMED


def test_a_connection_cut_before_commit_is_a_503_and_the_retry_pays(database):
    direct, proxied, proxy = database
    with deployment(database_url=proxied) as site:
        order = pending_order(site)
        proxy.on_pattern(b"COMMIT", "cut")
        failed = pay(site, order, "k-1")
        assert failed.status_code == 503
        assert failed.json()["error"]["code"] == "DATABASE_UNAVAILABLE"
        assert failed.headers["Retry-After"] == "5"
        paid = pay(site, order, "k-1")
        assert paid.status_code == 200, paid.text
        assert_no_ghosts(site, direct, [paid.json()["ticketCode"]])


def test_a_commit_whose_answer_was_lost_is_found_by_the_retry(database):
    direct, proxied, proxy = database
    with deployment(database_url=proxied) as site:
        order = pending_order(site)
        proxy.on_pattern(b"COMMIT", "drop_replies")

        def cut_once_committed() -> None:
            proxy.triggered.wait(10)
            time.sleep(0.5)  # COMMIT went through; its answer is swallowed meanwhile
            proxy.set_mode("cut")

        cutter = threading.Thread(target=cut_once_committed)
        cutter.start()
        failed = pay(site, order, "k-1")
        cutter.join()
        assert failed.status_code == 503
        assert "ticketCode" not in failed.text  # nothing shown that is not real
        paid = pay(site, order, "k-1")  # Pay again: the sale committed before is found
        assert paid.status_code == 200, paid.text
        with psycopg.connect(direct) as db:
            [(code,)] = db.execute("SELECT ticket_code FROM booking_booking").fetchall()
        assert paid.json()["ticketCode"] == code
        again = pay(site, order, "another-key")
        assert again.status_code == 409
        assert again.json()["error"]["details"] == {"status": "CONFIRMED"}
        assert_no_ghosts(site, direct, [code])


@pytest.mark.parametrize("commit", ["lost", "delivered"])
def test_a_worker_killed_in_the_middle_of_a_payment(database, commit):
    """The worker dies while its COMMIT is held in the network; the COMMIT is then lost
    (the transaction rolls back) or delivered after the worker died (the sale commits,
    no one saw it). Either way the customer's retry ends with a real ticket."""
    direct, proxied, proxy = database
    with deployment(database_url=proxied, workers=1) as site:
        order = pending_order(site)
        proxy.on_pattern(b"COMMIT", "stall")
        answers = []
        payer = threading.Thread(target=lambda: answers.append(safe_pay(site, order, "k-1")))
        payer.start()
        assert proxy.triggered.wait(10)
        [worker] = site.server.worker_pids()
        os.kill(worker, signal.SIGKILL)
        payer.join(60)
        assert answers == [None]  # the connection died with the worker: nothing shown
        proxy.set_mode("cut" if commit == "lost" else "forward")
        paid = retry(lambda: pay(site, order, "k-1"))
        assert paid.status_code == 200, paid.text
        assert_no_ghosts(site, direct, [paid.json()["ticketCode"]])


def safe_pay(site, order, key):
    try:
        return pay(site, order, key)
    except requests.RequestException:
        return None


def retry(send, attempts: int = 60):
    """What a customer does after a failure: tries again until an answer comes."""
    for _ in range(attempts):
        try:
            response = send()
        except requests.RequestException:
            time.sleep(0.5)
            continue
        if response.status_code != 503:
            return response
        time.sleep(0.5)
    raise AssertionError("no answer")


def test_postgres_stopped_and_started_under_load(private_postgres):
    """Only 503s with Retry-After while the database is down; no 500; and no failed
    request once it is back (pooled connections are checked before reuse)."""
    url = private_postgres.create_database("site")
    with deployment(database_url=url, workers=4, users=8, HOLD_RATE_LIMIT="100000/min") as site:
        log: list[tuple[float, int, str | None]] = []
        lock = threading.Lock()
        stop = threading.Event()

        def load(user: int) -> None:
            api = site.client(user)
            seats = [f"B{user % 6 + 1}"]
            while not stop.is_set():
                for method, path, body in (
                    ("GET", f"/shows/{site.show_id}/seatmap", None),
                    ("POST", "/holds", {"showId": site.show_id, "seatIds": seats, "quantity": 1}),
                    ("GET", "/orders", None),
                ):
                    try:
                        response = api.request(method, site.api + path, json=body, timeout=30)
                        answer = (response.status_code, response.headers.get("Retry-After"))
                    except requests.RequestException as exc:
                        answer = (0, type(exc).__name__)
                    with lock:
                        log.append((time.monotonic(), *answer))

        threads = [threading.Thread(target=load, args=(user,)) for user in range(8)]
        for thread in threads:
            thread.start()
        try:
            time.sleep(2)
            down_at = time.monotonic()
            private_postgres.stop(mode="fast")
            time.sleep(5)
            private_postgres.start()
            back_at = time.monotonic()
            time.sleep(4)
        finally:
            stop.set()
            for thread in threads:
                thread.join(30)
    before = [status for at, status, _ in log if at < down_at]
    during = [(status, retry_after) for at, status, retry_after in log if down_at <= at < back_at]
    after = [status for at, status, _ in log if at >= back_at + 0.5]
    assert before
    assert set(before) <= {200, 201, 409}
    assert any(status == 503 for status, _ in during)
    assert {status for status, _ in during} <= {200, 201, 409, 503}  # no 500, no reset
    assert all(retry_after == "5" for status, retry_after in during if status == 503)
    assert after
    assert set(after) <= {200, 201, 409}, sorted(set(after))
