from django.urls import path

from booking import views

app_name = "booking"
urlpatterns = [
    path("shows/<str:show_id>/seats/", views.show_seats, name="show-seats"),
]
