"""Chooses the catalog source from settings: the Lambda API or the local models."""

from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from catalog.sources.base import CatalogSource


@cache
def get_catalog() -> CatalogSource:
    if settings.BMS_API_URL:
        from catalog.sources.lambda_api import LambdaCatalog

        return LambdaCatalog(base_url=settings.BMS_API_URL)
    from catalog.sources.local import LocalCatalog

    return LocalCatalog()


@receiver(setting_changed)
def _reset_catalog(*, setting: str, **kwargs) -> None:
    if setting.startswith("BMS_API"):
        get_catalog.cache_clear()
