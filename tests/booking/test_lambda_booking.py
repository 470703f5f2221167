"""Selling beside a Lambda service that sells too, on its real payloads: its sales and
holds since ours refuse our orders and payments (and nothing is sold twice), its
cancelled shows sell nothing, an India day lists the shows that start on it, and a price
in paise reads the same on every page, in the API and on the ticket."""

from datetime import UTC, datetime, time, timedelta

import pytest
import responses
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from booking import services
from booking.models import Booking, SoldSeat
from booking.stores import get_store
from catalog.sources import get_catalog
from tests.booking.test_identities import CUSTOMER, hold
from tests.catalog.lambda_service import BASE, LambdaStandIn

UNKNOWN = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def service(settings, db):
    settings.BMS_API_URL = BASE
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        yield LambdaStandIn().install(mocked)


def service_time(moment) -> str:
    """A start time as the service sends it (true UTC, in utc mode)."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


@pytest.fixture
def movie(service) -> str:
    return service.movie_add("RRR")


@pytest.fixture
def show(service, movie) -> str:
    """A show tomorrow: 30 seats, A1-C10, of which A5, B10 and C8 are broken."""
    return service.show_add(
        movie, service.theatre(), service_time(timezone.now() + timedelta(days=1))
    )


def order(client, hold_id: str):
    return client.post("/api/v1/orders", {"holdId": hold_id, "customer": CUSTOMER}, "json")


def pay(client, order_id: str):
    return client.post(f"/api/v1/orders/{order_id}/confirm-payment")


def refused(response, code: str, seats: list[str] | None = None) -> dict:
    body = response.json()["error"]
    assert (response.status_code, body["code"]) == (
        {"SEAT_UNAVAILABLE": 409, "SHOW_CANCELLED": 410}[code],
        code,
    ), body
    if seats is not None:
        assert body["details"]["seatIds"] == seats
    return body


def nothing_sold_twice(service) -> None:
    ours = set(SoldSeat.objects.values_list("show_id", "seat_id"))
    theirs = {(show_id, seat) for show_id, s in service.shows.items() for seat in s["sold"]}
    assert not ours & theirs


# -- the race: the service sells after our hold -----------------------------------------


def test_an_order_is_refused_when_the_service_sold_a_held_seat_since(api, rival, service, show):
    held = hold(api, show, ["A1", "A2"])
    assert held.status_code == 201, held.content
    service.sell(show, "A2")  # at once: every cache of ours still has the old seat map
    body = refused(order(api, held.json()["holdId"]), "SEAT_UNAVAILABLE", ["A2"])
    assert body["message"] == "Seat A2 was just taken by someone else."
    assert api.get(f"/api/v1/holds/{held.json()['holdId']}").json()["status"] == "RELEASED"
    assert hold(rival, show, ["A1"]).status_code == 201  # the order's other seat is free
    assert not Booking.objects.exists()
    nothing_sold_twice(service)


def test_an_order_is_refused_when_a_service_user_holds_one_of_its_seats(api, service, show):
    held = hold(api, show, ["B1", "B2", "B3"])
    service.hold(show, "B3", "B2")
    refused(order(api, held.json()["holdId"]), "SEAT_UNAVAILABLE", ["B2", "B3"])


def test_a_payment_is_refused_when_the_service_sold_a_seat_after_the_order(
    api, rival, service, show
):
    made = order(api, hold(api, show, ["A1", "A2"]).json()["holdId"])
    assert made.status_code == 201, made.content
    order_id = made.json()["orderId"]
    service.sell(show, "A1")
    refused(pay(api, order_id), "SEAT_UNAVAILABLE", ["A1"])
    assert api.get(f"/api/v1/orders/{order_id}").json()["status"] == "CANCELLED"
    assert hold(rival, show, ["A2"]).status_code == 201  # the order's other seat is free
    assert not SoldSeat.objects.exists()
    refused(hold(rival, show, ["A1"]), "SEAT_UNAVAILABLE", ["A1"])
    nothing_sold_twice(service)


def test_a_payment_resumed_after_the_service_sold_a_seat_is_refused_too(api, user, service, show):
    """A payment that began (its store step done, then the request was lost) re-checks
    the service when it is resumed."""
    made = order(api, hold(api, show, ["C1"]).json()["holdId"]).json()
    get_store().order_payment_start(
        order_id=made["orderId"], user_id=user.id, unavailable=(), grace=timedelta(seconds=60)
    )
    service.sell(show, "C1")
    refused(pay(api, made["orderId"]), "SEAT_UNAVAILABLE", ["C1"])
    assert not SoldSeat.objects.exists()


def test_without_the_fresh_reads_the_same_race_sells_a_seat_twice(api, service, show, monkeypatch):
    """The negative control: reading the service's seat map through the caches, as orders
    and payments did, lets the service's sale through."""
    monkeypatch.setattr(
        services, "_show_now", lambda show_id: get_catalog().show_get(show_id=show_id)
    )
    made = order(api, hold(api, show, ["A1"]).json()["holdId"])
    service.sell(show, "A1")
    assert pay(api, made.json()["orderId"]).status_code == 200
    with pytest.raises(AssertionError):
        nothing_sold_twice(service)


