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

import contextlib
import os
import sqlite3
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

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
    """A SQLAlchemy URL for `--db PATH|URL`, else `MAPM_DB`, else the `database_url` setting, else the
    default file. A PostgreSQL server's URL (postgresql://, postgres://) comes back with psycopg 3 as its
    driver (`postgresql+psycopg://`); it may hold a password, so it is never printed (pgserver.describe)."""
    if target is None or target == "":
        target = os.environ.get("MAPM_DB") or _setting_url() or locations.default_db_path()
    target = str(target)
    if "://" in target:
        from . import pgserver

        if pgserver.is_server_url(target):
            return pgserver.DRIVER + "://" + target.split("://", 1)[1]
        if not target.startswith("sqlite:"):
            raise DatabaseError(
                f"'{target.split('://')[0]}' databases are not supported; give a SQLite file path or a "
                "PostgreSQL server's URL (postgresql://ROLE@HOST:5432/DATABASE)."
            )
        return target
    return sqlite_url(Path(target).expanduser())


def _setting_url() -> str | None:
    """The `database_url` setting (a team's PostgreSQL server), if set. A settings file that cannot be read
    gives none here (the app and the commands that need the settings say what is wrong with it)."""
    from .settings import SettingsError, load_settings

    try:
        return load_settings().database_url or None
    except SettingsError:
        return None


def is_server(url: str) -> bool:
    """Whether a URL from `resolve_target` names a PostgreSQL server (not a SQLite file)."""
    return url.startswith("postgresql")


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
        if os.name == "posix":  # a new file: 0600 whatever the umask
            with contextlib.suppress(OSError):
                os.chmod(path, 0o600)
    elif os.name == "posix":
        # an existing file: take away what others may do, never give anything back (a user-set 0400 stays)
        try:
            mode = path.stat().st_mode & 0o777
            if mode & 0o077:
                os.chmod(path, mode & 0o700)
        except OSError:
            pass


# -- what is this file? (checked before anything is written to it) ----------------------------------
#: `PRAGMA application_id` of a mapm database ("MAPM"); set by migration 0006 and so on every new file
APPLICATION_ID = 0x4D41504D
#: the first 16 bytes of every SQLite database file
SQLITE_HEADER = b"SQLite format 3\x00"
#: tables every mapm database has had since its first revision (how one made before 0006 is recognised)
OUR_TABLES = frozenset({"alembic_version", "meeting", "attendee", "entry", "action"})
_BUSY, _LOCKED, _READONLY, _CANTOPEN, _NOTADB = 5, 6, 8, 14, 26
#: `PRAGMA quick_check` reads the whole file. Measured on the shared 2-core machine (loaded): 5.9 s for the
#: bench's big database (937 MB: 10,000 meetings, 1,000,000 entries), 87 ms for 200 meetings (12.9 MB);
#: ~6-7 ms a megabyte. Opening checks files up to this size (under half a second); a bigger file is checked
#: by the app after opening, in a thread, and by `mapm check-db` (the full integrity check) on request.
#: Without it, the checks on open (header, application id, tables) cost 0.3 ms.
QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024


class DamagedDatabase(DatabaseError):
    """The file is not a readable SQLite database any more (truncated, zeroed, overwritten)."""


class ForeignDatabase(DatabaseError):
    """A SQLite database of another program, or a server's database holding another's tables: never
    migrated, never written to."""


def database_path(target: str | Path | None) -> Path | None:
    """The SQLite file that `--db PATH|URL` (or MAPM_DB, or the default) names; None for anything else."""
    return file_path(resolve_target(target))


def read_only_reason(path: Path | None) -> str | None:
    """Why the database must be opened read-only (the file or its folder cannot be written), or None.

    The owner's write bit counts, not only `os.access`: the superuser may write anything, but a file the
    user made 0400 is one they mean to be left alone."""
    if path is None or not path.is_file():
        return None
    if not (os.access(path, os.W_OK) and path.stat().st_mode & stat.S_IWUSR):
        return f"{path} is read-only"
    folder = path.parent
    if not (os.access(folder, os.W_OK) and folder.stat().st_mode & stat.S_IWUSR):
        return f"its folder {folder} is read-only"
    return None


