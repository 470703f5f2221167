from django.core.management import call_command

from booking import services
from booking.stores import get_store
from tests.support.clock import ManualClock


def test_expire_bookings_forgets_long_ended_holds(user, show, capsys):
    store = get_store()
    store.clock = ManualClock()
    old = services.hold_create(user_id=user.id, client="x", show_id=str(show.id), seat_ids=["B1"])
    store.clock.advance(hours=23)  # the show is tomorrow
    live = services.hold_create(user_id=user.id, client="x", show_id=str(show.id), seat_ids=["B3"])
    call_command("expire_bookings", "--keep-hours", "12")
    assert store.hold_get(old.hold_id) is None
    assert store.hold_get(live.hold_id) == live
    assert "removed 1 ended holds and orders" in capsys.readouterr().out
