"""Serving with several processes: the process-local store must not go unnoticed."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_gunicorn_refuses_several_workers_on_the_process_local_store():
    env = {**os.environ, "BOOKING_STORE_URL": "memory://"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bookmyshow.wsgi",
            "--config",
            "gunicorn.conf.py",
            "--workers",
            "2",
            "--bind",
            "127.0.0.1:0",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "Refusing to start 2 worker processes with the process-local booking store" in (
        result.stderr
    )
