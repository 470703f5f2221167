"""Shared by the benchmarks: a scratch deployment (database, Redis prefix, gunicorn) and a
closed-loop HTTP load driver."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def scratch_env(**overrides: str) -> dict[str, str]:
    """Environment of a throwaway production-like deployment on this machine."""
    scratch = tempfile.mkdtemp(prefix="bms-bench-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bookmyshow.settings",
        "SQLITE_PATH": f"{scratch}/bench.sqlite3",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "HOLD_RATE_LIMIT": "100000000/min",
        "LOG_LEVEL": "ERROR",
        **overrides,
    }
    os.environ.update(env)
    return env


class ProcessExited(RuntimeError):
    """The server being waited for died during start-up."""


def _proc_stats() -> Iterator[tuple[int, int, int, str]]:
    """(pid, parent pid, process group, state) of every process, from /proc."""
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                # The command name, in parentheses, may hold spaces: split after it.
                fields = stat.read().rpartition(")")[2].split()
        except OSError:
            continue  # exited meanwhile
        yield int(entry.name), int(fields[1]), int(fields[2]), fields[0]


def group_pids(pgid: int) -> list[int]:
    """Living members of process group ``pgid``; zombies (dead, unreaped) do not count."""
    return [pid for pid, _, group, state in _proc_stats() if group == pgid and state != "Z"]


def child_pids(pid: int) -> list[int]:
    """Living direct children of ``pid``."""
    return [child for child, parent, _, state in _proc_stats() if parent == pid and state != "Z"]


def stop_process_group(process: subprocess.Popen[Any], timeout: float = 10) -> None:
    """SIGTERM the group that ``process`` leads, give it ``timeout`` seconds to go, then
    SIGKILL whatever is left of it, and reap the leader."""
    pgid = process.pid  # a session leader: its pid is its group's id
    # Signal only a group that still has members: an empty one's id may be reused.
    if group_pids(pgid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while group_pids(pgid) and time.monotonic() < deadline:
        process.poll()  # reaps the leader once it exits, lest it stay a zombie
        time.sleep(0.05)
    if group_pids(pgid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 5
    while group_pids(pgid) and time.monotonic() < deadline:
        time.sleep(0.01)  # SIGKILL is delivered, not yet acted on: return once it has been


@contextlib.contextmanager
def managed_process(
    args: Sequence[str], *, stop_timeout: float = 10, **popen_kwargs: Any
) -> Iterator[subprocess.Popen[Any]]:
    """Run ``args`` in a process group of its own; on exit, whatever happened, terminate
    the whole group (the process and every child it forked), killing it if it lingers."""
    process = subprocess.Popen(args, start_new_session=True, **popen_kwargs)
    try:
        yield process
    finally:
        stop_process_group(process, stop_timeout)


def wait_for_http(
    url: str,
    timeout: float,
    process: subprocess.Popen[Any] | None = None,
    *,
    interval: float = 0.2,
    request_timeout: float = 1,
) -> requests.Response:
    """Poll ``url`` until a GET gets any answer at all, and return it. Any exception counts
    as "not ready yet": a server that is starting may refuse, reset, or accept and then not
    answer in time. Raises ProcessExited as soon as ``process`` has died, TimeoutError when
    ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            raise ProcessExited(f"exited with status {process.returncode} during start-up")
        try:
            return requests.get(url, timeout=request_timeout)
        except Exception:  # every failure means the same: not yet
            pass
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{url} did not answer within {timeout:g}s")
        time.sleep(interval)


class Gunicorn:
    """A gunicorn serving ``app`` on a free port for the length of a ``with`` block.

    It runs in a process group of its own, so master and workers go together: on a failed
    start (timeout, crash, Ctrl-C) and on exit, the group is terminated, then killed. An
    orphaned server would otherwise keep CI waiting until its job times out."""

    def __init__(
        self,
        env: dict[str, str],
        *,
        workers: int,
        threads: int,
        app: str = "bookmyshow.wsgi",
        ready_path: str = "/api/v1/auth/me",
        ready_timeout: float = 30,
        stop_timeout: float = 15,
        extra_args: Sequence[str] = (),
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.args = [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "--config",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            # One fixed path (~/.gunicorn/gunicorn.ctl) for every server: concurrent ones
            # would take it from each other, and nothing here uses it.
            "--no-control-socket",
            *extra_args,
        ]
        self.env = env
        self.ready_path = ready_path
        self.ready_timeout = ready_timeout
        self.stop_timeout = stop_timeout
        self.process: subprocess.Popen[Any] | None = None
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> "Gunicorn":
        self.process = self._stack.enter_context(
            managed_process(self.args, stop_timeout=self.stop_timeout, cwd=ROOT, env=self.env)
        )
        try:
            wait_for_http(self.url + self.ready_path, self.ready_timeout, self.process)
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stack.close()

    @property
    def pgid(self) -> int:
        assert self.process is not None, "not started"
        return self.process.pid

    def worker_pids(self) -> list[int]:
        """The workers' pids (children of the master), e.g. for a test to kill one."""
        assert self.process is not None, "not started"
        return child_pids(self.process.pid)

    def worker_usage(self) -> tuple[float, int]:
        """Processor seconds the workers have used so far, and the times their threads
        have waited (voluntary context switches: a lock, Python's among them, or I/O)."""
        seconds, waits = 0.0, 0
        for pid in self.worker_pids():
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rpartition(")")[2].split()
            seconds += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            for task in os.scandir(f"/proc/{pid}/task"):
                with contextlib.suppress(OSError), open(f"{task.path}/status") as status:
                    waits += sum(
                        int(line.split()[1])
                        for line in status
                        if line.startswith("voluntary_ctxt_switches")
                    )
        return seconds, waits


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def drive(
    tokens: list[str], total: int, request: Callable[[requests.Session, int, int], int]
) -> tuple[float, list[int], list[float]]:
    """Send ``total`` requests from one thread per token (closed loop), all starting at a
    barrier. ``request(session, client_index, n)`` returns the status code. Returns
    requests per second, the status codes and each request's latency in seconds."""
    counter = iter(range(total))
    lock = threading.Lock()
    statuses: list[int] = []
    latencies: list[float] = []
    barrier = threading.Barrier(len(tokens) + 1)

    def client(index: int, token: str) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Token {token}"
        barrier.wait()
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            started = time.perf_counter()
            status = request(session, index, n)
            elapsed = time.perf_counter() - started
            with lock:
                statuses.append(status)
                latencies.append(elapsed)

    threads = [threading.Thread(target=client, args=(i, t)) for i, t in enumerate(tokens)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return total / (time.perf_counter() - started), statuses, latencies
