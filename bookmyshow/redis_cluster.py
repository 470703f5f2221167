"""Redis Cluster addresses (``redis-cluster://host:port[,host:port…]``) and a Django cache
backend on a cluster, for the rate-limit counters when the booking store runs on one.

redis-py's ``RedisCluster.from_url`` takes one node only; listing several seeds means one
dead node does not stop the client from finding the cluster.
"""

import re
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

SCHEME = "redis-cluster"
_NODE = re.compile(r"(?P<host>[A-Za-z0-9.-]+):(?P<port>\d{1,5})")


def cluster_nodes(url: str) -> list[tuple[str, int]]:
    """The ``(host, port)`` seeds of a cluster URL. Raises ``ValueError`` naming the URL
    for anything else (another scheme, credentials, a path, a node without a port)."""
    scheme, _, rest = url.partition("://")
    nodes = []
    for entry in rest.split(",") if scheme == SCHEME else [""]:
        match = _NODE.fullmatch(entry)
        if not match or not 1 <= int(match["port"]) <= 65535:
            raise ValueError(f"Not a Redis Cluster URL: {url!r} (write {SCHEME}://host:port,…)")
        nodes.append((match["host"], int(match["port"])))
    return nodes


def cluster_client(url: str, **options: Any) -> Any:
    from redis.cluster import ClusterNode, RedisCluster

    seeds = [ClusterNode(host, port) for host, port in cluster_nodes(url)]
    return RedisCluster(startup_nodes=seeds, **options)


class _ClusterCacheClient(RedisCacheClient):
    def __init__(self, servers: list[str], **options: Any) -> None:
        super().__init__(servers, **options)
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        self._cluster = cluster_client(
            servers[0],
            socket_connect_timeout=options.get("socket_connect_timeout", 0.5),
            socket_timeout=options.get("socket_timeout", 0.5),
            retry=Retry(NoBackoff(), 0),
        )

    def get_client(self, key=None, *, write=False):
        return self._cluster


class RedisClusterCache(RedisCache):
    """Django's Redis cache, on a cluster: ``LOCATION`` is a ``redis-cluster://`` URL."""

    def __init__(self, server: str, params: dict) -> None:
        super().__init__(server, params)
        self._servers = [server]  # one URL naming every seed, not a list of servers
        self._class = _ClusterCacheClient
