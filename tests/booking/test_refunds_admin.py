"""Staff: refunds in the admin (list, filters, totals per show, marking them paid out)
and the per-show sales summary as CSV."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest

from booking import services
from booking.models import Refund
from bookmyshow.money import money_split
from tests import factories
from tests.booking.test_staff import paid_order, staff_with


@pytest.fixture
def sales(user, show, settings):
    """Three bookings of one show (fee ₹20 a seat): one cancelled whole at 75 %, one
    cancelled in part, one kept; and one cancelled booking at another cinema."""
    settings.CONVENIENCE_FEE_PER_TICKET = Decimal("20")
    early = show.start_time - timedelta(hours=5)
    whole = paid_order(user, show, ["B2", "B3"])
    part = paid_order(user, show, ["B4", "B5", "B6"])
    kept = paid_order(user, show, ["A1"])
    services.booking_cancel(user_id=user.id, order_id=whole.order_id, seat_ids=None, now=early)
    services.booking_cancel(
        user_id=user.id, order_id=part.order_id, seat_ids=["B5", "B6"], now=early
    )
    elsewhere = factories.show_create(
        screen=factories.screen_create(factories.theatre_create("INOX Nariman Point"))
    )
    other = paid_order(user, elsewhere, ["B1"])
    services.booking_cancel(user_id=user.id, order_id=other.order_id, seat_ids=None, now=early)
    return {"whole": whole, "part": part, "kept": kept, "elsewhere": elsewhere}


@pytest.fixture
def staff_client(client, django_user_model):
    client.force_login(
        django_user_model.objects.create_user(
            "boss", password="pw", is_staff=True, is_superuser=True
        )
    )
    return client


def test_refunds_are_listed_with_totals_per_show(staff_client, sales, show):
    page = staff_client.get("/admin/booking/refund/").content.decode()
    assert page.count('<tr class="') >= 3
    assert "Totals per show (of the refunds listed)" in page
    # The show: ₹375.00 (B2, B3) + ₹375.00 (B5, B6), two refunds, all still to pay out.
    assert "<td>2</td>\n      <td>₹750.00</td>\n      <td>₹750.00</td>" in page
    assert f'href="/admin/live/shows/{show.id}/sales.csv"' in page


def test_refunds_filter_by_cinema_and_status(staff_client, sales, show):
    inox = staff_client.get("/admin/booking/refund/?booking__theatre_name=INOX+Nariman+Point")
    assert inox.context["cl"].result_count == 1
    Refund.objects.filter(booking__theatre_name="INOX Nariman Point").update(status="REFUNDED")
    done = staff_client.get("/admin/booking/refund/?status__exact=REFUNDED")
    assert done.context["cl"].result_count == 1
    assert (
        staff_client.get("/admin/booking/refund/?status__exact=PENDING").context["cl"].result_count
        == 2
    )


def test_staff_mark_refunds_paid_out(staff_client, sales):
    pending = list(Refund.objects.filter(status="PENDING").values_list("pk", flat=True))
    staff_client.post(
        "/admin/booking/refund/",
        {"action": "mark_refunded", "_selected_action": [str(pk) for pk in pending]},
    )
    assert set(Refund.objects.values_list("status", flat=True)) == {"REFUNDED"}
    assert all(r.refunded_at for r in Refund.objects.all())


def test_the_sales_summary_csv_by_tier(staff_client, sales, show):
    response = staff_client.get(f"/admin/live/shows/{show.id}/sales.csv")
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == f'attachment; filename="sales-{show.id}.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["show", str(show.id), show.movie.title]
    assert rows[1] == [
        "tier", "seats sold", "seats refunded", "tickets (INR)", "refunded (INR)", "revenue (INR)"
    ]  # fmt: skip
    assert rows[2:] == [
        ["Classic", "1", "0", "150.00", "0.00", "150.00"],
        # B2-B6 at ₹250: B2, B3, B5, B6 refunded at 75 %
        ["Prime", "5", "4", "1250.00", "750.00", "500.00"],
        ["Convenience fee", "", "", "120.00", "0.00", "120.00"],
        ["Total", "6", "4", "1520.00", "750.00", "770.00"],
    ]


def test_the_sales_summary_needs_the_view_permission(client, django_user_model, show, db):
    client.force_login(staff_with(django_user_model, "door", "check_in_booking"))
    assert client.get(f"/admin/live/shows/{show.id}/sales.csv").status_code == 403


def test_money_split_adds_up_to_the_total():
    shares = money_split(Decimal("100.00"), {"a": Decimal(1), "b": Decimal(1), "c": Decimal(1)})
    assert sorted(shares.values()) == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    assert sum(shares.values()) == Decimal("100.00")
    assert money_split(Decimal("10"), {"x": Decimal(0), "y": Decimal(0)}) == {
        "x": Decimal("5.00"),
        "y": Decimal("5.00"),
    }
