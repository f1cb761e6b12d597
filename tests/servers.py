"""Servers of a test's own: PostgreSQL clusters (a primary and its streaming replicas) on spare ports, in temporary
folders, run as the `postgres` user (initdb refuses root), so that tests may stop, kill and delay them."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest


def pg_bin(name: str) -> str:
    found = sorted(str(path) for path in Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not found:
        pytest.skip(f"PostgreSQL server binaries ({name}) are not installed")
    return found[-1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(*args: str) -> None:
    command = list(args)
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True, timeout=60)  # noqa: S603


class PrivatePostgres:
    """A throw-away cluster on a spare port: a primary (:meth:`init`) or a streaming replica (:meth:`replica`)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.port = free_port()

    @classmethod
    def new(cls) -> PrivatePostgres:
        root = Path(tempfile.mkdtemp(prefix="chopchop-pg-"))
        root.chmod(0o777)
        return cls(root)

    def _as_postgres(self, *args: str) -> None:
        _as_postgres(*args)

    def init(self) -> None:
        self._as_postgres(pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def replica(self) -> PrivatePostgres:
        """A new streaming replica of this (running) server: ``pg_basebackup -R``, not started yet."""
        standby = PrivatePostgres.new()
        self._as_postgres(
            pg_bin("pg_basebackup"),
            *("-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"),
            *("-D", str(standby.data), "-R", "-X", "stream", "--no-sync", "-c", "fast"),
        )
        return standby

    def start(self, *, slow_recovery: bool = False) -> None:
        """Start and wait until it accepts connections.

        ``slow_recovery``: go through archive recovery with a ``restore_command`` that waits and finds nothing,
        so that for a second or two the server is up but refuses connections with SQLSTATE 57P03 ("the
        database system is starting up" / "not accepting connections"), as a real restart does while it
        replays its WAL.
        """
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        if slow_recovery:
            (self.data / "recovery.signal").touch()
            options += " -c hot_standby=off -c restore_command='sleep 0.3; exit 1'"
        log = str(self.root / "server.log")  # the server must not inherit our pipes
        self._as_postgres(pg_bin("pg_ctl"), "-D", str(self.data), "-l", log, "-o", options, "-w", "-t", "30", "start")

    def stop(self, mode: str = "immediate", *, wait: bool = True) -> None:
        self._as_postgres(pg_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w" if wait else "-W", "stop")

    def ensure_stopped(self) -> None:
        """Stop the server unless it is down already (a smart shutdown ends by itself with its last session)."""
        if self._running():
            with contextlib.suppress(subprocess.CalledProcessError):  # it may finish that shutdown meanwhile
                self.stop("fast")
        assert not self._running()

    def _running(self) -> bool:
        try:
            self._as_postgres(pg_bin("pg_ctl"), "-D", str(self.data), "status")
        except subprocess.CalledProcessError:
            return False
        return True

    def remove(self) -> None:
        """Stop (if running) and delete the cluster."""
        subprocess.run(  # noqa: S603
            ["runuser", "-u", "postgres", "--", pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]
            if os.geteuid() == 0
            else [pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self.root, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
