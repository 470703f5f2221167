from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from booking import services
from booking.stores import get_store


def test_expire_bookings_forgets_long_ended_holds(user, show):
    long_ago = timezone.now() - timedelta(days=3)
    old = services.hold_create(user_id=user.id, show_id=str(show.id), seat_ids=["B1"], now=long_ago)
    live = services.hold_create(
        user_id=user.id, show_id=str(show.id), seat_ids=["B2"], now=timezone.now()
    )
    call_command("expire_bookings", "--keep-hours", "24")
    assert get_store().hold_get(hold_id=old.hold_id) is None
    assert get_store().hold_get(hold_id=live.hold_id) == live
