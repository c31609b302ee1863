"""A throwaway PostgreSQL + PostGIS server for the store tests and the load benchmark.

`start_server` runs Debian's ``initdb`` on a fresh directory under the system temp folder,
starts ``postgres`` with ``pg_ctl`` on a free port number, listening only on a Unix socket in
that directory (no TCP, so no clash with other servers on the machine), creates the
database ``forage`` with the ``postgis`` extension, and returns a `PostgisServer` whose
``stop`` ends the server and deletes the directory. PostgreSQL refuses to run as root: as
root the directory is given to the ``postgres`` OS user and every server command runs as
that user (``runuser``). `missing_reason` says why no server can be started here (no
binaries, no PostGIS extension, no ``postgres`` user), for a visible skip.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

DATABASE: Final[str] = "forage"
#: The scenario store backends the store tests run on (``postgis`` through this server).
BACKENDS: Final[tuple[str, ...]] = ("gpkg", "postgis")
#: Server settings for a test server: durability off (the data is thrown away), room for the
#: load test's concurrent connections.
SETTINGS: Final[dict[str, str]] = {
    "listen_addresses": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "32MB",
}


def bindir() -> Path | None:
    """Return the folder of ``initdb``/``pg_ctl`` (``pg_config --bindir``, else Debian's)."""
    candidates = []
    if shutil.which("pg_config"):
        out = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=False
        ).stdout.strip()
        candidates.append(Path(out))
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    return next((c for c in candidates if (c / "initdb").is_file()), None)


def _sharedir(bin_dir: Path) -> Path:
    out = subprocess.run(
        [str(bin_dir / "pg_config"), "--sharedir"], capture_output=True, text=True, check=False
    ).stdout.strip()
    if out:
        return Path(out)
    return Path("/usr/share/postgresql") / bin_dir.parent.name


def missing_reason() -> str | None:
    """Return why a PostGIS test server cannot be started here, or None if it can."""
    bin_dir = bindir()
    if bin_dir is None:
        return "PostgreSQL server binaries (initdb, pg_ctl) not found; `make postgis` installs them"
    if not (_sharedir(bin_dir) / "extension" / "postgis.control").is_file():
        return "the PostGIS extension is not installed; `make postgis` installs it"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no `postgres` user to run the server as"
    return None


def free_port() -> int:
    """Return a TCP port number nobody listens on now (names the socket file)."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgisServer:
    """A running throwaway server: its folder, port and database URL."""

    directory: Path
    port: int
    bin_dir: Path

    @property
    def url(self) -> str:
        """The URL of database `DATABASE` (user postgres, Unix socket)."""
        return f"postgresql://postgres@/{DATABASE}?host={self.directory}&port={self.port}"

    def schema_url(self, schema: str) -> str:
        """The URL that keeps the plan tables in ``schema`` (created by the caller)."""
        return f"{self.url}&options=-csearch_path%3D{schema},public"

    def stop(self) -> None:
        """Stop the server (fast shutdown) and delete its folder."""
        _run(self.bin_dir / "pg_ctl", "-D", str(self.directory / "data"), "-m", "fast", "stop")
        shutil.rmtree(self.directory, ignore_errors=True)


def _as_server_user() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _run(program: Path, *args: str) -> None:
    subprocess.run(
        [*_as_server_user(), str(program), *args],
        check=True,
        capture_output=True,
        text=True,
        cwd="/",
    )


def start_server() -> PostgisServer:
    """Initialise and start a server with database `DATABASE` and PostGIS; see module doc."""
    import psycopg

    bin_dir = bindir()
    if bin_dir is None:
        raise RuntimeError(missing_reason())
    directory = Path(tempfile.mkdtemp(prefix="forage-pg-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(directory, user.pw_uid, user.pw_gid)
    port = free_port()
    server = PostgisServer(directory, port, bin_dir)
    data = directory / "data"
    try:
        _run(
            bin_dir / "initdb",
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        options = " ".join(f"-c {k}={v}" for k, v in SETTINGS.items())
        _run(
            bin_dir / "pg_ctl",
            "-D",
            str(data),
            "-l",
            str(directory / "server.log"),
            "-w",
            "-o",
            f"-p {port} -k {directory} {options}",
            "start",
        )
        admin = f"postgresql://postgres@/postgres?host={directory}&port={port}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")
        with psycopg.connect(server.url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION postgis")
    except BaseException:
        with contextlib.suppress(subprocess.CalledProcessError):
            server.stop()
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return server


def new_schema_url(server: PostgisServer) -> str:
    """Create an empty schema on ``server``; return the URL that keeps a store in it."""
    import uuid

    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return server.schema_url(schema)
