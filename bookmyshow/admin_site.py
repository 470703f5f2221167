from django.contrib import admin
from django.urls import path


class AdminSite(admin.AdminSite):
    """The staff site: the usual admin, plus views of the live booking state (holds,
    pending orders, seat versions, queues) and ticket check-in, linked from the index."""

    site_header = "BookMyShow staff"
    site_title = "BookMyShow staff"
    index_template = "admin/bms_index.html"

    def get_urls(self):
        from booking import staff_views as views

        staff = self.admin_view  # staff only, like every admin page
        return [
            path("live/", staff(views.overview), name="live-overview"),
            path("live/holds/", staff(views.holds), name="live-holds"),
            path(
                "live/holds/<str:hold_id>/release/",
                staff(views.hold_release),
                name="live-hold-release",
            ),
            path("live/orders/", staff(views.orders), name="live-orders"),
            path(
                "live/orders/<str:order_id>/cancel/",
                staff(views.order_cancel),
                name="live-order-cancel",
            ),
            path("live/shows/<str:show_id>/", staff(views.show_seats), name="live-show"),
            path("live/sweep/", staff(views.sweep), name="live-sweep"),
            path("check-in/", staff(views.check_in), name="check-in"),
            *super().get_urls(),
        ]