@pytest.mark.django_db(transaction=True)
def test_payment_reads_the_service_before_the_sale_transaction_opens(api, service, show):
    reads: list[bool] = []
    made = order(api, hold(api, show, ["A1"]).json()["holdId"])
    service.on_seatmap = lambda _show_id: reads.append(connection.in_atomic_block)
    assert pay(api, made.json()["orderId"]).status_code == 200
    assert reads == [False]  # read once, afresh, with no transaction open
    assert list(SoldSeat.objects.values_list("seat_id", flat=True)) == ["A1"]


def test_a_hold_is_checked_against_a_seat_map_no_older_than_the_max_age(
    api, service, show, settings
):
    settings.BMS_SEATMAP_MAX_AGE_SECONDS = 2
    now = [1_000.0]
    get_catalog().clock = lambda: now[0]
    assert APIClient().get(f"/api/v1/shows/{show}/seatmap").status_code == 200
    service.hold(show, "A3")  # a service user, a moment after our seat map was read
    now[0] += 1
    # Within the max age our hold cannot know; the order, read afresh, refuses it. (A3
    # and A4 together: A5 is broken, so A3 alone would strand A4.)
    held = hold(api, show, ["A3", "A4"])
    assert held.status_code == 201, held.json()
    refused(order(api, held.json()["holdId"]), "SEAT_UNAVAILABLE", ["A3"])
    service.hold(show, "A4")
    now[0] += 2.5  # the map the order read is now older than the max age
    refused(hold(api, show, ["A4"]), "SEAT_UNAVAILABLE", ["A4"])


# -- cancelled shows --------------------------------------------------------------------


def listed_show_ids(movie: str, show: str) -> list[str]:
    day = timezone.localtime(timezone.now() + timedelta(days=1)).date()
    body = APIClient().get(f"/api/v1/movies/{movie}/shows", {"date": day.isoformat()}).json()
    return [s["showId"] for t in body["theatres"] for s in t["shows"]]


@pytest.mark.parametrize("spelling", ["cancelled", "CANCELLED", "canceled"])
def test_a_cancelled_show_is_not_listed_and_cannot_be_held(
    api, client, service, movie, show, spelling
):
    assert listed_show_ids(movie, show) == [show]
    service.shows[show]["status"] = spelling
    cache.clear()  # the listing's minute is up
    assert listed_show_ids(movie, show) == []
    refused(hold(api, show, ["A1"]), "SHOW_CANCELLED")
    page = client.get(f"/shows/{show}/seats/")
    assert page.status_code == 410
    assert "This show was cancelled." in page.content.decode()


