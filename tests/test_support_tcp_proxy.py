"""FaultProxy: each mode against a tiny echo server, and the two that matter most for Redis
against the real one."""

import contextlib
import socket
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from benchmarks.tcp_proxy import FaultProxy

REDIS = ("127.0.0.1", 6379)
QUIET = 0.3  # how long "nothing arrives" is watched for


class EchoServer:
    """Echoes every byte back and keeps what it received, to tell a lost request from a
    lost reply."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.1)
        self.address = self.server.getsockname()
        self.received = bytearray()
        self.stopping = False
        self.connections: list[socket.socket] = []
        self.threads = [threading.Thread(target=self._accept, name="echo-accept")]
        self.threads[0].start()

    def _accept(self) -> None:
        while not self.stopping:
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            conn.settimeout(None)
            self.connections.append(conn)
            thread = threading.Thread(target=self._echo, args=(conn,), name="echo-conn")
            self.threads.append(thread)
            thread.start()

    def _echo(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := conn.recv(65536):
                self.received += data
                conn.sendall(data)

    def push(self, data: bytes) -> None:
        """Send unasked-for bytes to every client, to watch the server->client direction."""
        for conn in self.connections:
            conn.sendall(data)

    def close(self) -> None:
        self.stopping = True
        self.threads[0].join()
        for conn in self.connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        for thread in self.threads:
            thread.join(timeout=5)
        for conn in self.connections:
            conn.close()
        self.server.close()


@pytest.fixture(autouse=True)
def _no_threads_left() -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 5
    while (left := set(threading.enumerate()) - before) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left, f"threads still running: {left}"


@pytest.fixture
def echo() -> Iterator[EchoServer]:
    server = EchoServer()
    yield server
    server.close()


@pytest.fixture
def proxy(echo: EchoServer) -> Iterator[FaultProxy]:
    with FaultProxy(echo.address) as proxy:
        yield proxy


@pytest.fixture
def client(proxy: FaultProxy) -> Iterator[socket.socket]:
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=2) as sock:
        yield sock


def recv_exactly(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        assert chunk, f"connection closed after {data!r}"
        data += chunk
    return data


def assert_quiet(sock: socket.socket) -> None:
    sock.settimeout(QUIET)
    with pytest.raises(TimeoutError):
        sock.recv(100)
    sock.settimeout(2)


def assert_closed(sock: socket.socket) -> None:
    """The proxy dropped the connection: EOF or a reset, nothing else."""
    with contextlib.suppress(ConnectionResetError):
        assert sock.recv(100) == b""


def wait_until(condition, timeout: float = 2) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_forward_passes_bytes_both_ways(proxy, client):
    assert proxy.address == f"127.0.0.1:{proxy.port}"
    client.sendall(b"ping")
    assert recv_exactly(client, 4) == b"ping"


def test_refuse_drops_open_connections_and_closes_new_ones(proxy, client):
    proxy.set_mode("refuse")
    assert_closed(client)
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=2) as late:
        assert_closed(late)
    proxy.set_mode("forward")
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=2) as again:
        again.sendall(b"back")
        assert recv_exactly(again, 4) == b"back"


def test_stall_holds_bytes_and_delivers_them_in_order_later(proxy, client, echo):
    proxy.set_mode("stall")
    client.sendall(b"one,")
    time.sleep(0.05)
    client.sendall(b"two")
    assert_quiet(client)
    assert echo.received == b""
    proxy.set_mode("forward")
    assert recv_exactly(client, 7) == b"one,two"


def test_stall_holds_replies_too(proxy, client, echo):
    client.sendall(b"hi")
    assert recv_exactly(client, 2) == b"hi"
    proxy.set_mode("stall")
    echo.push(b"news")
    assert_quiet(client)
    proxy.set_mode("forward")
    assert recv_exactly(client, 4) == b"news"


def test_blackhole_discards_bytes_for_good(proxy, client, echo):
    proxy.set_mode("blackhole")
    client.sendall(b"lost")
    assert_quiet(client)
    proxy.set_mode("forward")
    client.sendall(b"kept")
    assert recv_exactly(client, 4) == b"kept"
    assert echo.received == b"kept"


def test_drop_replies_delivers_the_request_but_not_its_answer(proxy, client, echo):
    proxy.set_mode("drop_replies")
    client.sendall(b"run")
    wait_until(lambda: echo.received == b"run")
    assert_quiet(client)


def test_cut_resets_open_connections_and_serves_new_ones(proxy, client):
    client.sendall(b"a")
    assert recv_exactly(client, 1) == b"a"
    proxy.set_mode("cut")
    assert proxy.mode == "forward"
    assert_closed(client)
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=2) as again:
        again.sendall(b"b")
        assert recv_exactly(again, 1) == b"b"


def test_a_pattern_stalls_the_chunk_that_holds_it(proxy, client, echo):
    proxy.on_pattern(b"COMMIT", "stall")
    client.sendall(b"BEGIN")
    assert recv_exactly(client, 5) == b"BEGIN"
    assert not proxy.triggered.is_set()
    client.sendall(b"COMMIT")
    assert proxy.triggered.wait(2)
    assert_quiet(client)
    assert echo.received == b"BEGIN"
    proxy.set_mode("forward")
    assert recv_exactly(client, 6) == b"COMMIT"


def test_a_pattern_split_across_two_chunks_is_found(proxy, client, echo):
    proxy.on_pattern(b"COMMIT", "blackhole")
    client.sendall(b"xCO")
    assert recv_exactly(client, 3) == b"xCO"  # a chunk of its own
    client.sendall(b"MMITy")
    assert proxy.triggered.wait(2)
    assert_quiet(client)
    assert echo.received == b"xCO"


def test_a_pattern_seen_before_it_was_armed_does_not_fire(proxy, client):
    client.sendall(b"COMMIT")
    assert recv_exactly(client, 6) == b"COMMIT"
    proxy.on_pattern(b"COMMIT", "blackhole")
    client.sendall(b"z")
    assert recv_exactly(client, 1) == b"z"
    assert not proxy.triggered.is_set()


def test_a_pattern_can_drop_the_reply_to_its_own_request(proxy, client, echo):
    proxy.on_pattern(b"COMMIT", "drop_replies")
    client.sendall(b"COMMIT")
    wait_until(lambda: echo.received == b"COMMIT")
    assert_quiet(client)
    assert proxy.mode == "drop_replies"


def test_a_pattern_can_cut_before_its_request_is_sent(proxy, client, echo):
    proxy.on_pattern(b"COMMIT", "cut")
    client.sendall(b"COMMIT")
    assert proxy.triggered.wait(2)
    assert_closed(client)
    time.sleep(0.1)
    assert echo.received == b""


def test_closing_the_proxy_closes_everything(echo):
    with FaultProxy(echo.address) as proxy:
        client = socket.create_connection(("127.0.0.1", proxy.port), timeout=2)
        proxy.set_mode("stall")
        client.sendall(b"held")
    with client:
        assert_closed(client)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", proxy.port), timeout=2)


def redis_client(port: int, timeout: float) -> redis.Redis:
    """No retries: a lost reply must surface as the timeout it is."""
    return redis.Redis(
        "127.0.0.1", port, db=15, socket_timeout=timeout, retry=Retry(NoBackoff(), 0)
    )


@pytest.fixture
def direct() -> Iterator[redis.Redis]:
    """A client that bypasses the proxy, to see what really reached Redis."""
    client = redis_client(REDIS[1], 2)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail("No Redis answers at 127.0.0.1:6379 (db 15 is used).")
    yield client
    client.close()


@pytest.fixture
def redis_key(direct: redis.Redis) -> Iterator[str]:
    key = f"bms-test-proxy-{uuid.uuid4().hex[:12]}"
    yield key
    direct.delete(key)


@pytest.fixture
def redis_proxy() -> Iterator[FaultProxy]:
    with FaultProxy(REDIS) as proxy:
        yield proxy


def test_redis_a_lost_reply_times_out_but_the_write_happened(redis_proxy, redis_key, direct):
    client = redis_client(redis_proxy.port, 1)
    assert client.ping()
    redis_proxy.set_mode("drop_replies")
    with pytest.raises(redis.TimeoutError):
        client.set(redis_key, "written")
    client.close()
    assert direct.get(redis_key) == b"written"


def test_redis_a_stalled_command_completes_late(redis_proxy, redis_key, direct):
    client = redis_client(redis_proxy.port, 5)
    assert client.ping()
    redis_proxy.set_mode("stall")
    outcome: list[object] = []
    started = time.monotonic()
    thread = threading.Thread(target=lambda: outcome.append(client.set(redis_key, "late")))
    thread.start()
    time.sleep(0.5)
    assert direct.get(redis_key) is None
    redis_proxy.set_mode("forward")
    thread.join(timeout=5)
    assert outcome == [True]
    assert time.monotonic() - started >= 0.5
    assert direct.get(redis_key) == b"late"
    client.close()


def test_redis_a_transaction_runs_but_its_exec_reply_is_lost(redis_proxy, redis_key, direct):
    client = redis_client(redis_proxy.port, 1)
    redis_proxy.on_pattern(b"EXEC", "drop_replies")
    pipe = client.pipeline(transaction=True)
    pipe.set(redis_key, "committed")
    with pytest.raises(redis.TimeoutError):
        pipe.execute()
    assert redis_proxy.triggered.is_set()
    client.close()
    assert direct.get(redis_key) == b"committed"
