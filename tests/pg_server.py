"""A throw-away PostgreSQL server for the tests (and for trying team mode by hand).

    python tests/pg_server.py start FOLDER    initdb + pg_ctl start; prints `export MAPM_TEST_PG_URL=…`
    python tests/pg_server.py start-tls FOLDER    the same, speaking TLS only (FOLDER/ca.crt signs its certificate)
    python tests/pg_server.py stop FOLDER     pg_ctl stop, and the folder is removed
    python tests/pg_server.py run             start in a new temporary folder, wait for Ctrl-C, stop

The cluster lives in FOLDER (made if missing): data/, the log, and the unix socket. It is tuned for tests
only (fsync, synchronous_commit and full_page_writes off: a crash may lose it, which does not matter for a
throw-away cluster), listens on 127.0.0.1 on a free port, and asks for a password over TCP
(scram-sha-256), so the tests can check what a wrong or missing password does; the unix socket in FOLDER
trusts local users (the set-up runs through it).

A TLS server (`start(folder, tls=True)`) accepts TCP connections over TLS only (`hostssl`), with a certificate
for 127.0.0.1 and localhost signed by a throw-away certificate authority made in FOLDER with `openssl`
(`ca.crt`, what a client's `sslrootcert` names; `other-ca.crt`, an authority that signed nothing, for the
tests of a certificate that is not trusted). The keys never leave FOLDER, which is removed on stop.

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


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _authority(folder: Path, name: str) -> None:
    """A throw-away certificate authority: `name`.key and `name`.crt in `folder` (an EC key: quick to make)."""
    _openssl(
        *("req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"),
        *("-keyout", f"{name}.key", "-out", f"{name}.crt", "-days", "2", "-subj", f"/CN=mapm test {name}"),
        *("-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"),
        cwd=folder,
    )


def make_certificates(folder: Path) -> None:
    """ca.crt/ca.key, server.crt/server.key (127.0.0.1 and localhost, signed by ca) and other-ca.crt in
    `folder`, with `openssl`."""
    if shutil.which("openssl") is None:
        raise FileNotFoundError("openssl is needed to make the TLS test server's certificates")
    _authority(folder, "ca")
    _authority(folder, "other-ca")
    _openssl(
        *("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"),
        *("-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"),
        cwd=folder,
    )
    (folder / "server.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n", encoding="utf-8")
    _openssl(
        *("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial"),
        *("-out", "server.crt", "-days", "2", "-extfile", "server.ext"),
        cwd=folder,
    )


def start(folder: Path, *, tls: bool = False) -> str:
    """Make and start a cluster in `folder` (speaking TLS only, with `tls`); returns the superuser URL."""
    folder = Path(folder).resolve()
    data = folder / "data"
    if data.exists() and any(data.iterdir()):  # (initdb refuses it with a traceback of ours around it)
        raise SystemExit(
            f"{data} already holds a cluster (a run that was killed?): stop it with `python tests/pg_server.py "
            f"stop {folder}` if it runs, then delete {folder}, or give another folder."
        )
    folder.mkdir(parents=True, exist_ok=True)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    folder.chmod(0o700)
    pg = bin_dir()
    subprocess.run(
        _as_owner([str(pg / "initdb"), "-D", str(data), "-U", "postgres", "--auth-local=trust", "-E", "UTF8"])
        + ["--locale=C.UTF-8", "--no-sync"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    tcp = "hostssl" if tls else "host"
    (data / "pg_hba.conf").write_text(
        f"local all all trust\n{tcp} all all 127.0.0.1/32 scram-sha-256\n", encoding="utf-8"
    )
    settings = [*TEST_SETTINGS, f"unix_socket_directories='{folder}'"]
    if tls:
        make_certificates(folder)
        for name in ("server.crt", "server.key"):  # the server reads them as its own user, the key private
            shutil.copy(folder / name, data / name)
            (data / name).chmod(0o600)
            if hasattr(os, "geteuid") and os.geteuid() == 0:
                shutil.chown(data / name, "postgres", "postgres")
        settings += ["ssl=on", "ssl_cert_file='server.crt'", "ssl_key_file='server.key'"]
    with open(data / "postgresql.conf", "a", encoding="utf-8") as conf:
        conf.write("\n".join(settings) + "\n")
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
def running(*, tls: bool = False):
    """A server for the duration of a `with` block: yields its superuser URL."""
    folder = Path(tempfile.mkdtemp(prefix="mapm-pg-"))
    try:
        yield start(folder, tls=tls)
    finally:
        stop(folder)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "run"
    if command in ("start", "start-tls") and len(argv) == 2:
        print(f"export MAPM_TEST_PG_URL={start(Path(argv[1]), tls=command == 'start-tls')}")
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
