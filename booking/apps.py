from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "booking"
    verbose_name = "Booking"

    def ready(self) -> None:
        from booking import stores  # connects the setting_changed receiver
        from bookmyshow.serving import serving_check_register

        serving_check_register(stores.single_process_check)
