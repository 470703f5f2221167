"""The benchmark harness never leaves a server behind: not when it fails to start, not when
the code using it fails, not when a process ignores SIGTERM."""

import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from benchmarks.serverkit import Gunicorn
from tests.support.processes import (
    ProcessExited,
    child_pids,
    group_pids,
    managed_process,
    wait_for_http,
)

# Small apps of the tests' own: these tests are about the harness, not the booking site.
APPS = """
import time

def hanging(environ, start_response):  # accepts, never answers: probes get ReadTimeout
    time.sleep(3600)

def ok(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]

def busy(environ, start_response):  # 0.1 s of the processor, then "ok"
    deadline = time.process_time() + 0.1
    while time.process_time() < deadline:
        pass
    return ok(environ, start_response)
"""


def server_env(**overrides: str) -> dict[str, str]:
    """gunicorn.conf.py starts several workers only on a shared booking store: name one
    (the apps here never use it)."""
    return {**os.environ, "BOOKING_STORE_URL": "redis://127.0.0.1:6379/15", **overrides}


def wait_until(condition, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.fixture
def apps(tmp_path: Path) -> list[str]:
    """Gunicorn arguments that make ``apps:hanging`` and ``apps:ok`` importable."""
    (tmp_path / "apps.py").write_text(APPS)
    return ["--pythonpath", str(tmp_path)]


def test_a_server_that_never_answers_is_killed_with_all_its_workers(apps):
    """Each readiness probe ends in a ReadTimeout, which used to escape ``__enter__`` and
    leave the server running: now it only means "not ready yet", then the group goes."""
    server = Gunicorn(
        server_env(),
        workers=2,
        threads=1,
        app="apps:hanging",
        ready_timeout=3,
        stop_timeout=1,  # gunicorn's own graceful stop waits 10s: this forces the SIGKILL
        extra_args=apps,
    )
    seen: list[int] = []
    done = threading.Event()

    def watch() -> None:  # how big the group got while start-up was failing
        while not done.is_set():
            if server.process is not None:
                seen.extend(group_pids(server.pgid))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    started = time.monotonic()
    try:
        with pytest.raises(TimeoutError), server:
            pytest.fail("a server that never answers was reported ready")
    finally:
        done.set()
        watcher.join()
    assert len(set(seen)) >= 3, "expected the master and two workers to have run"
    assert group_pids(server.pgid) == []
    assert [pid for pid in set(seen) if alive(pid)] == []
    assert time.monotonic() - started < 3 + 1 + 5


def test_a_server_that_exits_during_start_up_fails_fast():
    # Several workers on the process-local store: gunicorn.conf.py refuses to start.
    server = Gunicorn(
        server_env(BOOKING_STORE_URL="memory://"), workers=2, threads=1, ready_timeout=60
    )
    started = time.monotonic()
    with pytest.raises(ProcessExited), server:
        pass
    assert time.monotonic() - started < 30
    assert group_pids(server.pgid) == []


def test_a_killed_worker_is_replaced_and_the_group_goes_on_exit(apps):
    with Gunicorn(
        server_env(), workers=2, threads=2, app="apps:ok", ready_path="/", extra_args=apps
    ) as server:
        wait_until(lambda: len(server.worker_pids()) == 2)
        victim = server.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        wait_until(lambda: len(server.worker_pids()) == 2 and victim not in server.worker_pids())
        assert requests.get(f"{server.url}/", timeout=10).text == "ok"
        pgid = server.pgid
    assert group_pids(pgid) == []


def test_worker_usage_counts_what_serving_requests_costs_the_workers(apps):
    with Gunicorn(
        server_env(), workers=1, threads=2, app="apps:busy", ready_path="/", extra_args=apps
    ) as server:
        seconds, waits = server.worker_usage()
        with requests.Session() as session:
            for _ in range(10):
                assert session.get(f"{server.url}/", timeout=10).text == "ok"
        after_seconds, after_waits = server.worker_usage()
    # Each request is waited for (the worker blocks until it arrives), at least once, and
    # each took 0.1 s of the worker's processor.
    assert after_waits - waits >= 10
    assert after_seconds - seconds >= 0.9


def test_the_group_goes_when_the_code_using_the_server_fails(apps):
    groups: list[int] = []

    def failing_benchmark() -> None:
        with Gunicorn(
            server_env(),
            workers=2,
            threads=1,
            app="apps:ok",
            ready_path="/",
            extra_args=apps,
        ) as server:
            groups.append(server.pgid)
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        failing_benchmark()
    assert group_pids(groups[0]) == []


def test_managed_process_kills_a_group_that_ignores_sigterm():
    script = 'trap "" TERM; sleep 60 & sleep 60'  # a child too, in the same group
    started = time.monotonic()
    with managed_process(["sh", "-c", script], stop_timeout=0.5) as process:
        wait_until(lambda: len(group_pids(process.pid)) == 3)
    assert group_pids(process.pid) == []
    assert process.returncode == -signal.SIGKILL
    assert time.monotonic() - started < 5


def test_wait_for_http_takes_a_silent_listener_for_not_ready():
    with socket.create_server(("127.0.0.1", 0)) as listener:  # connects, never answers
        port = listener.getsockname()[1]
        with pytest.raises(TimeoutError):
            wait_for_http(f"http://127.0.0.1:{port}/", timeout=1, request_timeout=0.2)


def test_wait_for_http_fails_fast_when_the_process_died():
    with managed_process([sys.executable, "-c", "raise SystemExit(3)"]) as process:
        started = time.monotonic()
        with pytest.raises(ProcessExited, match="status 3"):
            wait_for_http("http://127.0.0.1:9/", timeout=30, process=process)
        assert time.monotonic() - started < 5


@pytest.fixture(autouse=True)
def _no_strays() -> Iterator[None]:
    """Belt and braces: nothing these tests started may remain a child of pytest (the
    session's own servers, such as the Redis Cluster, were there before)."""
    before = set(child_pids(os.getpid()))
    yield
    assert set(child_pids(os.getpid())) - before == set()


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"
