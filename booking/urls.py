from django.urls import path

from booking import views

app_name = "booking"
urlpatterns = [
    path("movies/<id:movie_id>/buytickets/<isodate:day>/", views.buy_tickets, name="buy-tickets"),
    path("shows/<id:show_id>/seats/", views.show_seats, name="show-seats"),
    path("shows/<id:show_id>/hold/", views.hold_create, name="hold-create"),
    path("holds/<id:hold_id>/", views.hold_detail, name="hold-detail"),
    path("holds/<id:hold_id>/order/", views.order_create, name="order-create"),
    path("holds/<id:hold_id>/release/", views.hold_release, name="hold-release"),
    path("orders/<id:order_id>/", views.order_detail, name="order-detail"),
    path("orders/<id:order_id>/pay/", views.order_pay, name="order-pay"),
    path("orders/<id:order_id>/cancel/", views.order_cancel, name="order-cancel"),
    path("orders/<id:order_id>/cancel-ticket/", views.ticket_cancel, name="ticket-cancel"),
    path("orders/<id:order_id>/ticket.ics", views.ticket_calendar, name="ticket-calendar"),
    path("bookings/", views.my_bookings, name="my-bookings"),
]
