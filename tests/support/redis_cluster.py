"""A real, throwaway Redis Cluster that a test session starts and tears down itself.

Why a real cluster: the booking engine's cluster store depends on behaviour that neither a
single Redis nor a mock shows - hash-slot routing, the server refusing multi-key scripts
whose keys span slots (CROSSSLOT), and every primary keeping its *own* Lua script cache
(NOSCRIPT on a node that never saw SCRIPT LOAD).

Why so careful about processes: an orphaned ``redis-server`` keeps CI's job alive until it
times out. Every server therefore runs in its own process group, is asked to die by the
Linux kernel if the test process itself is killed (``PR_SET_PDEATHSIG``), and is killed
group-wide on exit from :func:`redis_cluster` whatever went wrong, start-up included.
"""

import contextlib
import ctypes
import ipaddress
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis
from redis.cluster import ClusterNode, RedisCluster

__all__ = [
    "CLUSTER_SLOTS",
    "RedisClusterHandle",
    "RedisClusterStartError",
    "cluster_client",
    "parse_cluster_url",
    "redis_cluster",
]

CLUSTER_SLOTS = 16384
CLUSTER_URL_SCHEME = "redis-cluster"
HOST = "127.0.0.1"
# Redis Cluster's node-to-node bus always listens on the client port + 10000.
BUS_PORT_OFFSET = 10000
# Client ports are drawn from here so that both a port and its bus port (25000-32767) stay
# below Linux's default ephemeral range (32768+): an outgoing connection elsewhere in the
# test run can then never grab a port between our "is it free?" check and redis binding it.
_PORT_RANGE = (15000, 22767)
_STOP_GRACE_SECONDS = 5.0
_PING_TIMEOUT_SECONDS = 10.0
_CREATE_TIMEOUT_SECONDS = 30.0
_CLUSTER_OK_TIMEOUT_SECONDS = 15.0
_BIND_RETRIES = 5
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# Looked up here, in the parent: loading a library between fork and exec can deadlock on a
# lock another thread held at fork time.
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform == "linux" else None

_HOST_RE = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
)
_PORT_RE = re.compile(r"[0-9]{1,5}")


class RedisClusterStartError(RuntimeError):
    """The throwaway cluster could not be brought up; the message carries the server logs
    so a CI failure can be diagnosed without re-running it."""


def parse_cluster_url(url: str) -> list[tuple[str, int]]:
    """Parse ``redis-cluster://host:port[,host:port...]`` into ``[(host, port), ...]``.

    Why a scheme of our own: redis-py's ``RedisCluster.from_url`` accepts one
    ``redis://host:port`` only, so a single unreachable seed node would stop the client from
    discovering the cluster at all. Listing several seeds in one setting avoids that.

    Strict on purpose - a typo in a deployment setting should fail loudly at start-up, not
    become a client pointed at the wrong place. Rejected with :class:`ValueError` (naming the
    URL, credentials masked): another scheme, user info, a path, query or fragment, an empty
    entry, a missing or out-of-range port, a bracketed IPv6 address or any other host that is
    not a DNS name or IPv4 address. Order is kept and duplicates are allowed.
    """
    if not isinstance(url, str):
        raise ValueError(f"Redis Cluster URL must be a string, got {url!r}")

    def malformed(reason: str) -> ValueError:
        return ValueError(f"malformed Redis Cluster URL {_mask_credentials(url)!r}: {reason}")

    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() != CLUSTER_URL_SCHEME:
        raise malformed(f"expected {CLUSTER_URL_SCHEME}://host:port[,host:port...]")
    if "@" in rest:
        raise malformed("user info is not supported")
    if any(ch in rest for ch in "/?#"):
        raise malformed("a path, query or fragment is not supported")
    if not rest:
        raise malformed("no nodes listed")

    nodes: list[tuple[str, int]] = []
    for entry in rest.split(","):
        host, colon, port_text = entry.rpartition(":")
        if not colon:
            raise malformed(f"node {entry!r} has no port")
        if not _is_valid_host(host):
            raise malformed(f"node {entry!r} has an invalid host (IPv6 is not supported)")
        if not _PORT_RE.fullmatch(port_text) or not 1 <= int(port_text) <= 65535:
            raise malformed(f"node {entry!r} has an invalid port")
        nodes.append((host, int(port_text)))
    return nodes


