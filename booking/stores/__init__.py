"""Chooses the booking store from ``BOOKING_STORE_URL``."""

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

from booking.stores.base import BookingStore, Partition

__all__ = ["BookingStore", "Partition", "get_store"]


@cache
def get_store() -> BookingStore:
    url = settings.BOOKING_STORE_URL
    if url == "memory://":
        from booking.stores.memory import MemoryBookingStore

        return MemoryBookingStore()
    if url.startswith(("redis://", "rediss://", "unix://")):
        from booking.stores.redis import RedisBookingStore

        return RedisBookingStore.from_url(url, prefix=settings.BOOKING_STORE_KEY_PREFIX)
    raise ImproperlyConfigured(
        f"BOOKING_STORE_URL must be memory:// or redis://host:port/db, not {url!r}."
    )


@receiver(setting_changed)
def _reset_store(*, setting: str, **kwargs) -> None:
    if setting.startswith("BOOKING_STORE_"):
        get_store.cache_clear()
