"""The engine factory: the one place that knows the database driver.

SQLite is opened in WAL mode with `synchronous=FULL` (NORMAL lost acknowledged saves in every power
loss we simulated), foreign keys on, a busy timeout and `secure_delete` (deleted notes are overwritten,
not left in free pages). Writes run in `BEGIN IMMEDIATE` transactions: a deferred transaction that reads
and then writes fails at once when another process holds the lock, instead of waiting.

The file is created 0600 before SQLite opens it (SQLite gives its -wal and -shm files the same mode),
inside a 0700 folder. Nothing here runs at import time.

The driver (`engine_driver`): an encrypted database is opened with SQLCipher (the `sqlcipher3` wheels)
using a raw key derived once per start (`crypto.DatabaseKey`), so each pooled connection costs no key
derivation; a plain file (the demo, a database from before encryption) with the standard `sqlite3`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from . import locations

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from .crypto import DatabaseKey

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


def file_path(url: str) -> Path | None:
    """The file a `sqlite:///` URL names (None for memory databases and other URLs)."""
    if not url.startswith("sqlite:///"):
        return None
    path = url[len("sqlite:///") :]
    if not path or path.startswith(":memory:") or "?" in path:
        return None
    return Path(path)


def engine_driver(url: str, key: DatabaseKey | None) -> dict:
    """The keyword arguments of `create_engine` that choose the driver: the one place that knows it.

    With a key: sqlcipher3, each connection keyed with the raw key (no key derivation per connection).
    Without: the standard sqlite3, which refuses an encrypted file (PassphraseNeeded, one sentence).
    """
    from . import crypto

    connect_args = {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    path = file_path(url)
    kind = crypto.file_kind(path) if path is not None else "plain"
    if key is None:
        if kind == "encrypted":
            raise crypto.PassphraseNeeded(
                f"{path} is encrypted: give its passphrase (on a terminal, or --passphrase-file or MAPM_PASSPHRASE)."
            )
        return {"connect_args": connect_args}
    if path is None:
        raise DatabaseError("an encrypted database must be a file; give its path with --db.")
    if kind == "plain":
        raise crypto.NotPlain(f"{path} is not encrypted; `mapm encrypt` encrypts it.")
    import sqlcipher3.dbapi2

    return {"module": sqlcipher3.dbapi2, "creator": lambda: crypto.connect(path, key, **connect_args)}


def make_engine(target: str | Path | None = None, key: DatabaseKey | None = None) -> Engine:
    """An engine on `target` (see `resolve_target`); `key` opens (or creates) an encrypted file."""
    # SQLAlchemy is imported here, not at the top: `resolve_target` serves the home screen's quick list
    # (listing.py) before SQLAlchemy is loaded
    from sqlalchemy import event
    from sqlmodel import create_engine

    url = resolve_target(target)
    driver = engine_driver(url, key)
    _prepare_file(url)
    engine = create_engine(url, **driver)

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
        ):
            cur.execute(f"PRAGMA {pragma}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def erase_deleted_search_text(engine: Engine) -> None:
    """Turn on FTS5's `secure-delete` for the search index where SQLite has it (3.42 and later; the
    SQLCipher build has it, the standard sqlite3 of older Pythons may not): deleted entries' words are
    then removed from the index's pages, not only marked deleted. The setting is kept in the file, so this
    writes once per database; it is checked on every open because a database migrated by an older SQLite
    (or encrypted by `mapm encrypt`) may lack it."""
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        version = tuple(int(p) for p in raw.execute("SELECT sqlite_version()").fetchone()[0].split(".")[:2])
        if version < (3, 42):
            conn.rollback()
            return
        has_index = raw.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_index_config'").fetchone()
        done = has_index and raw.execute("SELECT v FROM search_index_config WHERE k = 'secure-delete'").fetchone()
        conn.rollback()
    if has_index and not (done and done[0]):
        with engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO search_index(search_index, rank) VALUES ('secure-delete', 1)")


def close_engine(engine: Engine) -> None:
    """Checkpoint the WAL into the database and truncate it (nothing written, and nothing deleted, stays
    behind in the -wal file), then close every connection."""
    from sqlalchemy.exc import OperationalError

    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.rollback()
    except OperationalError:  # busy in another process: SQLite checkpoints when the last one closes
        pass
    engine.dispose()
