"""The booking store in use, chosen the way Django chooses cache backends.

``settings.BOOKING_STORE`` names a backend class by dotted path, with a ``LOCATION`` and
``OPTIONS`` (settings build it from ``BOOKING_STORE_URL``: ``memory://``, ``redis://…`` or
``redis-cluster://host:port[,host:port…]``). A new backend is one module with one class.
"""

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from booking.stores.base import BookingStore

__all__ = ["BookingStore", "get_store"]


@cache
def get_store() -> BookingStore:
    config = settings.BOOKING_STORE
    try:
        backend = import_string(config["BACKEND"])
    except ImportError as exc:
        raise ImproperlyConfigured(f"No booking store backend {config['BACKEND']!r}") from exc
    return backend(config.get("LOCATION", ""), config.get("OPTIONS", {}))


@receiver(setting_changed)
def _reset_store(*, setting: str, **kwargs) -> None:
    if setting.startswith("BOOKING_STORE"):
        get_store.cache_clear()


def single_process_check() -> None:
    """Refuse to serve on the process-local store when another process already serves the
    same site (the same database) on it: each would sell the same seats."""
    if settings.BOOKING_STORE["BACKEND"] == "booking.stores.memory.MemoryBookingStore":
        from booking.stores.memory import check_single_process

        database = settings.DATABASES["default"]
        check_single_process(
            f"{database['ENGINE']}|{database.get('HOST', '')}|{database.get('PORT', '')}|"
            f"{database['NAME']}"
        )
