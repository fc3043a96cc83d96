"""A throwaway PostgreSQL server for the tests: a cluster in a temporary folder, on loopback.

``make test`` installs Debian's ``postgresql`` package when it is missing (the ``postgres``
target). PostgreSQL will not run as root, so when the tests run as root the cluster
belongs to the ``postgres`` system user the package created, and its commands run
through ``runuser``. The server listens on 127.0.0.1 on a free port, with its unix
socket in the temporary folder, trusts local connections (it is reachable only from
this machine, and only for the length of the test session), and is stopped and
removed at the end.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Optional


class Unavailable(Exception):
    """No PostgreSQL server can be started here (the reason says why)."""


def bindir() -> Optional[Path]:
    """The folder of initdb/pg_ctl: $PG_BINDIR, Debian's newest /usr/lib/postgresql/N/bin, or $PATH."""
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3])
                   if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``Server().start()`` -> a running cluster; ``dsn(db)``, ``create_database(name)``, ``stop()``."""

    def __init__(self):
        self.bin = bindir()
        if self.bin is None or not (self.bin / "initdb").exists():
            raise Unavailable("PostgreSQL is not installed (no initdb/pg_ctl; `make test` installs Debian's "
                              "postgresql package)")
        self.user = None  # run the server as this system user (when we are root)
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                raise Unavailable("running as root and there is no `postgres` system user to run the server as")
            self.user = "postgres"
        self.tmp = Path(tempfile.mkdtemp(prefix="parley-pg-"))
        self.data = self.tmp / "data"
        self.log = self.tmp / "server.log"
        self.port = free_port()
        if self.user:
            shutil.chown(self.tmp, user=self.user)
        self.running = False

    def _run(self, *cmd, check=True) -> subprocess.CompletedProcess:
        argv = [str(c) for c in cmd]
        if self.user:
            argv = ["runuser", "-u", self.user, "--"] + argv
        p = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=self.tmp)
        if check and p.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise Unavailable(f"{' '.join(argv)} failed ({p.returncode}): {p.stderr.strip()[-1000:]} {log}")
        return p

    def start(self) -> "Server":
        try:
            self._run(self.bin / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                      "--locale=C.UTF-8" if _has_c_utf8() else "--locale=C", "--no-sync")
            opts = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.tmp} -c fsync=off"
                    " -c synchronous_commit=off -c full_page_writes=off -c max_connections=50")
            self._run(self.bin / "pg_ctl", "-D", self.data, "-l", self.log, "-o", opts, "-w", "-t", "60", "start")
            self.running = True
        except (Unavailable, OSError, subprocess.SubprocessError) as e:
            self.stop()
            raise Unavailable(f"could not start PostgreSQL: {e}") from None
        return self

    def dsn(self, db: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{db}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.dsn(), autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}"')
            con.execute(f'CREATE DATABASE "{name}"')
        return self.dsn(name)

    def stop(self) -> None:
        if self.running:
            self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop", check=False)
            self.running = False
        shutil.rmtree(self.tmp, ignore_errors=True)


def _has_c_utf8() -> bool:
    try:
        out = subprocess.run(["locale", "-a"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return any(x.lower() in ("c.utf8", "c.utf-8") for x in out.split())
