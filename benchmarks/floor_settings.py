"""Settings of the server that ``booking_bench`` drives: the project's own, with the
project's URLs and one bench-only endpoint after them (``benchmarks.floor_urls``)."""

from bookmyshow.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.floor_urls"