def test_a_show_cancelled_after_the_hold_refuses_the_order_and_frees_the_seats(
    api, service, movie, show
):
    held = hold(api, show, ["A1"]).json()
    service.shows[show]["status"] = "cancelled"
    cache.clear()
    listed_show_ids(movie, show)  # anyone's listing of the day tells us
    refused(order(api, held["holdId"]), "SHOW_CANCELLED")
    assert api.get(f"/api/v1/holds/{held['holdId']}").json()["status"] == "RELEASED"


def test_a_show_cancelled_after_the_order_refuses_the_payment(api, service, movie, show):
    made = order(api, hold(api, show, ["A1"]).json()["holdId"]).json()
    service.shows[show]["status"] = "CANCELLED"  # gone from its listing; nothing else says so
    refused(pay(api, made["orderId"]), "SHOW_CANCELLED")
    assert api.get(f"/api/v1/orders/{made['orderId']}").json()["status"] == "CANCELLED"
    assert not SoldSeat.objects.exists()


def test_a_show_the_service_hides_as_cancelled_cannot_be_held_unlisted(api, service, show):
    """Never listed here: its movie is found by the seat map's title, and the show is
    missing from that movie's listing of its day."""
    service.shows[show]["status"] = "CANCELLED"
    refused(hold(api, show, ["A1"]), "SHOW_CANCELLED")


# -- days, unknown movies, availability -------------------------------------------------


def test_shows_after_midnight_india_time_are_on_their_own_days_page(client, service, movie):
    """00:45 and 03:30 IST are 19:15 and 22:00 UTC the day before: the service lists them
    under that day, and the site under theirs."""
    day = timezone.localdate() + timedelta(days=2)
    theatre = service.theatre()
    for at in (time(0, 45), time(3, 30)):
        service.show_add(
            movie, theatre, service_time(timezone.make_aware(datetime.combine(day, at)))
        )
    page = client.get(f"/movies/{movie}/buytickets/{day}/?city=mumbai").content.decode()
    assert "12:45 AM" in page
    assert "03:30 AM" in page
    before = client.get(f"/movies/{movie}/buytickets/{day - timedelta(days=1)}/?city=mumbai")
    assert "No shows of RRR" in before.content.decode()
    listed = APIClient().get(f"/api/v1/movies/{movie}/shows", {"date": day.isoformat()}).json()
    assert [s["startTime"] for s in listed["theatres"][0]["shows"]] == [
        f"{day}T00:45:00+05:30",
        f"{day}T03:30:00+05:30",
    ]


@pytest.mark.parametrize("source", ["local", "lambda"])
def test_an_unknown_movie_is_404_on_both_sources(client, db, settings, source):
    day = timezone.localdate().isoformat()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        if source == "lambda":
            settings.BMS_API_URL = BASE
            LambdaStandIn().install(mocked)  # it answers the shows of any movie with 200
        response = APIClient().get(f"/api/v1/movies/{UNKNOWN}/shows", {"date": day})
        page = client.get(f"/movies/{UNKNOWN}/buytickets/{day}/?city=mumbai")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "MOVIE_NOT_FOUND"
    assert page.status_code == 404


def test_the_services_status_stands_only_until_our_own_count_knows_better(
    client, api, service, movie, show
):
    day = timezone.localtime(timezone.now() + timedelta(days=1)).date()
    service.shows[show]["status"] = "sold_out"
    page = client.get(f"/movies/{movie}/buytickets/{day}/?city=mumbai").content.decode()
    assert "Sold out" in page
    assert f"/shows/{show}/seats/" not in page
    client.get(f"/shows/{show}/seats/")  # someone opens its seat map: 27 of 30 seats free
    page = client.get(f"/movies/{movie}/buytickets/{day}/?city=mumbai").content.decode()
    assert "Sold out" not in page
    assert "from ₹350 · Available" in page
