"""The process-local store: the contract, and the guard against a second serving process."""

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from booking.stores.memory import MemoryBookingStore, PartitionQueue
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


def test_a_partition_queue_serves_requests_one_at_a_time_in_arrival_order():
    queue = PartitionQueue()
    served: list[int] = []
    queue.enter()  # the request at the head holds its turn while the others arrive

    def request(n: int) -> None:
        queue.enter()
        served.append(n)
        queue.leave(rejected=n == 2)

    threads = []
    for n in range(1, 5):
        threads.append(threading.Thread(target=request, args=(n,)))
        threads[-1].start()
        deadline = time.monotonic() + 10
        while queue.waiting < n:  # each arrives after the one before it
            assert time.monotonic() < deadline, "a request never joined the queue"
            time.sleep(0.001)
    assert served == []
    queue.leave(rejected=False)
    for thread in threads:
        thread.join(timeout=10)
    assert served == [1, 2, 3, 4]
    assert (queue.waiting, queue.processed, queue.rejected) == (0, 5, 1)
    assert queue.longest_wait > 0
    queue.enter()  # an idle queue lets the next request straight in
    queue.leave(rejected=False)
    assert queue.processed == 6
