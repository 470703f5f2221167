from django.urls import path

from booking import api, show_api

urlpatterns = [
    path("movies/<id:movie_id>/shows", show_api.MovieShowsApi.as_view(), name="movie-shows"),
    path("shows/<id:show_id>/seatmap", show_api.SeatMapApi.as_view(), name="seat-map"),
    path("holds", api.HoldListApi.as_view(), name="hold-list"),
    path("holds/<id:hold_id>", api.HoldDetailApi.as_view(), name="hold-detail"),
    path("holds/<id:hold_id>/release", api.HoldReleaseApi.as_view(), name="hold-release"),
    path("orders", api.OrderListApi.as_view(), name="order-list"),
    path("orders/<id:order_id>", api.OrderDetailApi.as_view(), name="order-detail"),
    path(
        "orders/<id:order_id>/confirm-payment",
        api.OrderConfirmPaymentApi.as_view(),
        name="order-confirm-payment",
    ),
    path("orders/<id:order_id>/cancel", api.OrderCancelApi.as_view(), name="order-cancel"),
    path(
        "orders/<id:order_id>/refund-quote", api.RefundQuoteApi.as_view(), name="order-refund-quote"
    ),
    path("staff/check-in", api.CheckInApi.as_view(), name="staff-check-in"),
]
