from django.urls import path

from booking import api

urlpatterns = [
    path("auth/token", api.TokenApi.as_view(), name="auth-token"),
    path("auth/me", api.MeApi.as_view(), name="auth-me"),
    path("holds", api.HoldListApi.as_view(), name="hold-list"),
    path("holds/<str:hold_id>", api.HoldDetailApi.as_view(), name="hold-detail"),
    path("holds/<str:hold_id>/release", api.HoldReleaseApi.as_view(), name="hold-release"),
    path("orders", api.OrderListApi.as_view(), name="order-list"),
    path("orders/<str:order_id>", api.OrderDetailApi.as_view(), name="order-detail"),
    path(
        "orders/<str:order_id>/confirm-payment",
        api.OrderConfirmPaymentApi.as_view(),
        name="order-confirm-payment",
    ),
    path("orders/<str:order_id>/cancel", api.OrderCancelApi.as_view(), name="order-cancel"),
    path("staff/check-in", api.CheckInApi.as_view(), name="staff-check-in"),
]
