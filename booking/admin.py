from django.contrib import admin
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponseBadRequest
from django.urls import path

from booking import staff_views as views
from booking.models import Booking, SoldSeat, StaffCinema
from bookmyshow.money import rupees


def _staff(view, permission: str):
    """A staff page: staff only (the admin's log-in), and only with ``permission``."""
    return admin.site.admin_view(permission_required(permission, raise_exception=True)(view))


VIEW, MANAGE, CHECK_IN = (
    "booking.view_live_booking",
    "booking.manage_live_booking",
    "booking.check_in_booking",
)
admin.site.register_urls(  # type: ignore[attr-defined]
    [
        path("live/", _staff(views.overview, VIEW), name="live-overview"),
        path("live/holds/", _staff(views.holds, VIEW), name="live-holds"),
        path(
            "live/holds/<id:hold_id>/release/",
            _staff(views.hold_release, MANAGE),
            name="live-hold-release",
        ),
        path("live/orders/", _staff(views.orders, VIEW), name="live-orders"),
        path(
            "live/orders/<id:order_id>/cancel/",
            _staff(views.order_cancel, MANAGE),
            name="live-order-cancel",
        ),
        path("live/shows/<id:show_id>/", _staff(views.show_seats, VIEW), name="live-show"),
        path("live/sweep/", _staff(views.sweep, MANAGE), name="live-sweep"),
        path("check-in/", _staff(views.check_in, CHECK_IN), name="check-in"),
    ]
)


class SoldSeatInline(admin.TabularInline):
    model = SoldSeat
    extra = 0
    can_delete = False
    readonly_fields = ["show_id", "seat_id"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Sales are records: staff read and search them; nothing here edits them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = [
        "ticket_code",
        "user",
        "movie_title",
        "theatre_name",
        "show_start",
        "seat_list",
        "amount_paid",
        "confirmed_at",
        "checked_in_at",
    ]
    list_filter = ["theatre_name", ("checked_in_at", admin.EmptyFieldListFilter)]
    search_fields = [
        "ticket_code",
        "user__username",
        "user__email",
        "customer_name",
        "customer_email",
        "customer_phone",
        "show_id",
        "movie_title",
    ]
    date_hierarchy = "show_start"
    list_select_related = ["user"]
    inlines = [SoldSeatInline]

    def changelist_view(self, request, extra_context=None):
        """Django's date drill-down computes the year, month or day after the one asked
        for; after the calendar's last year there is none, so such a year is refused."""
        year = request.GET.get("show_start__year", "")
        if year and not (year.isdigit() and 0 < int(year) < 9999):
            return HttpResponseBadRequest("No such year.")
        return super().changelist_view(request, extra_context)

    @admin.display(description="Seats")
    def seat_list(self, booking: Booking) -> str:
        return ", ".join(booking.seat_ids)

    @admin.display(description="Amount")
    def amount_paid(self, booking: Booking) -> str:
        return rupees(booking.amount)


@admin.register(SoldSeat)
class SoldSeatAdmin(ReadOnlyAdmin):
    list_display = ["seat_id", "show_id", "booking"]
    search_fields = ["show_id", "seat_id", "booking__ticket_code", "booking__user__username"]
    list_select_related = ["booking"]


@admin.register(StaffCinema)
class StaffCinemaAdmin(admin.ModelAdmin):
    """Which cinema a staff member works at: the door's page offers its shows of the day."""

    list_display = ["user", "theatre_name", "theatre_id"]
    search_fields = ["user__username", "theatre_name"]
    autocomplete_fields = ["user"]
