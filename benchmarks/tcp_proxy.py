"""A TCP proxy that a test puts between a client and a real server, then breaks on purpose.

Modes (``proxy.set_mode(mode)``, effective at once for every connection):

- ``forward``: pass bytes both ways (the healthy network).
- ``refuse``: drop open connections and close new ones at once (server down / port closed).
- ``stall``: hold bytes in both directions; they are delivered, in order, when the mode goes
  back to ``forward`` (a network partition that heals: requests complete late).
- ``blackhole``: discard bytes in both directions (a partition whose packets are lost).
- ``drop_replies``: forward requests, discard answers (the command ran, its reply is lost).
- ``cut``: reset every open connection now, then forward new ones (a network reset).

``proxy.on_pattern(b"COMMIT", mode)`` switches to ``mode`` when a client->server chunk holds
the pattern, before that chunk moves on, so the failure hits exactly that request.
"""

import contextlib
import socket
import struct
import threading
from types import TracebackType

MODES = frozenset({"forward", "refuse", "stall", "blackhole", "drop_replies", "cut"})
_TAIL = 1024  # bytes of each stream kept to find a pattern split across two recv() chunks


class _Link:
    """One proxied connection: the client's socket and ours to the target."""

    def __init__(self, client: socket.socket, upstream: socket.socket) -> None:
        self.client, self.upstream = client, upstream
        self.closed = False
        self.pumps_left = 2
        self.threads: list[threading.Thread] = []

    def cut(self) -> None:
        """Shut both sockets down, which wakes the pumps blocked on them (the peers see
        EOF, then a reset once the sockets close: SO_LINGER 0)."""
        self.closed = True
        for sock in (self.client, self.upstream):
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        for sock in (self.client, self.upstream):
            sock.close()


class FaultProxy:
    """Listens on 127.0.0.1 (a free port) and relays to ``target`` until told to fail."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.triggered = threading.Event()  # set when an ``on_pattern`` trigger fired
        self._mode = "forward"
        self._triggers: list[tuple[bytes, str]] = []
        self._links: list[_Link] = []
        self._changed = threading.Condition()  # guards all of the above; wakes stalled pumps
        self._closing = False
        self._server = socket.create_server(("127.0.0.1", 0))
        self._port: int = self._server.getsockname()[1]
        self._server.settimeout(0.1)  # the accept loop checks ``_closing`` this often
        self._acceptor = threading.Thread(target=self._accept, daemon=True, name="proxy-accept")
        self._acceptor.start()

    @property
    def port(self) -> int:
        return self._port

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def mode(self) -> str:
        return self._mode

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; one of {sorted(MODES)}")
        with self._changed:
            if mode in ("refuse", "cut"):
                for link in self._links:
                    link.cut()
            self._mode = "forward" if mode == "cut" else mode
            self._changed.notify_all()

    def on_pattern(self, pattern: bytes, mode: str) -> None:
        """Arm a one-shot trigger (and clear ``triggered``): switch to ``mode`` when a
        client->server chunk contains ``pattern``."""
        if mode not in MODES or not 0 < len(pattern) <= _TAIL:
            raise ValueError(f"bad trigger {pattern!r} -> {mode!r}")
        with self._changed:
            self.triggered.clear()
            self._triggers.append((pattern, mode))

    def close(self) -> None:
        """Close the listening socket and every connection; wait for the threads."""
        with self._changed:
            self._closing = True
            links = list(self._links)
            for link in links:
                link.cut()
            self._changed.notify_all()
        self._acceptor.join(timeout=5)
        self._server.close()
        for link in links:
            for thread in link.threads:
                thread.join(timeout=5)
            link.close()

    def __enter__(self) -> "FaultProxy":
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _accept(self) -> None:
        while not self._closing:
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            client.settimeout(None)
            if self._mode == "refuse":
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()  # the target is down: the client sees the same
                continue
            upstream.settimeout(None)
            link = _Link(client, upstream)
            with self._changed:
                if self._closing or self._mode == "refuse":  # changed while connecting
                    link.close()
                    continue
                self._links.append(link)
                for source, sink, is_reply in ((client, upstream, False), (upstream, client, True)):
                    thread = threading.Thread(
                        target=self._pump,
                        args=(link, source, sink, is_reply),
                        daemon=True,
                        name="proxy-pump",
                    )
                    link.threads.append(thread)
                    thread.start()

    def _pump(
        self, link: _Link, source: socket.socket, sink: socket.socket, is_reply: bool
    ) -> None:
        tail = b""
        try:
            while True:
                data = source.recv(65536)
                if not is_reply and data:
                    self._fire_triggers(tail, data)
                    tail = (tail + data)[-_TAIL:]
                with self._changed:  # held here, in order, while stalled
                    self._changed.wait_for(lambda: self._mode != "stall" or link.closed)
                    mode = self._mode
                if link.closed:
                    return
                if not data:
                    sink.shutdown(socket.SHUT_WR)  # pass the half-close on
                    return
                if mode == "blackhole" or (mode == "drop_replies" and is_reply):
                    continue
                sink.sendall(data)
        except OSError:  # one side failed: the other sees a reset, as through a network
            with self._changed:
                link.cut()
                self._changed.notify_all()
        finally:
            with self._changed:
                link.pumps_left -= 1
                if link.pumps_left == 0:
                    link.close()
                    self._links.remove(link)

    def _fire_triggers(self, tail: bytes, data: bytes) -> None:
        with self._changed:
            for index, (pattern, mode) in enumerate(self._triggers):
                # Only the tail that could start a match: a pattern wholly in earlier bytes
                # was seen before this trigger was armed.
                if pattern in tail[len(tail) - len(pattern) + 1 :] + data:
                    del self._triggers[index]
                    self.set_mode(mode)  # the Condition's lock is re-entrant
                    self.triggered.set()
                    return
