"""A throw-away PostgreSQL server for the tests (and for trying team mode by hand).

    python tests/pg_server.py start FOLDER    initdb + pg_ctl start; prints `export MAPM_TEST_PG_URL=…`
    python tests/pg_server.py stop FOLDER     pg_ctl stop, and the folder is removed
    python tests/pg_server.py run             start in a new temporary folder, wait for Ctrl-C, stop

The cluster lives in FOLDER (made if missing): data/, the log, and the unix socket. It is tuned for tests
only (fsync, synchronous_commit and full_page_writes off: a crash may lose it, which does not matter for a
throw-away cluster), listens on 127.0.0.1 on a free port, and asks for a password over TCP
(scram-sha-256), so the tests can check what a wrong or missing password does; the unix socket in FOLDER
trusts local users (the set-up runs through it).

The tests' URL names a superuser role, `mapm_test`, with a fixed password (a test cluster's, never a real
one). As root (CI), initdb and postgres run as the `postgres` user (`runuser`), who is given the folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

#: Debian's PostgreSQL 15 (the version CI installs); PG_BIN overrides it
BIN_CANDIDATES = ("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin")
ROLE = "mapm_test"
#: the test cluster's superuser password (fictional; the cluster listens on 127.0.0.1 only and is removed)
PASSWORD = "pg-test-only-9f3c"
TEST_SETTINGS = (
    "fsync=off",
    "synchronous_commit=off",
    "full_page_writes=off",
    "listen_addresses='127.0.0.1'",
    "max_connections=200",
    "shared_buffers=32MB",
    "log_min_messages=warning",
    "log_min_error_statement=panic",  # a refused statement (the tests' own) is not logged with its text
)


def bin_dir() -> Path:
    explicit = os.environ.get("PG_BIN")
    if explicit:
        return Path(explicit)
    for candidate in BIN_CANDIDATES:
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise FileNotFoundError("no PostgreSQL server programs (initdb) found; install postgresql-15 or set PG_BIN")


def _as_owner(argv: list[str]) -> list[str]:
    """Run as `postgres` when we are root (PostgreSQL refuses to run as root)."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def url_for(port: int, database: str = "postgres", role: str = ROLE, password: str | None = PASSWORD) -> str:
    secret = f":{password}" if password else ""
    return f"postgresql://{role}{secret}@127.0.0.1:{port}/{database}"


def start(folder: Path) -> str:
    """Make and start a cluster in `folder`; returns the superuser URL."""
    folder = Path(folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    folder.chmod(0o700)
    pg = bin_dir()
    data = folder / "data"
    subprocess.run(
        _as_owner([str(pg / "initdb"), "-D", str(data), "-U", "postgres", "--auth-local=trust", "-E", "UTF8"])
        + ["--locale=C.UTF-8", "--no-sync"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    (data / "pg_hba.conf").write_text(
        "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n", encoding="utf-8"
    )
    with open(data / "postgresql.conf", "a", encoding="utf-8") as conf:
        conf.write("\n".join(TEST_SETTINGS) + f"\nunix_socket_directories='{folder}'\n")
    port = _free_port()
    subprocess.run(
        _as_owner([str(pg / "pg_ctl"), "start", "-w", "-t", "60", "-D", str(data), "-l", str(folder / "log")])
        + ["-o", f"-p {port}"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    (folder / "port").write_text(str(port), encoding="utf-8")
    sql = f"CREATE ROLE {ROLE} SUPERUSER LOGIN PASSWORD '{PASSWORD}'"
    subprocess.run(
        _as_owner(["psql", "-q", "-h", str(folder), "-p", str(port), "-U", "postgres", "-d", "postgres", "-c", sql]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return url_for(port)


def stop(folder: Path) -> None:
    """Stop the cluster in `folder` (immediately: it is thrown away) and remove the folder."""
    folder = Path(folder).resolve()
    data = folder / "data"
    if (data / "postmaster.pid").exists():
        subprocess.run(
            _as_owner([str(bin_dir() / "pg_ctl"), "stop", "-w", "-m", "immediate", "-D", str(data)]),
            check=False,
            stdout=subprocess.DEVNULL,
        )
    shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def running():
    """A server for the duration of a `with` block: yields its superuser URL."""
    folder = Path(tempfile.mkdtemp(prefix="mapm-pg-"))
    try:
        yield start(folder)
    finally:
        stop(folder)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "run"
    if command == "start" and len(argv) == 2:
        print(f"export MAPM_TEST_PG_URL={start(Path(argv[1]))}")
        return 0
    if command == "stop" and len(argv) == 2:
        stop(Path(argv[1]))
        return 0
    if command == "run":
        with running() as url:
            print(f"MAPM_TEST_PG_URL={url}\n(Ctrl-C stops the server and removes it)", flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                if hasattr(os, "pause"):
                    os.pause()
                else:  # Windows has no pause(): Enter stops it too
                    input()
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
