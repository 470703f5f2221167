"""Fixtures over the support modules. Register with, in ``tests/conftest.py``::

    pytest_plugins = ["tests.support.pytest_plugin"]

(or ``-p tests.support.pytest_plugin`` on the command line).
"""

from collections.abc import Callable, Iterator

import pytest

from benchmarks.tcp_proxy import FaultProxy
from tests.support import postgres


@pytest.fixture
def private_postgres() -> Iterator[postgres.PrivatePostgres]:
    """A PostgreSQL cluster of this test's own (about a second to start): stop, restart or
    crash it freely. Always stopped and deleted afterwards."""
    with postgres.private_postgres() as server:
        yield server


@pytest.fixture
def fault_proxy() -> Iterator[Callable[[tuple[str, int]], FaultProxy]]:
    """Make ``FaultProxy`` objects in front of (host, port) targets; all are closed after
    the test."""
    proxies: list[FaultProxy] = []

    def make(target: tuple[str, int]) -> FaultProxy:
        proxies.append(FaultProxy(target))
        return proxies[-1]

    yield make
    for proxy in proxies:
        proxy.close()
