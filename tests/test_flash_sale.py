"""The flash sale, in its short form: 4 gunicorn workers on the Redis store, 50 clients,
2,000 hold attempts at a 240-seat show, then checkout. The script asserts no double sale,
full accounting and no 5xx; this test runs it and keeps its report in the output."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.loadtest
def test_flash_sale_sells_no_seat_twice_and_answers_no_5xx():
    result = subprocess.run(
        [
            sys.executable,
            "benchmarks/flash_sale.py",
            "--attempts",
            "2000",
            "--clients",
            "50",
            "--workers",
            "4",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "seats sold: " in result.stdout
    assert "FAILED" not in result.stdout
