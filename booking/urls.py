from django.urls import path

from booking import views

app_name = "booking"
urlpatterns = [
    path("shows/<str:show_id>/seats/", views.show_seats, name="show-seats"),
    path("shows/<str:show_id>/hold/", views.hold_create, name="hold-create"),
    path("holds/<str:hold_id>/", views.hold_detail, name="hold-detail"),
    path("holds/<str:hold_id>/order/", views.order_create, name="order-create"),
    path("holds/<str:hold_id>/release/", views.hold_release, name="hold-release"),
    path("orders/<str:order_id>/", views.order_detail, name="order-detail"),
    path("orders/<str:order_id>/pay/", views.order_pay, name="order-pay"),
    path("orders/<str:order_id>/cancel/", views.order_cancel, name="order-cancel"),
    path("bookings/", views.my_bookings, name="my-bookings"),
]
