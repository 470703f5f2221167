"""A throwaway PostgreSQL cluster of a test's own, to stop, restart or kill at will.

Why not the shared server on 5432: a test that takes the database down must not take down
everyone else's. The cluster lives in a fresh temp directory, listens on 127.0.0.1 at a free
port (its Unix socket in that directory too), trusts every local login, and runs with
``fsync=off`` since its data is worthless. PostgreSQL refuses to run as root, so as root the
binaries run as the ``postgres`` system user (via ``runuser``).
"""

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

SUPERUSER = "postgres"
SHARED_PORT = 5432  # the machine's own server: never ours


class PostgresError(RuntimeError):
    pass


def find_bindir() -> Path:
    """The newest ``/usr/lib/postgresql/<version>/bin`` that has initdb and pg_ctl."""
    found = [
        Path(path)
        for path in glob.glob("/usr/lib/postgresql/*/bin")
        if Path(path, "initdb").exists() and Path(path, "pg_ctl").exists()
    ]
    if not found:
        raise PostgresError("no PostgreSQL binaries under /usr/lib/postgresql/*/bin")
    return max(found, key=lambda path: int(path.parent.name.split(".")[0]))


def _free_port() -> int:
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port != SHARED_PORT:
            return port


class PrivatePostgres:
    """One cluster: ``url`` and ``port`` stay the same across ``stop()``/``start()``."""

    def __init__(self, root: Path, bindir: Path) -> None:
        self.root = root
        self.datadir = root / "data"
        self.logfile = root / "server.log"
        self.bindir = bindir
        self.port = _free_port()
        self.url = self.url_for("postgres")
        self._as_postgres = os.geteuid() == 0
        self.pid: int | None = None  # the postmaster's, remembered for the hard kill

    def url_for(self, database: str) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _run(self, program: str, *args: str, timeout: float = 60) -> str:
        command = [str(self.bindir / program), *args]
        if self._as_postgres:
            command = ["runuser", "-u", SUPERUSER, "--", *command]
        # PG* variables of the caller (PGHOST, PGPORT...) must not point us at another server.
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        result = subprocess.run(
            command, cwd=self.root, env=env, capture_output=True, text=True, timeout=timeout
        )
        if result.returncode != 0:
            raise PostgresError(
                f"{program} failed ({result.returncode}): {result.stderr or result.stdout}\n"
                f"{self.server_log()}"
            )
        return result.stdout

    def server_log(self) -> str:
        with contextlib.suppress(OSError):
            return self.logfile.read_text()[-4000:]
        return ""

    def init(self) -> None:
        if self._as_postgres:
            shutil.chown(self.root, user=SUPERUSER, group=pwd.getpwnam(SUPERUSER).pw_gid)
        self._run(
            "initdb",
            *("-D", str(self.datadir), "-U", SUPERUSER, "--auth=trust"),
            *("--encoding=UTF8", "--locale=C", "--no-sync"),
        )

    def start(self, timeout: float = 30) -> None:
        """Start the server and return once it accepts connections."""
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
            "-c fsync=off -c max_connections=200"
        )
        self._run(
            "pg_ctl",
            *("start", "-D", str(self.datadir), "-l", str(self.logfile), "-o", options),
            *("-w", "-t", str(int(timeout))),
            timeout=timeout + 10,
        )
        self.pid = int((self.datadir / "postmaster.pid").read_text().split()[0])
        deadline = time.monotonic() + timeout
        while not self.is_ready():
            if time.monotonic() > deadline:
                raise PostgresError(f"pg_isready never answered\n{self.server_log()}")
            time.sleep(0.1)

    def is_ready(self) -> bool:
        try:
            self._run("pg_isready", "-h", "127.0.0.1", "-p", str(self.port), "-t", "1")
        except PostgresError:
            return False
        return True

    def processes(self) -> list[int]:
        """Running pids of this server: the postmaster, then its children (backends and
        helpers), e.g. to kill one or to check that none is left."""
        if self.pid is None or not self._is_ours(self.pid):
            return []
        children = [
            int(entry.name)
            for entry in os.scandir("/proc")
            if entry.name.isdigit() and _proc_stat(int(entry.name))[1:2] == [str(self.pid)]
        ]
        return [self.pid, *(pid for pid in children if _alive(pid))]

    def stop(self, mode: str = "fast") -> None:
        """``fast`` rolls back sessions and shuts down cleanly; ``immediate`` is a crash
        (recovery runs at the next start)."""
        self._run("pg_ctl", "stop", "-D", str(self.datadir), "-m", mode, "-w", "-t", "30")
        self.pid = None

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    def create_database(self, name: str) -> str:
        """Create ``name`` (owned by the superuser) and return its URL."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url_for(name)

    def _is_ours(self, pid: int) -> bool:
        """A live postmaster of this data directory (not a stranger that reused the pid)."""
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            return False
        return _alive(pid) and str(self.datadir).encode() in command

    def destroy(self) -> None:
        """Stop the server however it can be stopped, then delete every file of it."""
        with contextlib.suppress(OSError, ValueError, IndexError):  # a start that failed late
            self.pid = int((self.datadir / "postmaster.pid").read_text().split()[0])
        if self.datadir.exists():
            with contextlib.suppress(PostgresError, subprocess.TimeoutExpired):
                self._run("pg_ctl", "stop", "-D", str(self.datadir), "-m", "immediate", "-t", "5")
        if self.pid is not None and self._is_ours(self.pid):
            # Each backend is a group leader of its own: kill them one by one.
            pids = self.processes()
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 5
            while any(map(_alive, pids)) and time.monotonic() < deadline:
                time.sleep(0.01)  # a SIGKILL takes effect shortly after it is sent
        shutil.rmtree(self.root, ignore_errors=True)


def _proc_stat(pid: int) -> list[str]:
    """Fields of /proc/<pid>/stat after the command name (state, parent pid, ...)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return []


def _alive(pid: int) -> bool:
    """True for a running process; a zombie (dead, not yet reaped) counts as gone."""
    stat = _proc_stat(pid)
    return bool(stat) and stat[0] != "Z"


@contextlib.contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """Start a fresh cluster; on exit always stop it and delete its directory."""
    bindir = find_bindir()
    server = PrivatePostgres(Path(tempfile.mkdtemp(prefix="private-pg-")), bindir)
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.destroy()
