"""Shared by the benchmarks: a scratch deployment (database, Redis prefix, gunicorn) and a
closed-loop HTTP load driver."""

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

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


class Gunicorn:
    def __init__(self, env: dict[str, str], *, workers: int, threads: int):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "bookmyshow.wsgi",
                "--config",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
            ],
            cwd=ROOT,
            env=env,
        )

    def __enter__(self) -> "Gunicorn":
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("gunicorn exited during start-up")
            try:
                requests.get(f"{self.url}/api/v1/auth/me", timeout=1)
                return self
            except requests.ConnectionError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not start")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)


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
