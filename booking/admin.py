from django import forms
from django.contrib import admin
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponseBadRequest
from django.urls import path
from django.utils import timezone

from booking import staff_views as views
from booking.models import (
    Booking,
    CancellationPolicy,
    Refund,
    RefundTier,
    SoldSeat,
    StaffCinema,
)
from booking.reports import refund_totals_by_show
from bookmyshow.money import rupees
from catalog.models import Theatre


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
        path(
            "live/shows/<id:show_id>/sales.csv",
            _staff(views.show_sales_csv, VIEW),
            name="live-show-sales",
        ),
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


class RefundTierInline(admin.TabularInline):
    model = RefundTier
    extra = 1
    verbose_name = "refund share"
    verbose_name_plural = "refund shares (the earliest tier a cancellation is in time for)"


class CancellationPolicyForm(forms.ModelForm):
    """The cinema is chosen from the local catalog's cinemas (typed as an id for a
    catalog of another source); its name is copied from the catalog."""

    class Meta:
        model = CancellationPolicy
        fields = [
            "theatre_id",
            "theatre_name",
            "offers_cancellation",
            "cutoff_minutes",
            "fee_refunded",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        theatres = {str(t.id): f"{t.name}, {t.city}" for t in Theatre.objects.all()}
        if theatres:
            self.fields["theatre_id"] = forms.ChoiceField(
                label="Cinema", choices=sorted(theatres.items(), key=lambda item: str(item[1]))
            )
            self.fields["theatre_name"].required = False
            self.fields["theatre_name"].help_text = "Left empty: the catalog's name."
        self._theatre_names = theatres

    def clean(self):
        data = super().clean() or {}
        if not data.get("theatre_name") and data.get("theatre_id") in self._theatre_names:
            data["theatre_name"] = self._theatre_names[data["theatre_id"]]
        if not data.get("theatre_name"):
            self.add_error("theatre_name", "Name the cinema.")
        return data


@admin.register(CancellationPolicy)
class CancellationPolicyAdmin(admin.ModelAdmin):
    """Cinemas without a policy here follow the catalog's "Cancellation available" with
    the default policy (20 min cut-off, 75 % up to 2 h before, 50 % after, no fee)."""

    form = CancellationPolicyForm
    list_display = [
        "theatre_name",
        "offers_cancellation",
        "cutoff_minutes",
        "shares",
        "fee_refunded",
    ]
    list_filter = ["offers_cancellation", "fee_refunded"]
    search_fields = ["theatre_name", "theatre_id"]
    inlines = [RefundTierInline]

    @admin.display(description="Refund shares")
    def shares(self, policy: CancellationPolicy) -> str:
        return (
            ", ".join(
                f"{tier.percent}% from {tier.minutes_before} min" for tier in policy.tiers.all()
            )
            or "none (0%)"
        )


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    """Refunds of cancelled seats: filtered by status and cinema, with totals per show
    below the list; staff mark them paid out (or failed) once the payment provider says
    so. Amounts are records: nothing here edits them."""

    list_display = [
        "ticket",
        "movie",
        "cinema",
        "show_start",
        "seat_list",
        "share_percent",
        "amount_refunded",
        "status",
        "created_at",
    ]
    list_filter = ["status", ("booking__theatre_name", admin.AllValuesFieldListFilter)]
    search_fields = ["booking__ticket_code", "booking__customer_email", "booking__show_id"]
    list_select_related = ["booking"]
    readonly_fields = [f.name for f in Refund._meta.fields]
    actions = ["mark_refunded", "mark_failed"]
    change_list_template = "admin/booking/refund/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Ticket", ordering="booking__ticket_code")
    def ticket(self, refund: Refund) -> str:
        return refund.booking.ticket_code

    @admin.display(description="Movie")
    def movie(self, refund: Refund) -> str:
        return refund.booking.movie_title

    @admin.display(description="Cinema", ordering="booking__theatre_name")
    def cinema(self, refund: Refund) -> str:
        return refund.booking.theatre_name

    @admin.display(description="Show", ordering="booking__show_start")
    def show_start(self, refund: Refund):
        return refund.booking.show_start

    @admin.display(description="Seats")
    def seat_list(self, refund: Refund) -> str:
        return ", ".join(refund.seat_ids)

    @admin.display(description="Amount", ordering="amount")
    def amount_refunded(self, refund: Refund) -> str:
        return rupees(refund.amount)

    @admin.action(description="Mark as refunded (paid out)")
    def mark_refunded(self, request, queryset):
        done = queryset.exclude(status=Refund.Status.REFUNDED).update(
            status=Refund.Status.REFUNDED, refunded_at=timezone.now()
        )
        self.message_user(request, f"{done} refund(s) marked as refunded.")

    @admin.action(description="Mark as failed")
    def mark_failed(self, request, queryset):
        done = queryset.filter(status=Refund.Status.PENDING).update(status=Refund.Status.FAILED)
        self.message_user(request, f"{done} refund(s) marked as failed.")

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)  # None: a redirect after an action
        if context is not None and "cl" in context:
            context["totals"] = refund_totals_by_show(context["cl"].queryset)
        return response
