"""Real Chromium (Debian's) driven by Playwright against a live server started by pytest.

The live server runs in a thread of the test process, so it shares the process-local
booking store with the test; settings changed by a test apply to it too.
"""

import os
import shutil
from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: .ci/run installs Debian's chromium package.")
        pytest.skip("Chromium is not installed (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM, used by the
    # tests' own set-up code, refuses that unless told it is safe (it is: the loop only
    # drives the browser). Only while a module of browser tests runs.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def remembering_browser(browser):
    """A second Chromium that keeps pages in its back-forward cache, as browsers do for
    their users (Playwright turns the cache off unless told not to)."""
    remembering = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        ignore_default_args=["--disable-back-forward-cache"],
    )
    yield remembering
    remembering.close()


@pytest.fixture
def new_page(browser, live_server):
    """Opens pages in fresh browser contexts (separate cookies); closes them after."""
    contexts = []

    def open_page(*, user=None, width=1280, height=900, touch=False):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            base_url=live_server.url,
            has_touch=touch,
            is_mobile=touch,
        )
        if user is not None:
            from django.test import Client

            client = Client()
            client.force_login(user)
            cookie = client.cookies["sessionid"]
            context.add_cookies(
                [{"name": "sessionid", "value": cookie.value, "url": live_server.url}]
            )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def show(transactional_db):
    """A show tomorrow at 8 PM (the live server runs in another thread: real commits)."""
    start = timezone.localtime(timezone.now() + timedelta(days=1)).replace(
        hour=20, minute=0, second=0, microsecond=0
    )
    return factories.show_create(start_time=start)


@pytest.fixture
def imax_show(transactional_db):
    """A show of the demo's 612-seat IMAX hall, tomorrow at 8 PM."""
    start = timezone.localtime(timezone.now() + timedelta(days=1)).replace(
        hour=20, minute=0, second=0, microsecond=0
    )
    return factories.demo_show_create("IMAX", start_time=start)


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(
        "asha", "asha@example.com", "pass-word-123", first_name="Asha", last_name="Rao"
    )
