import pytest
from django.core.cache import cache

from tests import factories


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def show(db):
    """A show tomorrow with 10 seats in two tiers (B1-B6 Prime ₹250, A1-A4 Classic ₹150;
    A4 is blocked)."""
    return factories.show_create()
