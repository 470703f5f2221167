import logging

import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models

logger = logging.getLogger(__name__)


def lower_case_show_ids(apps, schema_editor):
    """Spell every recorded show id the canonical way. Before ids were canonical, one seat
    could be sold twice under two spellings of a show; the later sale keeps its booking
    (and its ticket) but gives up the seat's row in the sold-seat index, and is logged for
    staff to resolve."""
    Booking = apps.get_model("booking", "Booking")
    SoldSeat = apps.get_model("booking", "SoldSeat")
    for booking in Booking.objects.exclude(show_id=django.db.models.functions.text.Lower("show_id")):
        booking.show_id = booking.show_id.lower()
        booking.save(update_fields=["show_id"])
    kept = {}
    for seat in SoldSeat.objects.order_by("booking__confirmed_at", "pk"):
        key = (seat.show_id.lower(), seat.seat_id)
        if key in kept:
            logger.warning(
                "Seat %s of show %s was sold twice; booking %s keeps its ticket, staff must "
                "resolve it", seat.seat_id, key[0], seat.booking_id,
            )
            seat.delete()
        else:
            kept[key] = seat
    for (show_id, _seat_id), seat in kept.items():  # no two rows can now meet in one spelling
        if seat.show_id != show_id:
            seat.show_id = show_id
            seat.save(update_fields=["show_id"])

class Migration(migrations.Migration):

    dependencies = [
        ("booking", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(lower_case_show_ids, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="booking",
            options={
                "ordering": ["-created_at"],
                "permissions": [
                    ("view_live_booking", "Can view live holds, orders and seats"),
                    ("manage_live_booking", "Can release holds, cancel orders and run the sweeper"),
                    ("check_in_booking", "Can check tickets in at the door"),
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="booking",
            constraint=models.CheckConstraint(
                condition=models.Q(("show_id", django.db.models.functions.text.Lower("show_id"))),
                name="booking_show_id_canonical",
            ),
        ),
        migrations.AddConstraint(
            model_name="soldseat",
            constraint=models.CheckConstraint(
                condition=models.Q(("show_id", django.db.models.functions.text.Lower("show_id"))),
                name="soldseat_show_id_canonical",
            ),
        ),
    ]
