from django.contrib import admin

from booking.models import Booking, SoldSeat


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
        "amount",
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

    @admin.display(description="Seats")
    def seat_list(self, booking: Booking) -> str:
        return ", ".join(booking.seat_ids)


@admin.register(SoldSeat)
class SoldSeatAdmin(ReadOnlyAdmin):
    list_display = ["seat_id", "show_id", "booking"]
    search_fields = ["show_id", "seat_id", "booking__ticket_code", "booking__user__username"]
    list_select_related = ["booking"]
