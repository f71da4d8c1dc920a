"""A throwaway PostgreSQL cluster for tests and benchmarks.

`PgCluster.start()` runs `initdb` and `pg_ctl start` in a fresh temporary folder on a free
port (127.0.0.1 only, password authentication for TCP) and creates a login role and a
database; `stop()` stops the server and removes the folder. PostgreSQL refuses to run as
root, so when we are root every server command runs as the unprivileged user `nobody`
(`runuser`), which owns the folder.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SERVER_USER = "nobody"


def pg_bin_dir() -> Path | None:
    """The folder holding initdb/pg_ctl/postgres: PATH first, then Debian's versioned folders."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(os.path.realpath(found)).parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(folder) / "pg_ctl").is_file() and (Path(folder) / "initdb").is_file():
            return Path(folder)
    return None


def unavailable_reason() -> str | None:
    """Why a cluster cannot be started here, or None when it can."""
    if pg_bin_dir() is None:
        return "PostgreSQL server binaries (initdb, pg_ctl) not found; bash .ci/setup --tests installs Debian's postgresql"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser: cannot start PostgreSQL as an unprivileged user"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PgCluster:
    def __init__(self, user: str = "report", password: str = "pw", database: str = "crm"):
        self.user, self.password, self.database = user, password, database
        self.bin = pg_bin_dir()
        self.root: Path | None = None
        self.port = 0
        self.version = ""

    # -------------------------------------------------------------------- running commands

    def _run(self, *args: str, input: str | None = None) -> str:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        done = subprocess.run(command, input=input, capture_output=True, text=True, timeout=120,
                              cwd=self.root)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed: {done.stderr.strip()[-2000:]}")
        return done.stdout

    def psql(self, sql: str, database: str = "postgres") -> str:
        return self._run("psql", "-h", str(self.root), "-p", str(self.port), "-U", "postgres",
                         "-d", database, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql)

    # -------------------------------------------------------------------- life cycle

    def start(self) -> PgCluster:
        self.root = Path(tempfile.mkdtemp(prefix="kmeans-report-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.root, user=SERVER_USER)
        self.root.chmod(0o700)
        data = self.root / "data"
        # Local (socket) connections are trusted for the superuser's set-up; TCP needs a password.
        self._run("initdb", "-D", str(data), "-U", "postgres", "-E", "UTF8", "--no-locale",
                  "--auth-local=trust", "--auth-host=scram-sha-256")
        self.port = free_port()
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        try:
            self._run("pg_ctl", "-D", str(data), "-l", str(self.root / "server.log"), "-o", options,
                      "-w", "-t", "60", "start")
        except RuntimeError:
            self.stop()
            raise
        self.version = self.psql("SHOW server_version").strip()
        quoted = self.password.replace("'", "''")
        self.psql(f"CREATE ROLE {self.user} LOGIN PASSWORD '{quoted}'")
        self.psql(f"CREATE DATABASE {self.database} OWNER {self.user}")
        return self

    def stop(self) -> None:
        if self.root is None:
            return
        if (self.root / "data" / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError, subprocess.SubprocessError):
                self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None

    def url(self, password: str | None = None, database: str | None = None,
            driver: str = "postgresql+psycopg") -> str:
        secret = self.password if password is None else password
        return (f"{driver}://{self.user}:{secret}@127.0.0.1:{self.port}/"
                f"{database or self.database}")

    def __enter__(self) -> PgCluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
