import pytest
from django.core.cache import caches

from tests import factories

pytest_plugins = ["tests.support.pytest_plugin", "tests.support.redis_cluster_plugin"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _mail_sent_in_the_request(settings):
    """E-mail is sent in the request that commits, so tests see it at once (one test
    covers the background sender)."""
    settings.EMAIL_SEND_IN_BACKGROUND = False


@pytest.fixture(autouse=True)
def _clear_caches():
    for name in ("default", "ratelimit"):
        caches[name].clear()
    yield
    for name in ("default", "ratelimit"):
        caches[name].clear()


@pytest.fixture
def show(db):
    """A show tomorrow with 10 seats in two tiers (B1-B6 Prime ₹250, A1-A4 Classic ₹150;
    A4 is blocked)."""
    return factories.show_create()


@pytest.fixture(autouse=True)
def _fresh_store():
    """Every test starts with an empty booking store, and no memo of a database that
    the last test rolled back (whose user ids the next test may reuse; whose catalog
    the indexes kept in memory would still show)."""
    from booking.sales import sold_memo_clear
    from booking.stores import get_store
    from bookmyshow.signin_help import verified_memo_clear
    from tests.support.catalog import catalog_cold

    get_store.cache_clear()
    sold_memo_clear()
    verified_memo_clear()
    catalog_cold()
    yield
    get_store.cache_clear()
    sold_memo_clear()
    verified_memo_clear()
    catalog_cold()


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(
        "asha", "asha@example.com", "pass-word-123", first_name="Asha Rao"
    )


@pytest.fixture
def other_user(django_user_model):
    return django_user_model.objects.create_user("ravi", "ravi@example.com", "pass-word-456")
