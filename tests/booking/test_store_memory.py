"""The process-local store: the contract, and the guard against a second serving process."""

import subprocess
import sys
from pathlib import Path

import pytest

from booking.stores.memory import MemoryBookingStore
from tests.booking.store_contract import StoreContract

ROOT = Path(__file__).resolve().parents[2]


class TestMemoryStore(StoreContract):
    @pytest.fixture
    def store(self):
        return MemoryBookingStore()


def serving(lock_name, **popen):
    """A process that takes the serving lock of the site ``lock_name``, says so, and
    serves until its input closes."""
    check = (
        "import django; django.setup(); "
        "from booking.stores.memory import check_single_process as check; "
        f"check('{lock_name}'); print('serving', flush=True); import sys; sys.stdin.read()"
    )
    env = {"DJANGO_SETTINGS_MODULE": "bookmyshow.settings", "PATH": "/usr/bin:/bin"}
    return subprocess.Popen(
        [sys.executable, "-c", check],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def test_a_second_process_serving_the_same_site_on_the_memory_store_is_refused(tmp_path):
    site = str(tmp_path / "one.sqlite3")
    first = serving(site)
    try:
        assert first.stdout.readline() == "serving\n"
        _, refused = serving(site).communicate("", timeout=60)
        assert "Another process already serves this site" in refused
    finally:
        first.kill()
        first.wait(timeout=10)
    # Once the first process is gone, however it ended, the site can be served again.
    again = serving(site)
    try:
        assert again.stdout.readline() == "serving\n"
    finally:
        again.kill()
        again.wait(timeout=10)
