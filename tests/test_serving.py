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