def file_problem(path: Path, *, quick_check: bool = True, key: DatabaseKey | None = None) -> tuple[str, str] | None:
    """What is wrong with the SQLite file at `path` as a mapm database: ("foreign" | "damaged" |
    "key_or_damage" (an encrypted file that `key` does not open), detail),
    or None when it is a mapm database (or empty, or new) that passes `PRAGMA quick_check`.

    A SQLite file is ours when its application id is ours, or (made before migration 0006 set the id)
    when it has no id and the tables of ours. `quick_check` is O(file size) without the index
    cross-checks of `integrity_check` (see `integrity_problems`). Only ever reads.
    """
    if not path.is_file() or path.stat().st_size == 0:
        return None
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        return "damaged", f"it cannot be read: {exc.strerror}"
    encrypted = not header.startswith(SQLITE_HEADER)
    if encrypted and key is None:
        # encrypted (or damaged: without the key the two look alike); the driver asks for the passphrase,
        # and a key that does not open page 1 is reported as a wrong passphrase
        return None
    if len(header) < 100:
        return "damaged", "it is not a SQLite database, or its first page is damaged"
    try:
        con = read_only_connection(path, key if encrypted else None)
        try:
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
            if app_id != APPLICATION_ID:
                tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                if app_id != 0 or (tables and not tables >= OUR_TABLES):
                    return "foreign", "another program's SQLite database"
            if quick_check:
                result = con.execute("PRAGMA quick_check(1)").fetchone()[0]
                if result != "ok":
                    return "damaged", f"quick check: {' '.join(str(result).split())[:80]}"
        finally:
            con.close()
    except driver_errors() as exc:
        code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
        if code in (_BUSY, _LOCKED, _READONLY, _CANTOPEN):
            return None  # another window is writing, or no reader can be set up here: the engine will say
        if encrypted and code == _NOTADB:  # page 1 does not decrypt: a wrong key or a damaged file
            return "key_or_damage", " ".join(str(exc).split())[:80]
        return "damaged", " ".join(str(exc).split())[:80]
    return None


def check_database(
    target: str | Path | None, *, quick_check: bool | None = None, key: DatabaseKey | None = None
) -> None:
    """Refuse a file that is not a mapm database, or that is damaged, before it is opened for writing
    (so a foreign file is never migrated). Raises ForeignDatabase or DamagedDatabase, each one sentence
    naming the file and what to do (for a damaged file, the newest good backup).

    The header, application id and tables are always checked (well under a millisecond); `quick_check`
    None runs `PRAGMA quick_check` on files up to QUICK_CHECK_MAX_BYTES, True on any, False on none."""
    path = database_path(target)
    if path is None:
        return
    if quick_check is None:
        try:
            quick_check = path.stat().st_size <= QUICK_CHECK_MAX_BYTES
        except OSError:
            quick_check = True
    problem = file_problem(path, quick_check=bool(quick_check), key=key)
    if problem is None:
        return
    kind, detail = problem
    if kind == "key_or_damage":
        from .crypto import WrongPassphrase

        raise WrongPassphrase(key_or_damage_sentence(path))
    if kind == "foreign":
        raise ForeignDatabase(
            f"{path} is {detail}, not a mapm database; nothing was changed. "
            "Give the path of a mapm database (or a new file name) with --db."
        )
    raise DamagedDatabase(damaged_sentence(path, detail))


def integrity_problems(target: str | Path | None, limit: int = 20, key: DatabaseKey | None = None) -> list[str]:
    """`PRAGMA integrity_check`: every page, every index against its table (slow on a big file: on
    request only, `mapm check-db`). An empty list means the file is sound."""
    path = database_path(target)
    if path is None or not path.is_file():
        return [f"{path} does not exist"] if path is not None else []
    try:
        con = read_only_connection(path, key)
        try:
            rows = [row[0] for row in con.execute(f"PRAGMA integrity_check({int(limit)})")]
        finally:
            con.close()
    except driver_errors() as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def damaged_sentence(path: Path, detail: str) -> str:
    """'<file> is damaged (…) and cannot be opened.' and where its newest good backup is, if any."""
    from .backup import newest_good_backup

    detail = " ".join(detail.split())[:80]
    sentence = f"{path} is damaged ({detail}) and cannot be opened; nothing was changed."
    backup = newest_good_backup(path)
    if backup is None:
        return f"{sentence} No backup of it was found."
    return (
        f"{sentence} The newest good backup is {backup.path} ({backup.when}): "
        f"restore it with `mapm --db {path} restore {backup.path}`."
    )


def key_or_damage_sentence(path: Path) -> str:
    """Why an encrypted file does not open with the key given. SQLCipher cannot tell a wrong passphrase
    from a damaged file (page 1's HMAC fails either way), so the sentence says both and names the newest
    backup (listed, not checked: the key that would check it may be the wrong one)."""
    from .backup import newest_good_backup

    sentence = (
        f"That passphrase does not open {path}: either it is not the passphrase, or the file is damaged "
        "(an encrypted file cannot tell the two apart); nothing was changed. Check the passphrase and try again"
    )
    backup = newest_good_backup(path)
    if backup is None:
        return f"{sentence}; no backup of it was found."
    return (
        f"{sentence}; if it is right, the newest backup is {backup.path} ({backup.when}): "
        f"restore it with `mapm --db {path} restore {backup.path}`."
    )


