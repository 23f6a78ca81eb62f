"""The tests' encrypted store: on by default, as in real use.

`MAPM_TEST_ENCRYPTED=0` makes the fixtures' stores plain SQLite files instead (to compare, or to find
out whether a failure is SQLCipher's); a new database made by the CLI is encrypted either way, as in use.
Encrypted, every store the fixtures make is a SQLCipher file opened
with `key()`, and `MAPM_PASSPHRASE` is set for the command-line and app subprocesses, so the storage,
CLI and Pilot suites run on the encrypted store. The key is derived once per test session, with a fixed
salt (each database normally gets its own; one for all the tests' throw-away files changes nothing that
is tested and saves the derivation, a third of a second, per test).
"""

from __future__ import annotations

import functools
import os

#: fictional, and strong enough for a new database
PASSPHRASE = "test kettle orchard blue tram"
SALT = bytes(range(16))


def encrypted() -> bool:
    return os.environ.get("MAPM_TEST_ENCRYPTED", "1") != "0"


@functools.cache
def _key(salt: bytes = SALT):
    from mapm_tui import crypto

    return crypto.derive_key(PASSPHRASE, salt)


def remembering(derive_key):
    """`derive_key` (the product's, unchanged: PBKDF2, 256,000 iterations) remembering what it derived, for
    the test session. The product derives a key once per start; the tests start the CLI and the app
    hundreds of times on the same few files, so a key already derived for a passphrase and salt is given
    again instead of derived again. A new database made with the tests' passphrase gets the tests' fixed
    salt (as the fixtures' files have; see above); any other passphrase gets a fresh random salt, as in use."""
    derived: dict[tuple[str, bytes], object] = {}

    @functools.wraps(derive_key)
    def derive(passphrase: str, salt: bytes | None = None):
        if salt is None:
            if passphrase != PASSPHRASE:
                return derive_key(passphrase)
            salt = SALT
        if (passphrase, salt) not in derived:
            derived[passphrase, salt] = derive_key(passphrase, salt)
        return derived[passphrase, salt]

    return derive


def key_for(path):
    """The key of a test database file: the fixtures' (a new file, or one they made), or the one that the
    tests' passphrase gives with the file's own salt (a file the CLI made with MAPM_PASSPHRASE)."""
    from pathlib import Path

    from mapm_tui import crypto

    if not encrypted():
        return None
    if crypto.file_kind(Path(path)) == "encrypted":
        return _key(crypto.file_salt(Path(path)))
    return _key()


def key():
    """The key of the tests' databases (None when the suite runs on plain files)."""
    return _key() if encrypted() else None


def open_test_store(path, clock=None):
    """`open_store` as the fixtures use it: encrypted unless MAPM_TEST_ENCRYPTED=0; a test's PostgreSQL
    database (its name, `store.engine.url.database`) is opened on the tests' server."""
    from mapm_tui.store import open_store
    from tests import pg

    if pg.is_test_database(path):
        return open_store(pg.with_database(pg.need_server(), str(path)), clock)
    return open_store(path, clock, key=key_for(path))


def db_of(store) -> str:
    """What `--db` names to reach the same database as `store`: its file, or its server URL."""
    if store.engine.dialect.name == "postgresql":
        return store.engine.url.render_as_string(hide_password=False)
    return str(store.engine.url.database)


def connect_raw(path, **kwargs):
    """A DB-API connection straight to a test database, past the store: SQLCipher with the tests' key
    for an encrypted file, the standard sqlite3 for a plain one (`kwargs` go to the driver's connect); for
    a test's PostgreSQL database (its name, as `store.engine.url.database` gives it) a psycopg connection
    that takes sqlite3's `?` placeholders (tests/pg.py)."""
    import sqlite3
    from pathlib import Path

    from mapm_tui import crypto
    from tests import pg

    if pg.is_test_database(path) or "://" in str(path):
        return pg.raw_connection(str(path))

    if crypto.file_kind(Path(path)) == "encrypted":
        return crypto.connect(path, _key(crypto.file_salt(Path(path))), **kwargs)
    return sqlite3.connect(path, **kwargs)


def _errors(name: str) -> tuple[type[Exception], ...]:
    import sqlite3

    import psycopg
    import sqlcipher3.dbapi2

    return (getattr(sqlite3, name), getattr(sqlcipher3.dbapi2, name), getattr(psycopg, name))


#: what `connect_raw`'s connections raise, whichever driver it chose (for pytest.raises)
IntegrityError = _errors("IntegrityError")
DatabaseError = _errors("DatabaseError")
OperationalError = _errors("OperationalError")


def dump(path) -> str:
    """The whole test database as SQL, through `connect_raw` (sqlcipher3's connection has no iterdump:
    the standard library's dump walks any DB-API connection); for a test's PostgreSQL database, every row
    of every table in a fixed order (the same content or not, as for SQLite)."""
    from sqlite3.dump import _iterdump

    from tests import pg

    if pg.is_test_database(path) or "://" in str(path):
        return _pg_dump(str(path))
    conn = connect_raw(path)
    try:
        return "\n".join(_iterdump(conn))
    finally:
        conn.close()


def _pg_dump(database: str) -> str:
    """Every row of every table of the mapm schema on a test's PostgreSQL database, sorted (a text that
    differs if and only if the content does)."""
    from tests import pg

    conn = pg.raw_connection(database)
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                "AND table_type = 'BASE TABLE' ORDER BY table_name"
            ).fetchall()
        ]
        lines = []
        for table in tables:
            rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()
            lines += [f"{table}: {row!r}" for row in sorted(rows, key=repr)]
        return "\n".join(lines)
    finally:
        conn.close()