def _is_valid_host(host: str) -> bool:
    """A DNS name or a dotted-quad IPv4 address (all-digit names such as ``1.2.3`` or
    ``999.0.0.1`` are mistyped addresses, not names)."""
    if not _HOST_RE.fullmatch(host):
        return False
    if host.replace(".", "").isdigit():
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return False
    return True


def cluster_client(url: str, **kwargs: Any) -> RedisCluster:
    """A :class:`redis.cluster.RedisCluster` seeded with every node of a ``redis-cluster://``
    URL (see :func:`parse_cluster_url`), so one dead seed does not stop discovery.

    ``decode_responses=True`` unless overridden; other keyword arguments (``socket_timeout``,
    ``retry``, ...) go to the client unchanged. The caller owns the client and closes it.
    """
    kwargs.setdefault("decode_responses", True)
    startup_nodes = [ClusterNode(host, port) for host, port in parse_cluster_url(url)]
    return RedisCluster(startup_nodes=startup_nodes, **kwargs)


def _mask_credentials(url: str) -> str:
    """Hide anything that looks like user info so an error message never leaks a password."""
    return re.sub(r"(://).*@", r"\1***@", url)


@dataclass(frozen=True)
class RedisClusterHandle:
    """What a running throwaway cluster offers to tests.

    ``nodes`` are ``"127.0.0.1:port"`` strings (one per primary, in start order), ``url``
    is the ``redis-cluster://`` form the application settings use, ``tempdir`` holds each
    node's ``nodes-<port>.conf`` and ``redis-<port>.log``.
    """

    nodes: list[str]
    url: str
    tempdir: Path

    @property
    def ports(self) -> list[int]:
        """The client ports of the primaries, in start order."""
        return [int(node.rpartition(":")[2]) for node in self.nodes]

    def client(self, **kwargs: Any) -> RedisCluster:
        """A new :class:`redis.cluster.RedisCluster` seeded with every node; see
        :func:`cluster_client` for the keyword arguments. The caller closes it."""
        return cluster_client(self.url, **kwargs)


@contextlib.contextmanager
def redis_cluster(masters: int = 3) -> Iterator[RedisClusterHandle]:
    """Start a ``masters``-primary Redis Cluster (no replicas) on 127.0.0.1; stop it on exit.

    Yields once every node reports ``cluster_state:ok`` with all 16384 slots assigned and
    knows every other node, so the first command of a test is never refused with CLUSTERDOWN.
    On exit - normal, exception, ``KeyboardInterrupt`` or a failure half-way through start-up
    - every server's process group gets SIGTERM, then SIGKILL after 5 s, and the temporary
    directory is removed.

    Raises :class:`RedisClusterStartError` when ``redis-server``/``redis-cli`` are missing or
    the cluster does not come up, and :class:`ValueError` for fewer than 3 masters (the
    minimum ``redis-cli --cluster create`` accepts).
    """
    if masters < 3:
        raise ValueError(f"a Redis Cluster needs at least 3 masters, got {masters}")
    for binary in ("redis-server", "redis-cli"):
        if shutil.which(binary) is None:
            raise RedisClusterStartError(
                f"{binary} is not on PATH; install redis-server/redis-tools"
            )

    tempdir = Path(tempfile.mkdtemp(prefix="redis-cluster-"))
    procs: dict[int, subprocess.Popen[bytes]] = {}
    try:
        ports = _start_servers(masters, tempdir, procs)
        _create_cluster(ports, tempdir)
        _wait_for_cluster_ok(ports, tempdir)
        nodes = [f"{HOST}:{port}" for port in ports]
        yield RedisClusterHandle(
            nodes=nodes,
            url=f"{CLUSTER_URL_SCHEME}://{','.join(nodes)}",
            tempdir=tempdir,
        )
    finally:
        _stop_servers(list(procs.values()))
        shutil.rmtree(tempdir, ignore_errors=True)


def _start_servers(
    masters: int, tempdir: Path, procs: dict[int, subprocess.Popen[bytes]]
) -> list[int]:
    """Start the servers side by side (faster than one after another) and wait for PING.

    Every process is recorded in ``procs`` the moment it exists, so the caller's cleanup sees
    it even if waiting fails. A server that lost a race for its port (another process bound
    it after our check) is replaced by one on a fresh port, up to a few times.
    """
    taken: set[int] = set()
    ports: list[int] = []
    for _ in range(masters):
        port = _pick_free_port(taken)
        procs[port] = _spawn_server(port, tempdir)
        ports.append(port)

    for index in range(len(ports)):
        for _attempt in range(_BIND_RETRIES):
            port = ports[index]
            if _wait_for_ping(port, procs[port], tempdir):
                break
            log = _log_tail(tempdir, port)
            if "Address already in use" not in log:
                raise RedisClusterStartError(f"redis-server on port {port} died:\n{log}")
            port = _pick_free_port(taken)
            procs[port] = _spawn_server(port, tempdir)
            ports[index] = port
        else:
            raise RedisClusterStartError(
                f"could not find free ports for node {index} after {_BIND_RETRIES} attempts"
            )
    return ports


def _pick_free_port(taken: set[int]) -> int:
    """A port whose own and bus (+10000) ports are both bindable on 127.0.0.1 right now.

    ``taken`` holds ports already handed out in this cluster (and is updated), so two nodes
    never share a port and no node's port is another node's bus port.
    """
    for _ in range(1000):
        port = random.randint(*_PORT_RANGE)
        if {port, port + BUS_PORT_OFFSET} & taken:
            continue
        if _is_bindable(port) and _is_bindable(port + BUS_PORT_OFFSET):
            taken.update({port, port + BUS_PORT_OFFSET})
            return port
    raise RedisClusterStartError(f"no free port pair in {_PORT_RANGE} on {HOST}")