def read_only_connection(path: Path, key: DatabaseKey | None):
    """A read-only DB-API connection to `path`: the standard sqlite3 for a plain file, SQLCipher with `key`."""
    uri = f"file:{quote(str(path))}?mode=ro"
    if key is None:
        return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    from . import crypto

    return crypto.connect(uri, key, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)


def driver_errors() -> tuple[type[Exception], ...]:
    """The DatabaseError classes of both drivers (sqlcipher3's is its own class, not sqlite3's)."""
    try:
        import sqlcipher3.dbapi2
    except ImportError:  # pragma: no cover - sqlcipher3 is a dependency
        return (sqlite3.DatabaseError,)
    return (sqlite3.DatabaseError, sqlcipher3.dbapi2.DatabaseError)


def file_path(url: str) -> Path | None:
    """The file a `sqlite:///` URL names (None for memory databases and other URLs)."""
    if not url.startswith("sqlite:///"):
        return None
    path = url[len("sqlite:///") :]
    if not path or path.startswith(":memory:") or "?" in path:
        return None
    return Path(path)


def engine_driver(url: str, key: DatabaseKey | None, *, read_only: bool = False) -> dict:
    """The keyword arguments of `create_engine` that choose the driver: the one place that knows it.

    With a key: sqlcipher3, each connection keyed with the raw key (no key derivation per connection).
    Without: the standard sqlite3, which refuses an encrypted file (PassphraseNeeded, one sentence).
    """
    from . import crypto

    if is_server(url):
        if key is not None:
            raise DatabaseError(
                "a PostgreSQL server's database has no passphrase: its encryption is the server's (disk "
                "encryption, and TLS with sslmode=verify-full); open it without --passphrase-file or MAPM_PASSPHRASE."
            )
        from . import pgserver

        return pgserver.engine_options()
    connect_args: dict[str, Any] = {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
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

    if read_only:  # SQLite refuses every write (SQLITE_READONLY)
        uri = f"file:{quote(str(path))}?mode=ro"
        return {"module": sqlcipher3.dbapi2, "creator": lambda: crypto.connect(uri, key, uri=True, **connect_args)}
    return {"module": sqlcipher3.dbapi2, "creator": lambda: crypto.connect(path, key, **connect_args)}


def make_engine(target: str | Path | None = None, key: DatabaseKey | None = None) -> Engine:
    """An engine on `target` (see `resolve_target`); `key` opens (or creates) an encrypted file."""
    # SQLAlchemy is imported here, not at the top: `resolve_target` serves the home screen's quick list
    # (listing.py) before SQLAlchemy is loaded
    from sqlalchemy import event
    from sqlmodel import create_engine

    url = resolve_target(target)
    if is_server(url):
        return _server_engine(url, key)
    path = file_path(url)
    read_only = read_only_reason(path) is not None
    driver = engine_driver(url, key, read_only=read_only)
    _prepare_file(url)
    if read_only and key is None:  # opened read-only: SQLite refuses every write (SQLITE_READONLY)
        url = f"sqlite:///file:{quote(str(path))}?mode=ro&uri=true"
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
            "recursive_triggers=ON",  # REPLACE's implicit delete then fires the final lock's triggers (0005)
        ):
            cur.execute(f"PRAGMA {pragma}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _server_engine(url: str, key: DatabaseKey | None) -> Engine:
    """An engine on a PostgreSQL server (psycopg 3): logged in once first, so an unreachable server, a
    refused login or a missing password is one sentence (pgserver's typed errors) before anything else.
    None of SQLite's pragmas, file checks or BEGIN IMMEDIATE: writes take pgserver's write lock instead."""
    from sqlmodel import create_engine

    from . import pgserver

    driver = engine_driver(url, key)
    server_url = pgserver.login(pgserver.engine_url(url))
    engine = create_engine(server_url, **driver)
    pgserver.install_write_lock(engine)
    return engine


def dialect_of(engine: Engine) -> str:
    """'sqlite' or 'postgresql': what the SQL written by hand (search, pragmas, upserts) is chosen by."""
    return engine.dialect.name


def erase_deleted_search_text(engine: Engine) -> None:
    """Turn on FTS5's `secure-delete` for the search index where SQLite has it (3.42 and later; the
    SQLCipher build has it, the standard sqlite3 of older Pythons may not): deleted entries' words are
    then removed from the index's pages, not only marked deleted. The setting is kept in the file, so this
    writes once per database; it is checked on every open because a database migrated by an older SQLite
    (or encrypted by `mapm encrypt`) may lack it. PostgreSQL's index keeps no text of deleted rows."""
    if dialect_of(engine) != "sqlite":
        return
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None  # None only once a connection is closed; this one was just opened
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

    if dialect_of(engine) != "sqlite":
        engine.dispose()
        return
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.rollback()
    except OperationalError:  # busy in another process: SQLite checkpoints when the last one closes
        pass
    engine.dispose()
