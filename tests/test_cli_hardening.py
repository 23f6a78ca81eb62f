"""The smaller promises of issue 17: "busy" is one exit code, refusals quote little, a full or failing
disk is not blamed on the file, and the demo's throw-away database goes even when the terminal closes.

The commands' promises run on a database file and on a team's PostgreSQL server (issue 13); the file's
own (creating it on a failing disk, SQLite's lock on open, the demo's file) on SQLite only."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mapm_tui import cli
from tests import keys
from tests.cli_helpers import unmeasured_env
from tests.test_bundle import minimal

pytestmark = pytest.mark.both_dialects


def run(capsys, db: Path | str, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = cli.main(["--db", str(db), *argv])
    out = capsys.readouterr()
    return rc, out.out, out.err


@pytest.fixture
def db(tmp_path, capsys, backend, request) -> Path | str:
    """A database holding meeting m-test-1: a file, or a fresh database on the tests' PostgreSQL server."""
    path = request.getfixturevalue("pg_url") if backend == "postgresql" else tmp_path / "h.db"
    bundle = tmp_path / "m.json"
    bundle.write_text(json.dumps(minimal()), encoding="utf-8")
    assert cli.main(["--db", str(path), "import", str(bundle)]) == 0
    capsys.readouterr()
    return path


def _hold_the_write_lock(db, backend):
    """Another window (or, on a server, another person's session) holding the write lock: a connection
    past the store, in a transaction, as `BEGIN IMMEDIATE` (SQLite) or its advisory lock (pgserver)."""
    if backend == "postgresql":
        import psycopg

        from mapm_tui import pgserver

        holder = psycopg.connect(str(db).replace("postgresql+psycopg://", "postgresql://"))
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (pgserver.WRITE_LOCK_KEY,))
        return holder, holder.rollback
    holder = keys.connect_raw(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    return holder, lambda: holder.execute("ROLLBACK")


def test_busy_is_exit_1_for_import_and_finalise_alike(capsys, db, tmp_path, monkeypatch, backend):
    import mapm_tui.db
    from mapm_tui import pgserver

    monkeypatch.setattr(mapm_tui.db, "BUSY_TIMEOUT_MS", 200)
    monkeypatch.setattr(pgserver, "LOCK_TIMEOUT_MS", 200)
    other = minimal()
    other["meeting"]["id"] = "m-test-2"
    bundle = tmp_path / "other.json"
    bundle.write_text(json.dumps(other), encoding="utf-8")
    holder, let_go = _hold_the_write_lock(db, backend)
    try:
        results = [
            run(capsys, db, "import", str(bundle)),
            run(capsys, db, "finalise", "m-test-1", "--by", "Chair"),
        ]
    finally:
        let_go()
        holder.close()
    busy = {  # a file is busy in another window; a server with another person's change
        "sqlite": "mapm: The database is busy in another window; try again in a moment.",
        "postgresql": "mapm: The database is busy with someone else's change; try again in a moment.",
    }[backend]
    for rc, out, err in results:
        assert (rc, out) == (1, ""), err
        assert err.splitlines() == [busy]


@pytest.mark.parametrize(
    "argv",
    [
        ("export", "x" * 1_000_000, "--format", "json"),
        ("check", "\u001b[2J" + "y" * 500_000),
        ("finalise", "m-test-1", "--by", "Chair", "--override", "z" * 1_000_000, "--reason", "r"),
        ("search", "--limit", "0", "q" * 100_000),
    ],
)
def test_refusals_quote_at_most_80_characters(capsys, db, argv):
    rc, out, err = run(capsys, db, *argv)
    assert rc == 2 and out == "" and len(err.splitlines()) == 1, err[:300]
    assert len(err) < 400 and "\x1b" not in err


@pytest.mark.sqlite_only  # creating the database file on a failing disk; a server has no file here
def test_a_failing_disk_is_not_blamed_on_the_file(tmp_path):
    """A real write failure while the database is created (RLIMIT_FSIZE: the kernel refuses to grow a
    file, as a full disk does); the message names the disk, not "check the file is a mapm database"."""
    pytest.importorskip("resource")
    script = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (2000, resource.RLIM_INFINITY))\n"
        "from mapm_tui import cli\n"
        "sys.exit(cli.main(sys.argv[1:]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, "--db", str(tmp_path / "new.db"), "list"],
        capture_output=True,
        text=True,
        timeout=60,
        env=unmeasured_env(),
    )
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1, result.stderr
    assert "disk" in result.stderr and "mapm database" not in result.stderr


@pytest.mark.sqlite_only  # SQLite's "database is locked" result code; a server's lock: the busy test above
def test_a_busy_database_on_open_is_exit_1(monkeypatch, capsys, tmp_path):
    """Opening (the migration check) meets a database locked by another window."""
    from sqlalchemy.exc import OperationalError

    import mapm_tui.store as store

    def locked(engine):
        raise OperationalError("SELECT 1", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(store, "migrate", locked)
    monkeypatch.setattr(sqlite3.OperationalError, "sqlite_errorcode", 5, raising=False)
    rc, out, err = run(capsys, tmp_path / "x.db", "list")
    assert (rc, out) == (1, "") and "busy in another window" in err


@pytest.mark.sqlite_only  # the demo's own throw-away file
def test_the_demo_database_goes_when_the_terminal_closes(tmp_path):
    from tests.test_kill import TerminalApp, child_env, needs_pty

    if needs_pty.args[0]:
        pytest.skip("needs a POSIX pseudo-terminal")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = child_env(tmp_path / "home")
    env["TMPDIR"] = str(scratch)
    app = TerminalApp([sys.executable, "-m", "mapm_tui.cli", "demo"], env).start()
    try:
        app.wait_for("DEMO")
        deadline = time.monotonic() + 60
        while not list(scratch.glob("mapm-demo-*/demo.db")) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert list(scratch.glob("mapm-demo-*/demo.db")), "the demo database was never made"
        app.wait_for("EH-2026-0417")  # the samples are in: the demo is up and drawn
        app.hang_up()
        assert app.wait() != 0
    finally:
        app.close()
    assert [p.name for p in scratch.iterdir()] == []
    assert os.listdir(scratch) == []
