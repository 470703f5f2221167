"""Serving with several processes: the process-local store must not go unnoticed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

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


@pytest.mark.parametrize("preload", [False, True])
def test_two_workers_on_the_process_local_store_are_refused_without_the_config_too(
    tmp_path, preload
):
    """The guard also runs when the application starts, so gunicorn started from another
    directory, without gunicorn.conf.py, cannot serve two workers on memory:// either,
    whether the workers load the site or inherit it from the master (--preload)."""
    env = {
        **os.environ,
        "BOOKING_STORE_URL": "memory://",
        "SQLITE_PATH": str(tmp_path / "site.sqlite3"),
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bookmyshow.wsgi",
            *("--config", "/dev/null", "--workers", "2", "--bind", "127.0.0.1:0"),
            "--no-control-socket",
            *(["--preload"] if preload else []),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "Another process already serves this site" in result.stderr


def test_production_static_urls_never_fail_a_page_before_collectstatic(tmp_path):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "localhost",
    }
    code = "from django.templatetags.static import static; print(static('posters/placeholder.svg'))"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("/static/posters/placeholder.svg")
