"""TLS to the team's server (issue 13): a URL that asks for `sslmode=verify-full` gets an encrypted session
checked against the partnership's certificate authority, and each way that fails is one sentence.

The TLS server is one of this module's own (tests/pg_server.py `start(…, tls=True)`: a throw-away CA and a
certificate for 127.0.0.1 made with openssl, TLS-only connections over TCP); the test of a server without
TLS uses the tests' shared server."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import psycopg
import pytest

from mapm_tui.store import open_store
from tests import pg, pg_server
from tests.cli_helpers import mapm


def _programs_available() -> bool:
    try:
        return (pg_server.bin_dir() / "pg_ctl").exists() and shutil.which("openssl") is not None
    except (OSError, RuntimeError, SystemExit):
        return False


@pytest.fixture(scope="module")
def tls_server():
    """A TLS-only server for this module: (its folder, the superuser URL of a migrated database on it)."""
    if not _programs_available():
        if pg.required():
            pytest.fail("PostgreSQL's programs or openssl are missing, and the PostgreSQL half must run here")
        pytest.skip("PostgreSQL's programs (pg_ctl) or openssl are not installed here")
    folder = Path(tempfile.mkdtemp(prefix="mapm-pg-tls-"))  # the postgres user must reach it: not tmp_path
    try:
        url = pg_server.start(folder, tls=True)
        with pg.admin(url + f"?sslmode=verify-full&sslrootcert={folder / 'ca.crt'}") as conn:
            conn.execute('CREATE DATABASE "mapm_tls"')
        yield folder, pg.with_database(url, "mapm_tls")
    finally:
        pg_server.stop(folder)


def _with(url: str, **query: str) -> str:
    return url + "?" + "&".join(f"{name}={value}" for name, value in query.items())


@pytest.fixture
def no_password_sources(monkeypatch, tmp_path):
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    monkeypatch.delenv("PGPASSWORD", raising=False)


def test_verify_full_connects_and_the_session_is_encrypted(tls_server, clock, no_password_sources):
    folder, url = tls_server
    tls_url = _with(url, sslmode="verify-full", sslrootcert=str(folder / "ca.crt"))
    store = open_store(tls_url, clock)
    try:
        with store.engine.connect() as conn:
            ssl, version = conn.exec_driver_sql(
                "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
            ).one()
            conn.rollback()
    finally:
        store.close()
    assert ssl is True and version.startswith("TLS")
    # the CLI connects the same way; the server takes TCP connections over TLS only, so it was encrypted
    done = mapm("list", "--format", "json", db=tls_url)
    assert done.returncode == 0, done.stderr
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(_with(url.replace("postgresql+psycopg://", "postgresql://"), sslmode="disable")).close()


def test_a_certificate_from_another_authority_is_refused_in_one_sentence(tls_server, no_password_sources):
    folder, url = tls_server
    assert pg_server.PASSWORD in url  # the URL holds the password: it must not be repeated
    done = mapm("list", db=_with(url, sslmode="verify-full", sslrootcert=str(folder / "other-ca.crt")))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1, done.stderr
    assert "cannot reach the database mapm_tls on 127.0.0.1" in done.stderr
    assert "over TLS" in done.stderr and "sslrootcert" in done.stderr
    assert "Traceback" not in done.stderr and pg_server.PASSWORD not in done.stderr


def test_requiring_tls_of_a_server_without_it_is_one_sentence(no_password_sources):
    server = pg.need_server()  # the tests' shared server: no TLS
    done = mapm("list", db=_with(server, sslmode="require"))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1, done.stderr
    assert "cannot reach the database postgres on 127.0.0.1" in done.stderr and "with TLS on" in done.stderr
    assert "Traceback" not in done.stderr and pg_server.PASSWORD not in done.stderr
