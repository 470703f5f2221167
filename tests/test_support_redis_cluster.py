"""The throwaway Redis Cluster test helper works, and pins down the redis-py ``RedisCluster``
behaviour the booking engine's cluster store relies on.

Why pin library behaviour in tests: Lua scripts in a cluster are routed by their keys'
slot, refused across slots, and cached per primary; if a redis-py upgrade changes how it
routes, retries or raises, these tests say so before the booking engine misbehaves.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from redis.backoff import NoBackoff
from redis.cluster import ClusterNode, RedisCluster
from redis.exceptions import (
    ClusterCrossSlotError,
    CrossSlotTransactionError,
    NoScriptError,
    RedisClusterException,
    RedisError,
    ResponseError,
)
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

from tests.support import redis_cluster as rc
from tests.support.redis_cluster import CLUSTER_SLOTS, cluster_client, parse_cluster_url

ROOT = Path(__file__).resolve().parent.parent

CLAIM = """
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return redis.call('INCR', KEYS[2])
"""
TOUCH_BOTH = "redis.call('SET', KEYS[1], 'x'); redis.call('SET', KEYS[2], 'x'); return 1"
HELLO = "return 'hello'"


def key_on(client: RedisCluster, node: ClusterNode, name: str) -> str:
    """A key whose slot ``node`` owns, so a test can aim at a particular primary."""
    for i in range(10_000):
        key = f"{{{name}:{i}}}"
        if client.get_node_from_key(key).name == node.name:
            return key
    raise AssertionError(f"no key found for {node.name}")


def other_primaries(client: RedisCluster, node: ClusterNode) -> list[ClusterNode]:
    return [p for p in client.get_primaries() if p.name != node.name]


# --- parse_cluster_url -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("redis-cluster://127.0.0.1:7000", [("127.0.0.1", 7000)]),
        (
            "redis-cluster://127.0.0.1:7000,127.0.0.1:7001,redis-2.internal:6379",
            [("127.0.0.1", 7000), ("127.0.0.1", 7001), ("redis-2.internal", 6379)],
        ),
        ("REDIS-CLUSTER://localhost:1", [("localhost", 1)]),
        ("redis-cluster://a:65535", [("a", 65535)]),
        ("redis-cluster://10.0.0.1:7000,10.0.0.1:7000", [("10.0.0.1", 7000)] * 2),
    ],
)
def test_parse_cluster_url(url, expected):
    assert parse_cluster_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "",
        "127.0.0.1:7000",
        "redis://127.0.0.1:7000",
        "rediss-cluster://127.0.0.1:7000",
        "redis-cluster://",
        "redis-cluster://127.0.0.1",
        "redis-cluster://127.0.0.1:",
        "redis-cluster://:7000",
        "redis-cluster://127.0.0.1:0",
        "redis-cluster://127.0.0.1:65536",
        "redis-cluster://127.0.0.1:70a",
        "redis-cluster://127.0.0.1:+70",
        "redis-cluster://127.0.0.1:7000,",
        "redis-cluster://127.0.0.1:7000,,127.0.0.1:7001",
        "redis-cluster://127.0.0.1:7000/0",
        "redis-cluster://127.0.0.1:7000?timeout=1",
        "redis-cluster://127.0.0.1:7000#x",
        "redis-cluster://[::1]:7000",
        "redis-cluster://::1:7000",
        "redis-cluster:// 127.0.0.1:7000",
        "redis-cluster://127.0.0.1:7000 ",
        "redis-cluster://-bad-.host:7000",
        "redis-cluster://under_score:7000",
        "redis-cluster://999.0.0.1:7000",
        "redis-cluster://1.2.3:7000",
    ],
)
def test_parse_cluster_url_rejects_malformed_urls_naming_them(url):
    with pytest.raises(ValueError, match="Redis Cluster URL") as excinfo:
        parse_cluster_url(url)
    assert repr(url) in str(excinfo.value)


def test_parse_cluster_url_never_echoes_a_password():
    with pytest.raises(ValueError, match="user info") as excinfo:
        parse_cluster_url("redis-cluster://user:hunter2/x@y@127.0.0.1:7000")
    assert "hunter2" not in str(excinfo.value)
    assert "x@y" not in str(excinfo.value)


# --- the context manager never leaves a server behind ----------------------------------


@pytest.fixture
def spawned(monkeypatch) -> list[subprocess.Popen[bytes]]:
    """Every redis-server the context manager starts during the test."""
    procs: list[subprocess.Popen[bytes]] = []
    real_spawn = rc._spawn_server

    def spawn(port: int, tempdir: Path) -> subprocess.Popen[bytes]:
        proc = real_spawn(port, tempdir)
        procs.append(proc)
        return proc

    monkeypatch.setattr(rc, "_spawn_server", spawn)
    return procs


def test_a_failed_start_up_kills_every_server_and_removes_the_temp_dir(monkeypatch, spawned):
    tempdirs: list[Path] = []

    def fail(ports: list[int], tempdir: Path) -> None:
        tempdirs.append(tempdir)
        raise rc.RedisClusterStartError("simulated redis-cli failure")

    monkeypatch.setattr(rc, "_create_cluster", fail)
    with pytest.raises(rc.RedisClusterStartError, match="simulated"), rc.redis_cluster():
        pytest.fail("the body must not run")  # pragma: no cover

    assert len(spawned) == 3
    assert all(proc.returncode is not None for proc in spawned)
    assert not tempdirs[0].exists()


def test_servers_that_ignore_sigterm_are_sigkilled(monkeypatch, spawned):
    """A stopped process cannot act on SIGTERM; the grace period ends and SIGKILL follows."""

    def freeze_then_fail(ports: list[int], tempdir: Path) -> None:
        for proc in spawned:
            os.killpg(proc.pid, signal.SIGSTOP)
        raise rc.RedisClusterStartError("simulated")

    monkeypatch.setattr(rc, "_create_cluster", freeze_then_fail)
    monkeypatch.setattr(rc, "_STOP_GRACE_SECONDS", 0.2)
    with pytest.raises(rc.RedisClusterStartError), rc.redis_cluster():
        pass  # pragma: no cover

    assert [proc.returncode for proc in spawned] == [-signal.SIGKILL] * 3


def test_a_server_that_loses_its_port_is_restarted_on_another(monkeypatch, spawned):
    """Between our free-port check and redis binding, someone else may take the port."""
    squatter = socket.create_server((rc.HOST, 0))
    busy_port = squatter.getsockname()[1]
    real_pick = rc._pick_free_port
    picks: list[int] = []

    def pick(taken: set[int]) -> int:
        port = busy_port if not picks else real_pick(taken)
        picks.append(port)
        return port

    def stop_here(ports: list[int], tempdir: Path) -> None:
        raise rc.RedisClusterStartError(f"started on {ports}")

    monkeypatch.setattr(rc, "_pick_free_port", pick)
    monkeypatch.setattr(rc, "_create_cluster", stop_here)
    with squatter, pytest.raises(rc.RedisClusterStartError) as excinfo, rc.redis_cluster():
        pass  # pragma: no cover

    assert len(spawned) == 4  # three, then a replacement for the one that lost its port
    assert str(busy_port) not in str(excinfo.value)
    assert all(proc.returncode is not None for proc in spawned)


# Run by the test below as a separate process that stands in for pytest: it makes itself
# the "subreaper" of its descendants (so the orphaned server is re-parented to it, and it
# alone reaps it - no zombie is left for the system's init), starts a child that starts a
# server, SIGKILLs that child, then reports how the server ended.
_DEATH_WATCH = """
import ctypes, os, subprocess, sys
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
starter = subprocess.Popen(
    [sys.executable, "-c",
     "import sys, time; from pathlib import Path; from tests.support import redis_cluster as rc;"
     "proc = rc._spawn_server(rc._pick_free_port(set()), Path(sys.argv[1]));"
     "print(proc.pid, flush=True); time.sleep(60)",
     sys.argv[1]],
    stdout=subprocess.PIPE,
)
server_pid = int(starter.stdout.readline())
print(server_pid, flush=True)
starter.kill()
starter.wait()
_, status = os.waitpid(server_pid, 0)
print(os.WTERMSIG(status) if os.WIFSIGNALED(status) else -1, flush=True)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux-only")
def test_a_server_dies_with_a_sigkilled_parent(tmp_path):
    """Even a SIGKILLed test process, which runs no ``finally``, leaves no orphan server:
    the kernel SIGKILLs the server as soon as the process that started it dies."""
    watch = subprocess.Popen(
        [sys.executable, "-c", _DEATH_WATCH, str(tmp_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    server_pid = int(watch.stdout.readline())
    try:
        out, _ = watch.communicate(timeout=10)
    except subprocess.TimeoutExpired:  # pragma: no cover - the server outlived its parent
        os.killpg(server_pid, signal.SIGKILL)
        watch.kill()
        watch.communicate()
        pytest.fail("the server survived the death of the process that started it")
    assert int(out) == signal.SIGKILL


# --- (a) topology ----------------------------------------------------------------------


def test_three_primaries_cover_every_slot(redis_cluster_url, redis_cluster_client):
    client = redis_cluster_client
    primaries = client.get_primaries()
    assert len(primaries) == 3
    assert client.get_replicas() == []
    assert sorted(p.name for p in primaries) == sorted(
        f"{host}:{port}" for host, port in parse_cluster_url(redis_cluster_url)
    )

    slots = client.cluster_slots()  # {(first, last): {"primary": (host, port), ...}}
    covered = sorted(slot for first, last in slots for slot in range(first, last + 1))
    assert covered == list(range(CLUSTER_SLOTS))
    assert {f"{v['primary'][0]}:{v['primary'][1]}" for v in slots.values()} == {
        p.name for p in primaries
    }

    for info in client.cluster_info(target_nodes=RedisCluster.PRIMARIES).values():
        assert info["cluster_state"] == "ok"
        assert int(info["cluster_slots_assigned"]) == CLUSTER_SLOTS
        assert int(info["cluster_size"]) == 3


# --- (b) scripts whose keys share a hash tag ----------------------------------------------


def test_a_script_writes_every_key_sharing_a_hash_tag(redis_cluster_client):
    client = redis_cluster_client
    claims, versions = "{show:abc}:claims", "{show:abc}:versions"
    assert client.keyslot(claims) == client.keyslot(versions)  # only "show:abc" is hashed

    assert client.eval(CLAIM, 2, claims, versions, "A1", "hold-1") == 1
    assert client.eval(CLAIM, 2, claims, versions, "A2", "hold-2") == 2

    assert client.hgetall(claims) == {"A1": "hold-1", "A2": "hold-2"}
    assert client.get(versions) == "2"


# --- (c) scripts whose keys span slots --------------------------------------------------


def test_a_script_with_keys_in_two_slots_is_refused(redis_cluster_client):
    client = redis_cluster_client
    first, second = "{show:abc}:claims", "{show:xyz}:claims"
    assert client.keyslot(first) != client.keyslot(second)

    # redis-py refuses before sending anything. Note the class: RedisClusterException is a
    # plain Exception, NOT a RedisError, so `except RedisError` does not catch it.
    with pytest.raises(RedisClusterException, match="all keys must map to the same key slot"):
        client.eval(TOUCH_BOTH, 2, first, second)
    assert not issubclass(RedisClusterException, RedisError)

    # Sent anyway (explicit target node), the server itself answers CROSSSLOT, which redis-py
    # raises as ClusterCrossSlotError (a ResponseError).
    node = client.get_node_from_key(first)
    with pytest.raises(ClusterCrossSlotError, match="don't hash to the same slot"):
        client.execute_command("EVAL", TOUCH_BOTH, 2, first, second, target_nodes=node)
    assert issubclass(ClusterCrossSlotError, ResponseError)

    assert client.exists(first) == client.exists(second) == 0


# --- (d) pipelines ---------------------------------------------------------------------


def test_a_pipeline_of_single_key_commands_spans_slots_and_nodes(redis_cluster_client):
    client = redis_cluster_client
    keys = [key_on(client, node, "pipe") for node in client.get_primaries()]

    pipe = client.pipeline()  # transaction=False: split per node, results in call order
    for i, key in enumerate(keys):
        pipe.set(key, i)
        pipe.incr(key)
    for key in keys:
        pipe.get(key)
    assert pipe.execute() == [True, 1, True, 2, True, 3, "1", "2", "3"]


def test_a_transaction_must_stay_in_one_slot(redis_cluster_client):
    client = redis_cluster_client
    pipe = client.pipeline(transaction=True)
    pipe.set("{show:abc}:a", 1)
    pipe.set("{show:xyz}:a", 1)
    with pytest.raises(CrossSlotTransactionError):
        pipe.execute()

    pipe = client.pipeline(transaction=True)
    pipe.set("{show:abc}:a", 1)
    pipe.incr("{show:abc}:b")
    # Unlike the non-transactional pipeline, MULTI/EXEC results skip redis-py's response
    # callbacks: SET gives the raw "OK", not True.
    assert pipe.execute() == ["OK", 1]


def test_pipelined_scripts_go_through_execute_command(redis_cluster_client):
    """ClusterPipeline blocks ``evalsha`` (and a registered Script with ``client=pipe``),
    and its ``eval()`` is an unrelated no-argument method; the raw commands still work."""
    client = redis_cluster_client
    pipe = client.pipeline()
    with pytest.raises(RedisClusterException, match="evalsha is blocked"):
        pipe.evalsha("0" * 40, 0)
    with pytest.raises(TypeError):
        pipe.eval(HELLO, 0)

    sha = client.script_load(CLAIM)
    pipe = client.pipeline()
    pipe.execute_command("EVAL", CLAIM, 2, "{s:1}:c", "{s:1}:v", "A1", "h")
    pipe.execute_command("EVALSHA", sha, 2, "{s:2}:c", "{s:2}:v", "A1", "h")
    assert pipe.execute() == [1, 1]

    client.script_flush()
    pipe = client.pipeline()
    pipe.execute_command("EVALSHA", sha, 2, "{s:3}:c", "{s:3}:v", "A1", "h")
    pipe.set("{s:4}", "x")
    result = pipe.execute(raise_on_error=False)
    assert isinstance(result[0], NoScriptError)
    assert result[1] is True


# --- (e) per-node script caches ----------------------------------------------------------


def test_script_load_loads_on_every_primary(redis_cluster_client):
    client = redis_cluster_client
    sha = client.script_load(HELLO)  # SCRIPT LOAD goes to all primaries
    for node in client.get_primaries():
        assert node.redis_connection.script_exists(sha) == [True]
    assert client.script_exists(sha) == [True]  # True only if every primary has it


def test_evalsha_runs_on_the_keys_node_and_needs_the_script_there(redis_cluster_client):
    client = redis_cluster_client
    loaded = client.get_primaries()[0]
    elsewhere = other_primaries(client, loaded)[0]
    sha = client.execute_command("SCRIPT LOAD", HELLO, target_nodes=loaded)  # one node only
    assert client.script_exists(sha) == [False]  # not on *all* primaries

    assert client.evalsha(sha, 1, key_on(client, loaded, "k")) == "hello"
    with pytest.raises(NoScriptError):
        client.evalsha(sha, 1, key_on(client, elsewhere, "k"))

    client.execute_command("SCRIPT LOAD", HELLO, target_nodes=elsewhere)
    assert client.evalsha(sha, 1, key_on(client, elsewhere, "k")) == "hello"


def test_a_registered_script_recovers_from_noscript(redis_cluster_client):
    """``Script.__call__`` tries EVALSHA, and on NoScriptError runs ``script_load`` (every
    primary) and EVALSHA once more."""
    client = redis_cluster_client
    claim = client.register_script(CLAIM)
    assert client.script_exists(claim.sha) == [False]

    assert claim(keys=["{show:abc}:claims", "{show:abc}:versions"], args=["A1", "h"]) == 1
    assert client.script_exists(claim.sha) == [True]

    client.script_flush()
    assert claim(keys=["{show:abc}:claims", "{show:abc}:versions"], args=["A2", "h"]) == 2


# --- (f) TIME per node -----------------------------------------------------------------


def test_time_per_node(redis_cluster_client):
    client = redis_cluster_client
    node = client.get_primaries()[1]
    seconds, micros = client.time(target_nodes=node)
    assert abs(seconds - time.time()) < 5
    assert 0 <= micros < 1_000_000

    per_node = client.time(target_nodes=RedisCluster.PRIMARIES)
    assert set(per_node) == {p.name for p in client.get_primaries()}
    assert all(isinstance(v, tuple) and len(v) == 2 for v in per_node.values())

    assert isinstance(client.time(), tuple)  # no target: the client's default node


# --- retries: a timed-out script is sent again -------------------------------------------

# Counts its runs; the first run busy-waits ARGV[1] ms, longer than the client's timeout.
SLOW_FIRST_RUN = """
local runs = redis.call('INCR', KEYS[1])
if runs == 1 then
  local t = redis.call('TIME')
  local start = t[1] * 1000000 + t[2]
  repeat
    local now = redis.call('TIME')
  until now[1] * 1000000 + now[2] - start > tonumber(ARGV[1]) * 1000
end
return runs
"""


def test_a_timed_out_script_is_run_again_by_the_cluster_client(
    redis_cluster_url, redis_cluster_client
):
    """RedisCluster retries TimeoutError (and ConnectionError) by sending the command again,
    up to ``retry.get_retries()`` times (10 by default): a non-idempotent script whose reply
    was merely late runs twice, and the caller sees only the second run's success."""
    assert redis_cluster_client.retry.get_retries() == 10

    once = cluster_client(redis_cluster_url, socket_timeout=0.2, retry=Retry(NoBackoff(), 0))
    twice = cluster_client(redis_cluster_url, socket_timeout=0.2, retry=Retry(NoBackoff(), 1))
    try:
        with pytest.raises(RedisTimeoutError):
            once.eval(SLOW_FIRST_RUN, 1, "{runs}:a", 300)
        assert twice.eval(SLOW_FIRST_RUN, 1, "{runs}:b", 300) == 2  # ran twice, "succeeded"
    finally:
        once.close()
        twice.close()
    assert redis_cluster_client.get("{runs}:a") == "1"  # waits for the busy node to finish
