"""The catalog's domain values."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from catalog.domain import ShowTime


@pytest.mark.parametrize(
    ("format", "screen_name", "what"),
    [
        ("2D", "Audi 1", "2D · Audi 1"),
        ("IMAX", "IMAX", "IMAX"),
        ("IMAX", "Imax", "IMAX"),
        ("", "Audi 1", "Audi 1"),
        ("3D", "", "3D"),
        ("", "", ""),
    ],
)
def test_a_show_time_says_its_format_and_screen_each_once(format, screen_name, what):
    show_time = ShowTime(
        show_id="s",
        start_time=datetime(2026, 11, 27, 14, 30, tzinfo=UTC),
        price=Decimal(200),
        capacity=10,
        blocked_count=0,
        screen_name=screen_name,
        format=format,
    )

    assert show_time.what == what