def _is_bindable(port: int) -> bool:
    """Whether a listening socket could be bound to ``port`` now (no SO_REUSEADDR, so a port
    lingering in TIME_WAIT also counts as busy - stricter than redis needs)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def _spawn_server(port: int, tempdir: Path) -> subprocess.Popen[bytes]:
    """Launch one cluster-enabled, persistence-free redis-server in its own process group."""
    args = [
        "redis-server",
        "--port", str(port),
        "--bind", HOST,
        "--cluster-enabled", "yes",
        "--cluster-config-file", f"nodes-{port}.conf",
        "--cluster-node-timeout", "2000",
        "--save", "",
        "--appendonly", "no",
        "--dir", str(tempdir),
        "--daemonize", "no",
        "--protected-mode", "no",
    ]  # fmt: skip
    with _log_path(tempdir, port).open("ab") as log:
        return subprocess.Popen(
            args,
            cwd=tempdir,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent if _prctl is not None else None,
        )


def _die_with_parent() -> None:
    """Runs in the child between fork and exec: ask Linux to SIGKILL it when the test process
    dies, so even a SIGKILLed pytest (which skips every ``finally``) leaves no server behind.

    The signal follows the *thread* that started the server; the context manager keeps
    that thread inside the ``with`` block, so the servers never outlive their user anyway.
    """
    parent = os.getppid()
    assert _prctl is not None
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _wait_for_ping(port: int, proc: subprocess.Popen[bytes], tempdir: Path) -> bool:
    """True once *our* server answers PING; False if it exited first. Raises on time-out.

    The answering server must report our process id: if another Redis grabbed the port
    first, ours is about to exit with "Address already in use", and the foreign server
    must not be mistaken for it (and then be joined into, and flushed by, our cluster).
    """
    deadline = time.monotonic() + _PING_TIMEOUT_SECONDS
    client = redis.Redis(host=HOST, port=port, socket_connect_timeout=0.2, socket_timeout=1)
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                return False
            with contextlib.suppress(redis.ConnectionError, redis.TimeoutError):
                if client.ping() and client.info("server").get("process_id") == proc.pid:
                    return True
            time.sleep(0.02)
    finally:
        client.close()
    raise RedisClusterStartError(
        f"redis-server on port {port} did not answer PING within {_PING_TIMEOUT_SECONDS} s:\n"
        + _log_tail(tempdir, port)
    )


def _create_cluster(ports: list[int], tempdir: Path) -> None:
    """Assign the slots and introduce the nodes to each other, as an operator would."""
    command = [
        "redis-cli",
        "--cluster", "create",
        *(f"{HOST}:{port}" for port in ports),
        "--cluster-replicas", "0",
        "--cluster-yes",
    ]  # fmt: skip
    try:
        result = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=_CREATE_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise RedisClusterStartError(
            f"redis-cli --cluster create timed out after {_CREATE_TIMEOUT_SECONDS} s:\n"
            f"{exc.stdout}\n{exc.stderr}\n{_all_logs(ports, tempdir)}"
        ) from exc
    plain = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)  # redis-cli colours its output
    if result.returncode != 0 or f"[OK] All {CLUSTER_SLOTS} slots covered" not in plain:
        raise RedisClusterStartError(
            f"redis-cli --cluster create failed ({result.returncode}):\n"
            f"{plain}\n{result.stderr}\n{_all_logs(ports, tempdir)}"
        )


def _wait_for_cluster_ok(ports: list[int], tempdir: Path) -> None:
    """Wait until *every* node sees a healthy cluster with all slots and all peers.

    ``redis-cli`` returns once the config epochs agree, but gossip can still be spreading; a
    client that bootstraps from a node that does not yet know everyone would get a partial
    slot map, and a node not yet in ``cluster_state:ok`` answers CLUSTERDOWN.
    """
    deadline = time.monotonic() + _CLUSTER_OK_TIMEOUT_SECONDS
    pending = list(ports)
    last_info: dict[int, dict[str, str]] = {}
    while pending and time.monotonic() < deadline:
        for port in list(pending):
            info = _cluster_info(port)
            last_info[port] = info
            if (
                info.get("cluster_state") == "ok"
                and info.get("cluster_slots_assigned") == str(CLUSTER_SLOTS)
                and info.get("cluster_slots_ok") == str(CLUSTER_SLOTS)
                and info.get("cluster_known_nodes") == str(len(ports))
            ):
                pending.remove(port)
        if pending:
            time.sleep(0.05)
    if pending:
        raise RedisClusterStartError(
            f"nodes {pending} not healthy within {_CLUSTER_OK_TIMEOUT_SECONDS} s; "
            f"last CLUSTER INFO: {last_info}\n{_all_logs(ports, tempdir)}"
        )


def _cluster_info(port: int) -> dict[str, str]:
    """``CLUSTER INFO`` of one node as a dict of strings (empty if it cannot be asked)."""
    client = redis.Redis(
        host=HOST, port=port, socket_connect_timeout=0.5, socket_timeout=1, decode_responses=True
    )
    try:
        raw = client.execute_command("CLUSTER INFO")
    except redis.RedisError:
        return {}
    finally:
        client.close()
    if isinstance(raw, dict):  # redis-py parses CLUSTER INFO itself
        return {str(k): str(v) for k, v in raw.items()}
    return dict(
        line.split(":", 1) for line in str(raw).splitlines() if ":" in line
    )  # pragma: no cover - older redis-py returned the raw text


def _stop_servers(procs: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM every server's process group, wait up to 5 s in total, SIGKILL what is left.

    The final SIGKILL goes to each group *before* its leader is reaped: an exited but
    unreaped leader still pins its process-group id, so the signal cannot reach an unrelated
    process that happens to reuse the id.
    """
    for proc in procs:
        _signal_group(proc, signal.SIGTERM)
    deadline = time.monotonic() + _STOP_GRACE_SECONDS
    for proc in procs:
        while not _has_exited(proc) and time.monotonic() < deadline:
            time.sleep(0.01)
    for proc in procs:
        _signal_group(proc, signal.SIGKILL)
        proc.wait()


def _signal_group(proc: subprocess.Popen[bytes], signum: int) -> None:
    """Signal the process group led by ``proc`` unless ``proc`` has already been reaped."""
    if proc.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signum)


def _has_exited(proc: subprocess.Popen[bytes]) -> bool:
    """Whether ``proc`` has exited, *without* reaping it (see :func:`_stop_servers`)."""
    if proc.returncode is not None:
        return True
    try:
        status = os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return True
    return status is not None


def _log_path(tempdir: Path, port: int) -> Path:
    return tempdir / f"redis-{port}.log"


def _log_tail(tempdir: Path, port: int, lines: int = 30) -> str:
    """The end of one server's log, for error messages."""
    try:
        text = _log_path(tempdir, port).read_text(errors="replace")
    except OSError:
        return f"(no log for port {port})"
    return "\n".join(text.splitlines()[-lines:])


def _all_logs(ports: list[int], tempdir: Path) -> str:
    return "\n".join(f"--- redis-{port}.log ---\n{_log_tail(tempdir, port)}" for port in ports)
