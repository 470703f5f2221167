"""A cold catalog, as a process that has just started has it: no copy of the catalog's
version in the cache and no index kept in memory. Tests that count the queries of a
page read from scratch start from here."""

from django.core.cache import cache

from catalog.sources import get_catalog


def catalog_cold() -> None:
    cache.clear()
    get_catalog.cache_clear()
