"""pytest fixtures for a real three-primary Redis Cluster, started once per test session.

Why once per session: bringing a cluster up costs about two seconds (Redis keeps a fresh
primary out of ``cluster_state:ok`` for its first two seconds), far too slow per test; the
per-test client fixture instead gives every test an empty cluster by flushing it afterwards.

Register for the whole suite with, in ``tests/conftest.py`` (the top-level conftest)::

    pytest_plugins = ["tests.support.redis_cluster_plugin"]

or, per module, import the fixtures (``from tests.support.redis_cluster_plugin import
redis_cluster_url, redis_cluster_client  # noqa: F401``). Use one way or the other: a module
that imports the fixtures while the plugin is also registered gets its own session fixture,
hence a second cluster.
"""

from collections.abc import Iterator

import pytest
from redis.cluster import RedisCluster

from tests.support.redis_cluster import cluster_client, redis_cluster

__all__ = ["redis_cluster_client", "redis_cluster_url"]


@pytest.fixture(scope="session")
def redis_cluster_url() -> Iterator[str]:
    """``redis-cluster://127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3`` of a cluster that lives for
    the whole session and is killed (servers and temp dir) when the session ends."""
    with redis_cluster(masters=3) as cluster:
        yield cluster.url


@pytest.fixture
def redis_cluster_client(redis_cluster_url: str) -> Iterator[RedisCluster]:
    """A ``RedisCluster`` (``decode_responses=True``) on the session cluster.

    Afterwards every primary is emptied with FLUSHALL and its Lua script cache with SCRIPT
    FLUSH, so no test sees another's keys or loaded scripts (a leftover script would hide a
    NOSCRIPT path). The clean-up uses a client of its own, so a test that closed or
    reconfigured its client cannot skip it.
    """
    client = cluster_client(redis_cluster_url)
    try:
        yield client
    finally:
        client.close()
        admin = cluster_client(redis_cluster_url)
        try:
            admin.flushall()  # redis-py sends FLUSHALL to every primary
            admin.script_flush()  # likewise SCRIPT FLUSH
        finally:
            admin.close()
