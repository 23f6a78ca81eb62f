"""The engine factory: the one place that knows the database driver.

SQLite is opened in WAL mode with `synchronous=FULL` (NORMAL lost acknowledged saves in every power
loss we simulated), foreign keys on, a busy timeout and `secure_delete` (deleted notes are overwritten,
not left in free pages). Writes run in `BEGIN IMMEDIATE` transactions: a deferred transaction that reads
and then writes fails at once when another process holds the lock, instead of waiting.

The file is created 0600 before SQLite opens it (SQLite gives its -wal and -shm files the same mode),
inside a 0700 folder. Nothing here runs at import time.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from . import locations

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 5000


class DatabaseError(RuntimeError):
    """The database cannot be opened or used; the message says which and what to do."""


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def resolve_target(target: str | Path | None) -> str:
    """A SQLAlchemy URL for `--db PATH|URL`, `MAPM_DB`, or the default file."""
    if target is None or target == "":
        target = os.environ.get("MAPM_DB") or locations.default_db_path()
    target = str(target)
    if "://" in target:
        if not target.startswith("sqlite:"):
            raise DatabaseError(f"'{target.split('://')[0]}' databases are not supported yet; use a SQLite file path.")
        return target
    return sqlite_url(Path(target).expanduser())


def _prepare_file(url: str) -> None:
    path_part = url.split("sqlite:///", 1)[-1] if url.startswith("sqlite:///") else ""
    if not path_part or path_part.startswith(":memory:"):
        return
    path = Path(path_part)
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a database file; give a file name such as {path}/meetings.db.")
    folder = path.parent
    if not folder.exists():
        locations.make_private_dir(folder)
    if not path.exists():
        try:
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        except OSError as exc:
            raise DatabaseError(
                f"cannot create the database {path}: {exc.strerror}; choose another place with --db."
            ) from None
    if os.name == "posix":
        try:
            os.chmod(path, 0o600)
        except OSError:
            pass


def make_engine(target: str | Path | None = None) -> Engine:
    # SQLAlchemy is imported here, not at the top: `resolve_target` serves the home screen's quick list
    # (listing.py) before SQLAlchemy is loaded
    from sqlalchemy import event
    from sqlmodel import create_engine

    url = resolve_target(target)
    _prepare_file(url)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Take transaction control from the driver so that we choose DEFERRED or IMMEDIATE ourselves.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            "foreign_keys=ON",
            f"busy_timeout={BUSY_TIMEOUT_MS}",
            "secure_delete=ON",
            "recursive_triggers=ON",  # REPLACE's implicit delete then fires the final lock's triggers (0005)
        ):
            cur.execute(f"PRAGMA {pragma}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine
