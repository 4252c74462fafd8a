"""A throwaway PostgreSQL server for the tests of ledgers kept in PostgreSQL (issue 15).

``start_server`` runs ``initdb`` and ``pg_ctl`` from the Debian ``postgresql`` package on a new cluster in a temporary
directory, listening only on a Unix socket there (no TCP port, so nothing clashes with a server already running),
with ``fsync`` on (the default, as a lab's server has it). ``initdb`` refuses to run as root: as root (CI) every
program runs as the ``postgres`` user through ``runuser``. Local connections as ``postgres`` need no password; the
role ``examiner`` logs in with a password (scram-sha-256), to check that it comes from libpq's usual places.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

Which = Callable[[str], str | None]
PORT = 5432  # only names the socket file: the server listens on no TCP port
EXAMINER_PASSWORD = "examiner test password"  # noqa: S105 - a test password
HBA = """local all postgres trust
local all examiner scram-sha-256
"""


class ServerUnavailableError(Exception):
    """The server cannot be started here (the reason says why)."""


@dataclass(frozen=True)
class PgServer:
    """A running test server: its Unix socket directory and data directory."""

    base: Path
    bindir: Path
    as_postgres: tuple[str, ...]

    @property
    def socket_dir(self) -> Path:
        return self.base / "socket"

    def url(self, ledger: str | None, *, database: str = "scelle", user: str = "postgres") -> str:
        """A ledger location on this server (``ledger=None``: the connection string alone)."""
        host = quote(str(self.socket_dir), safe="")
        url = f"postgresql://{user}@/{database}?host={host}&port={PORT}"
        return url if ledger is None else f"{url}&ledger={ledger}"

    def conninfo(self, *, database: str = "scelle") -> str:
        """A libpq connection string for the tests' own checks and tamperings."""
        return f"host={self.socket_dir} port={PORT} user=postgres dbname={database}"

    def stop(self) -> None:
        """Stop the server at once and remove its directory."""
        pg_ctl = str(self.bindir / "pg_ctl")
        subprocess.run(
            [*self.as_postgres, pg_ctl, "-D", str(self.base / "data"), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.base, ignore_errors=True)


def find_bindir(which: Which) -> Path:
    """The newest PostgreSQL server programs' directory (Debian keeps them out of ``PATH``)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = which("initdb")
    if initdb is None:
        raise ServerUnavailableError(
            "PostgreSQL server programs (initdb, pg_ctl) are not installed: install postgresql"
        )
    return Path(initdb).parent


def start_server(which: Which) -> PgServer:
    """Create and start a new cluster; ``ServerUnavailableError`` says why it could not. ``which`` finds a program
    (``tests.support.tools.optional_tool`` in the tests, so that only external tests start a server)."""
    bindir = find_bindir(which)
    as_postgres: tuple[str, ...] = ()
    base = Path(tempfile.mkdtemp(prefix="scelle-pg-"))
    if os.geteuid() == 0:
        runuser = which("runuser")
        if runuser is None:
            raise ServerUnavailableError("running as root and runuser is missing: cannot run initdb as postgres")
        as_postgres = (runuser, "-u", "postgres", "--")
        shutil.chown(base, "postgres", "postgres")
    server = PgServer(base=base, bindir=bindir, as_postgres=as_postgres)
    try:
        _initialise(server)
    except BaseException:
        server.stop()
        raise
    return server


def _run(server: PgServer, *args: str, stdin: str | None = None) -> None:
    done = subprocess.run([*server.as_postgres, *args], input=stdin, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ServerUnavailableError(f"{Path(args[0]).name} failed: {(done.stderr or done.stdout).strip()[-500:]}")


def _initialise(server: PgServer) -> None:
    data, log = server.base / "data", server.base / "server.log"
    server.socket_dir.mkdir()
    if server.as_postgres:
        shutil.chown(server.socket_dir, "postgres", "postgres")
    initdb = str(server.bindir / "initdb")
    _run(server, initdb, "-D", str(data), "-U", "postgres", "-E", "UTF8", "--no-sync", "-A", "trust")
    _run(server, "sh", "-c", f"cat > {data}/pg_hba.conf", stdin=HBA)
    _run(
        server,
        str(server.bindir / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        str(log),
        "-w",
        "-t",
        "30",
        "-o",
        f"-c listen_addresses='' -k {server.socket_dir} -p {PORT} -c max_connections=100",
        "start",
    )
    import psycopg

    with psycopg.connect(server.conninfo(database="postgres"), autocommit=True) as conn:
        conn.execute("CREATE DATABASE scelle")
        conn.execute("CREATE DATABASE empty")
        conn.execute(f"CREATE ROLE examiner LOGIN PASSWORD '{EXAMINER_PASSWORD}'")
    with psycopg.connect(server.conninfo(), autocommit=True) as conn:
        # Tables made later by postgres (the first ledger's creator) are open to examiner's rows, not to DDL.
        conn.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE ON TABLES TO examiner")
