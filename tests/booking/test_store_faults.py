"""The Redis store when Redis is unreachable, stalls, or loses a reply, through a TCP
proxy that breaks on cue; and payment under each of those faults: afterwards every ticket
code ever shown is admitted at check-in, every sale is recorded in the store after the
next touch of its show, and no seat is sold twice."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from booking import selectors, services
from booking.domain import Customer, OrderStatus
from booking.errors import StoreUnavailable
from booking.models import Booking, SoldSeat
from booking.stores import get_store
from booking.stores.redis_functions import FUNCTIONS

HOLD = {"seatIds": ["B1", "B2"], "quantity": 2}
CUSTOMER = Customer(name="Asha Rao", email="asha@example.com", phone="9876543210")


@pytest.fixture
def proxy(fault_proxy, settings, redis_prefix):
    proxy = fault_proxy(("127.0.0.1", 6379))
    settings.BOOKING_STORE = {
        "BACKEND": "booking.stores.redis.RedisBookingStore",
        "LOCATION": f"redis://{proxy.address}/15",
        "OPTIONS": {"KEY_PREFIX": redis_prefix},
    }
    get_store.cache_clear()
    yield proxy
    get_store.cache_clear()


def script_call(name: str) -> bytes:
    """What identifies a step's call on the wire: its function's name."""
    return FUNCTIONS[name].encode()


def test_unreachable_redis_is_a_quick_503_with_retry_after(api, show, proxy):
    proxy.set_mode("refuse")
    started = time.monotonic()
    response = api.post("/api/v1/holds", {"showId": str(show.id), **HOLD}, format="json")
    # A bound against hanging, far above the configured sub-second socket timeouts.
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["error"]["code"] == "STORE_UNAVAILABLE"
    seat_map = APIClient().get(f"/api/v1/shows/{show.id}/seatmap")
    assert seat_map.json()["error"]["code"] == "STORE_UNAVAILABLE"


def test_unreachable_redis_is_a_friendly_page(client, show, proxy):
    proxy.set_mode("refuse")
    response = client.get(f"/shows/{show.id}/seats/")
    assert response.status_code == 503
    assert "Booking is briefly unavailable. Please try again in a few seconds." in (
        response.content.decode()
    )


def test_the_store_recovers_when_redis_comes_back_without_a_restart(api, show, proxy):
    proxy.set_mode("refuse")
    failed = api.post("/api/v1/holds", {"showId": str(show.id), **HOLD}, format="json")
    assert failed.status_code == 503
    proxy.set_mode("forward")
    response = api.post("/api/v1/holds", {"showId": str(show.id), **HOLD}, format="json")
    assert response.status_code == 201


def test_a_lost_reply_is_an_unknown_outcome_and_a_keyed_retry_finds_the_hold(api, show, proxy):
    proxy.on_pattern(script_call("HOLD_CREATE"), "drop_replies")
    body = {"showId": str(show.id), "seatIds": ["B1", "B2", "B3"], "quantity": 3}
    lost = api.post("/api/v1/holds", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert lost.status_code == 503
    assert lost.json()["error"]["details"] == {"outcome": "unknown"}
    proxy.set_mode("forward")
    # The script ran completely (all three seats) or not at all; the retry finds it.
    retry = api.post("/api/v1/holds", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert retry.status_code == 201
    assert [h.hold_id for h in get_store().holds_list()] == [retry.json()["holdId"]]
    assert get_store().show_claims(str(show.id)).held == {"B1", "B2", "B3"}
    listed = api.get("/api/v1/holds").json()["holds"]
    assert [h["holdId"] for h in listed] == [retry.json()["holdId"]]


# -- payment under faults -----------------------------------------------------------------


def pending_order(user, show):
    held = services.hold_create(
        user_id=user.id, client="192.0.2.1", show_id=str(show.id), seat_ids=["B1", "B2"]
    )
    return services.order_create(user_id=user.id, hold_id=held.hold_id, customer=CUSTOMER)


def pay(user, order, key="pay-1"):
    return services.order_confirm_payment(
        user_id=user.id, order_id=order.order_id, idempotency_key=key
    )


def assert_no_ghosts(shown_codes: list[str], show_id: str) -> None:
    """Every ticket code ever shown is admitted at check-in; every sale is CONFIRMED in the
    store after the next touch of its show; no seat is sold twice."""
    for code in set(shown_codes):
        assert services.ticket_check_in(ticket_code=code, show_id=show_id, now=timezone.now())
    selectors.seat_map_get(show_id=show_id)  # the next touch
    store = get_store()
    for booking in Booking.objects.all():
        assert store.order_get(str(booking.pk)).status is OrderStatus.CONFIRMED
    sold = list(SoldSeat.objects.filter(show_id=show_id).values_list("seat_id", flat=True))
    assert len(sold) == len(set(sold))
    assert store.show_claims(show_id).sold == set(sold)


def test_a_lost_reply_when_payment_starts_is_finished_by_the_retry(user, show, proxy):
    order = pending_order(user, show)
    proxy.on_pattern(script_call("ORDER_PAYMENT_START"), "drop_replies")
    with pytest.raises(StoreUnavailable) as error:
        pay(user, order)
    assert error.value.outcome_unknown
    assert not Booking.objects.exists()  # no ticket was shown, none exists
    proxy.set_mode("forward")
    paid = pay(user, order)
    assert Booking.objects.get().ticket_code == paid.ticket_code
    assert_no_ghosts([paid.ticket_code], str(show.id))


def test_a_redis_stall_after_the_sale_committed_still_shows_a_real_ticket(user, show, proxy):
    order = pending_order(user, show)
    proxy.on_pattern(script_call("SALE_RECORD"), "blackhole")  # never arrives
    started = time.monotonic()
    paid = pay(user, order)
    assert time.monotonic() - started < 5  # the socket timeout, not a hang
    assert paid.status is OrderStatus.CONFIRMED
    assert Booking.objects.get().ticket_code == paid.ticket_code
    proxy.set_mode("cut")  # Redis is back
    assert get_store().order_get(order.order_id).payment_in_progress  # not yet recorded
    # Pressing Pay again, or any reader, gets the same ticket from the record.
    assert pay(user, order).ticket_code == paid.ticket_code
    assert selectors.order_get(user_id=user.id, order_id=order.order_id).ticket_code == (
        paid.ticket_code
    )
    assert_no_ghosts([paid.ticket_code], str(show.id))


def test_a_lost_reply_when_the_sale_is_recorded_changes_nothing_for_the_buyer(user, show, proxy):
    order = pending_order(user, show)
    proxy.on_pattern(script_call("SALE_RECORD"), "drop_replies")
    paid = pay(user, order)
    proxy.set_mode("forward")
    assert get_store().order_get(order.order_id).status is OrderStatus.CONFIRMED
    assert_no_ghosts([paid.ticket_code], str(show.id))


def test_redis_down_during_payment_is_a_503_and_no_ticket_until_it_is_real(user, show, proxy):
    order = pending_order(user, show)
    proxy.set_mode("refuse")
    with pytest.raises(StoreUnavailable):
        pay(user, order)
    with pytest.raises(StoreUnavailable):
        pay(user, order)
    assert not Booking.objects.exists()
    proxy.set_mode("forward")
    paid = pay(user, order)
    assert_no_ghosts([paid.ticket_code], str(show.id))


def test_the_sweeper_records_a_sale_the_store_missed(user, show, proxy):
    order = pending_order(user, show)
    proxy.on_pattern(script_call("SALE_RECORD"), "blackhole")
    paid = pay(user, order)
    proxy.set_mode("cut")
    report = services.bookings_sweep(keep_for=timedelta(days=1), now=timezone.now())
    assert report.sales_recorded == 1
    assert get_store().order_get(order.order_id).status is OrderStatus.CONFIRMED
    again = services.bookings_sweep(keep_for=timedelta(days=1), now=timezone.now())
    assert again.sales_recorded == 0
    assert_no_ghosts([paid.ticket_code], str(show.id))
