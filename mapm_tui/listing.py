"""The list of meetings, and a way to read it before SQLAlchemy is loaded.

`Store.list_meetings` runs `LIST_SQL`. The home screen also calls `quick_list` first: it reads the same
rows with the standard library's `sqlite3`, so the meetings are on screen without waiting for SQLModel and
SQLAlchemy to load (they cost more than Textual itself, ~0.5 s here; bench/README.md). It applies to a
SQLite file that exists and to a PostgreSQL server (read with psycopg alone, `quick_server_list`), each
already at the newest schema revision; for anything else (a new file, a database that needs migrating,
a server that cannot be reached or wants a password, any error) it returns None and the caller opens the
store as usual, which migrates first and says what is wrong. It only ever reads. An encrypted file is read
the same way with the same driver and key as the store (`crypto.connect`, the key derived once at unlock).

No SQLAlchemy, SQLModel or Textual here: importing this module must stay cheap.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .vocabulary import open_action_sql


@dataclass(frozen=True)
class MeetingSummary:
    id: str
    case_ref: str | None
    title: str | None
    date: str
    status: str
    template: str
    subjects: str
    open_actions: int


def _list_sql(concat: str, no_case: str) -> str:
    """Every meeting, newest first: its subjects' names (in their order) and how many actions are open.
    `:case_ref` NULL lists every meeting; a value lists that case's meetings. The two dialects differ only
    in how names are joined and how a NULL parameter is tested."""
    return f"""
SELECT m.id, m.case_ref, m.title, m.date, m.status, m.template,
       (SELECT {concat}(s.name, ', ')
          FROM (SELECT name FROM subject WHERE meeting_id = m.id ORDER BY position, pk) AS s) AS subjects,
       (SELECT count(*) FROM action AS a
         WHERE a.meeting_id = m.id AND {open_action_sql("a")})
         AS open_actions
FROM meeting AS m
WHERE {no_case} OR m.case_ref = :case_ref
ORDER BY m.date DESC, m.id
LIMIT :limit
"""


#: the list on SQLite (`:limit` -1: no limit), run by the store and by sqlite3 for the quick list
LIST_SQL = _list_sql("group_concat", ":case_ref IS NULL")
#: the list on a PostgreSQL server (`:limit` NULL: no limit); run through SQLAlchemy's text(), which binds
#: the parameters for psycopg (a bare NULL parameter has no type there, hence the cast)
SERVER_LIST_SQL = _list_sql("string_agg", "CAST(:case_ref AS TEXT) IS NULL")
#: SERVER_LIST_SQL with psycopg's own placeholders, for the quick list (no SQLAlchemy there)
_PSYCOPG_LIST_SQL = SERVER_LIST_SQL.replace(":case_ref", "%(case_ref)s").replace(":limit", "%(limit)s")
#: how many meetings there are
COUNT_SQL = "SELECT count(*) FROM meeting"


def summaries(rows) -> list[MeetingSummary]:
    """MeetingSummary objects from the rows of `LIST_SQL`."""
    return [MeetingSummary(r[0], r[1], r[2], r[3], r[4], r[5], r[6] or "", int(r[7] or 0)) for r in rows]


def sqlite_file(target) -> Path | None:
    """The SQLite file that `--db PATH|URL` (or MAPM_DB, or the default) names, if it is a plain file."""
    from .db import DatabaseError, database_path

    try:
        return database_path(target)
    except DatabaseError:
        return None


def quick_list(target, limit: int | None = None, key=None) -> tuple[list[MeetingSummary], int] | None:
    """The newest `limit` meetings (all when None) of an existing SQLite database at the newest schema
    revision, read with sqlite3 (or, with `key`, a `crypto.DatabaseKey`, with SQLCipher), and how many
    meetings there are; None when that does not apply (the caller then opens the store, which creates or
    migrates it)."""
    from . import migrations

    path = sqlite_file(target)
    if path is None:
        return quick_server_list(target, limit)
    if not path.is_file():
        return None
    # mode=rw: never creates a file; nothing is written
    uri = f"file:{quote(str(path))}?mode=rw"
    if key is not None:
        return _quick_list_encrypted(uri, key, limit)
    try:
        con = sqlite3.connect(uri, uri=True, timeout=5.0)
    except sqlite3.Error:
        return None
    return _read_list(con, sqlite3.Error, limit, migrations.HEAD)


def quick_server_list(target, limit: int | None = None) -> tuple[list[MeetingSummary], int] | None:
    """`quick_list` for a PostgreSQL server: the same rows read with psycopg alone, one connection and no
    transaction (autocommit: each statement reads on its own). None when `target` is no server, the server
    cannot be reached or wants a password not yet given, or its schema is not the newest: the store then
    opens as usual and says what is wrong in its one sentence (nothing from here is shown or logged)."""
    from . import migrations, pgserver
    from .db import DatabaseError, resolve_target

    try:
        url = resolve_target(target)
    except DatabaseError:
        return None
    if not pgserver.is_server_url(url):
        return None
    import psycopg

    try:
        con = psycopg.connect(pgserver.libpq_conninfo(url), autocommit=True)
    except (psycopg.Error, ValueError):  # ValueError: a URL libpq cannot parse (the store says so)
        return None
    return _read_list(con, psycopg.Error, limit, migrations.HEAD, server=True)


def _quick_list_encrypted(uri: str, key, limit: int | None):
    import sqlcipher3

    from . import migrations
    from .crypto import connect

    try:
        con = connect(uri, key, uri=True, timeout=5.0)
    except sqlcipher3.Error:
        return None
    return _read_list(con, sqlcipher3.Error, limit, migrations.HEAD)


def _read_list(con, error: type[Exception], limit: int | None, head: str, *, server: bool = False):
    """`quick_list`'s reading, on an open connection of sqlite3, SQLCipher or psycopg (closed on leaving)."""
    try:
        version = con.execute("SELECT version_num FROM alembic_version").fetchone()
        if version is None or version[0] != head:
            return None
        if server:
            rows = con.execute(_PSYCOPG_LIST_SQL, {"case_ref": None, "limit": limit})
        else:
            rows = con.execute(LIST_SQL, {"case_ref": None, "limit": -1 if limit is None else limit})
        meetings = summaries(rows)
        total = len(meetings) if limit is None or len(meetings) < limit else con.execute(COUNT_SQL).fetchone()[0]
        return meetings, total
    except error:
        return None
    finally:
        con.close()
