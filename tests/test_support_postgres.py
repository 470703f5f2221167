"""private_postgres: a real cluster that a test may stop and start, and that never outlives
the test."""

import os
import signal
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.support.postgres import SHARED_PORT, PrivatePostgres, private_postgres

pytest_plugins = ["tests.support.pytest_plugin"]


def assert_gone(pids: list[int], root: Path, url: str) -> None:
    assert pids
    assert [pid for pid in pids if Path(f"/proc/{pid}").exists() and not zombie(pid)] == []
    assert not root.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=2)


def zombie(pid: int) -> bool:
    """Dead but not yet reaped (by init, here): gone for every purpose."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] == "Z"
    except OSError:
        return True


def test_data_survives_a_stop_and_a_start():
    with private_postgres() as server:
        assert server.port != SHARED_PORT
        assert server.url == f"postgresql://postgres@127.0.0.1:{server.port}/postgres"
        with psycopg.connect(server.url, autocommit=True) as connection:
            connection.execute("CREATE TABLE seats (id text PRIMARY KEY)")
            connection.execute("INSERT INTO seats VALUES ('A1')")
        server.stop()
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(server.url, connect_timeout=2)
        server.start()
        with psycopg.connect(server.url) as connection:
            assert connection.execute("SELECT id FROM seats").fetchall() == [("A1",)]


def test_a_crash_recovers_committed_data_and_loses_open_sessions():
    with private_postgres() as server:
        session = psycopg.connect(server.url, autocommit=True)
        session.execute("CREATE TABLE t (n int)")
        session.execute("INSERT INTO t VALUES (1)")
        server.restart(mode="immediate")
        with pytest.raises(psycopg.OperationalError):
            session.execute("SELECT 1")
        session.close()
        with psycopg.connect(server.url) as connection:
            assert connection.execute("SELECT n FROM t").fetchall() == [(1,)]


def test_the_server_is_configured_for_tests():
    with private_postgres() as server, psycopg.connect(server.url) as connection:
        settings = dict(
            connection.execute(
                "SELECT name, setting FROM pg_settings WHERE name IN "
                "('fsync', 'max_connections', 'listen_addresses', 'port')"
            ).fetchall()
        )
    assert settings == {
        "fsync": "off",
        "max_connections": "200",
        "listen_addresses": "127.0.0.1",
        "port": str(server.port),
    }


def test_create_database_returns_a_url_to_it():
    with private_postgres() as server:
        url = server.create_database("booking-test")
        assert url.endswith(f":{server.port}/booking-test")
        with psycopg.connect(url) as connection:
            assert connection.execute("SELECT current_database()").fetchone() == ("booking-test",)


def test_nothing_is_left_running_afterwards():
    with private_postgres() as server, psycopg.connect(server.url):
        pids = server.processes()
        assert len(pids) > 2  # the postmaster, its helpers and this connection's backend
        root, url = server.root, server.url
    assert_gone(pids, root, url)


def test_cleanup_happens_when_the_test_body_fails():
    seen: dict[str, Any] = {}

    def failing_test() -> None:
        with private_postgres() as server:
            seen["connection"] = psycopg.connect(server.url)  # a backend, left open
            seen.update(pids=server.processes(), root=server.root, url=server.url)
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        failing_test()
    seen["connection"].close()
    assert_gone(seen["pids"], seen["root"], seen["url"])


def test_cleanup_when_the_postmaster_will_not_stop_gracefully():
    """pg_ctl cannot stop a postmaster that ignores its signal: the hard kill must."""
    with private_postgres() as server, psycopg.connect(server.url):
        pids = server.processes()
        os.kill(server.pid, signal.SIGSTOP)  # frozen: it cannot react to pg_ctl's SIGQUIT
        root, url = server.root, server.url
    assert_gone(pids, root, url)


def test_cleanup_after_the_server_was_already_stopped():
    with private_postgres() as server:
        pids, root, url = server.processes(), server.root, server.url
        server.stop()
    assert_gone(pids, root, url)


def test_the_fixture(private_postgres: PrivatePostgres):
    with psycopg.connect(private_postgres.url) as connection:
        assert connection.execute("SELECT current_user").fetchone() == ("postgres",)
