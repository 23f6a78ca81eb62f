"""The store's typed errors, and how a refusal of the database driver (SQLite's result code, a trigger's
RAISE words) becomes one of them. Each error carries one sentence for people; callers catch them by type.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from .db import DatabaseError

if TYPE_CHECKING:
    from .rules import Finding


class StoreError(ValueError):
    """An edit the store refuses; the message is one sentence for the user."""


class NotFound(StoreError):
    pass


class MeetingLocked(StoreError):
    pass


class AlreadyStored(StoreError):
    """A meeting with this id is in the database already (an import refused by a rule)."""


class DatabaseBusy(StoreError, DatabaseError):
    """Another window holds the write lock past the busy timeout; trying again later may work.
    One type for "busy" wherever it happens (opening or writing), so the CLI gives it one exit code."""


class WriteFailed(StoreError):
    """The disk refused the write (an I/O error, a read-only file): nothing was changed, and the text that
    was being saved must be kept and retried, never dropped."""


class StorageFull(WriteFailed):
    """The disk (or the file system's quota) is full."""


class ReadOnlyDatabase(WriteFailed):
    """The database file or its folder cannot be written."""


class NewerDatabase(DatabaseError):
    """The database is at a schema revision this version of the app does not know."""


#: SQLite's primary result codes (the low byte of `sqlite3.Error.sqlite_errorcode`, Python 3.11+)
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN = 5, 6, 8, 10, 13, 14


class NotPermitted(StoreError):
    """PostgreSQL refused the change: the user's database role may not make it (a reader's role)."""


class ConnectionLost(WriteFailed):
    """The connection to the PostgreSQL server went (a restart, the network): nothing was saved; what was
    being saved must be kept and tried again when the server is back."""


class ServerGone(StoreError, DatabaseError):
    """Reading from the PostgreSQL server found no connection (it stopped or is restarting, the network
    went): nothing was read and nothing changed. The same action works again once the server is back (the
    engine's pool checks a connection before use and makes a new one). A StoreError and a DatabaseError,
    so each screen's and the CLI's handler of either gives its sentence."""


SERVER_GONE = (
    "The database server cannot be reached just now (it may be restarting, or the network is down), so "
    "nothing could be read and nothing was changed; try again in a moment."
)

#: a lost connection's sentence for a change made at once (a key: a mark, a flag, ending the meeting), which
#: nothing keeps: ConnectionLost's own sentence says the text is kept, which is true only of what is autosaved
CHANGE_NOT_MADE = (
    "The connection to the database server was lost, so nothing was changed; try again when the server is back."
)


def refusal_of_a_change(exc: StoreError) -> str:
    """The sentence for a change the chair asked for that the store refused (shown as it is, but a lost
    connection, whose own sentence promises to keep what was typed, says nothing was changed instead)."""
    return CHANGE_NOT_MADE if isinstance(exc, ConnectionLost) else str(exc)


def read_failure(exc: BaseException) -> ServerGone | None:
    """ServerGone for a read that lost (or never got) its connection to the server; None for anything else.
    By the same classification as a write's ConnectionLost: SQLAlchemy's invalidated connection, a
    connection SQLSTATE, or libpq's OperationalError with none; never by message text."""
    return ServerGone(SERVER_GONE) if isinstance(_server_failure(exc), ConnectionLost) else None


def _driver_errors() -> tuple[type[BaseException], ...]:
    """SQLAlchemy's wrapped driver errors, and psycopg's own (a driver cursor used directly raises them)."""
    from sqlalchemy.exc import DBAPIError

    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return (DBAPIError,)
    return (DBAPIError, psycopg.Error)


@contextmanager
def server_reads() -> Iterator[None]:
    """Around a read: a lost connection to the server comes out as ServerGone (one sentence), anything
    else as it was."""
    try:
        yield
    except _driver_errors() as exc:
        typed = read_failure(exc)
        if typed is None:
            raise
        raise typed from None


#: PostgreSQL's SQLSTATEs (psycopg's `sqlstate`): those of our triggers (migrations 0002-0005, the same
#: words as SQLite's RAISE) and the server's own that a write may meet
PG_UNIQUE_VIOLATION, PG_INSUFFICIENT_PRIVILEGE, PG_READ_ONLY_TRANSACTION = "23505", "42501", "25006"
PG_DISK_FULL = "53100"
#: lock_not_available (the write lock's timeout), deadlock_detected, serialization_failure
PG_BUSY = ("55P03", "40P01", "40001")
NOT_PERMITTED = (
    "Your database role may not make this change (a reader's role can search and export, not edit); "
    "nothing was changed. Ask the partnership's database administrator if you need to."
)


def _server_failure(exc: BaseException) -> StoreError | None:
    """write_failure's PostgreSQL half: by SQLSTATE (and a connection SQLAlchemy saw go), never by text."""
    if getattr(exc, "connection_invalidated", False):
        return ConnectionLost(
            "The connection to the database server was lost, so nothing was saved; it is kept and saved when "
            "the server is back."
        )
    orig = getattr(exc, "orig", exc)
    state = getattr(orig, "sqlstate", None)
    if not state:
        if _no_connection(orig):
            return ConnectionLost(
                "The connection to the database server was lost, so nothing was saved; it is kept and saved "
                "when the server is back."
            )
        return None
    if state.startswith("08") or state in PG_SHUTTING_DOWN:  # connection exception, server going or coming
        return ConnectionLost(
            "The connection to the database server was lost, so nothing was saved; it is kept and saved when "
            "the server is back."
        )
    if state in PG_BUSY:
        return DatabaseBusy("The database is busy with someone else's change; try again in a moment.")
    if state == PG_READ_ONLY_TRANSACTION:
        return ReadOnlyDatabase(
            "The database server accepts no changes just now (it is read-only), so nothing was saved."
        )
    if state == PG_DISK_FULL:
        return StorageFull("The database server's disk is full, so nothing was saved; tell its administrator.")
    return None


#: admin_shutdown, crash_shutdown, cannot_connect_now (the server stopping, or not yet ready again)
PG_SHUTTING_DOWN = ("57P01", "57P02", "57P03")


def _no_connection(orig: BaseException) -> bool:
    """psycopg's OperationalError with no SQLSTATE: libpq found no connection (refused, closed, timed out),
    as opposed to an error the server reported (which always carries a SQLSTATE). By type, never by text."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return False
    return isinstance(orig, psycopg.OperationalError)


def write_failure(exc: BaseException) -> StoreError | None:
    """The typed error for a write SQLite (or the disk under it) could not do, from its result code; None
    for anything else. Classified by code, never by message text (the text differs between versions).
    On PostgreSQL, by SQLSTATE: a lost connection, busy, read-only, a full disk."""
    code = getattr(getattr(exc, "orig", exc), "sqlite_errorcode", None)
    if code is None:
        return _server_failure(exc)
    primary = code & 0xFF
    if primary == SQLITE_FULL:
        return StorageFull("The disk is full, so nothing was saved; free some space.")
    if primary in (SQLITE_READONLY, SQLITE_CANTOPEN):
        return ReadOnlyDatabase("The database cannot be written (it or its folder is read-only), so nothing was saved.")
    if primary == SQLITE_IOERR:
        return WriteFailed("The disk refused the write (an input/output error), so nothing was saved.")
    if primary in (SQLITE_BUSY, SQLITE_LOCKED):
        return DatabaseBusy("The database is busy in another window; try again in a moment.")
    return None


#: SQLite's result code of a refused constraint, and the extended codes of a primary key and a UNIQUE index
#: (the standard sqlite3 module reports extended codes; sqlcipher3 reports only the primary code, 19)
SQLITE_CONSTRAINT, SQLITE_CONSTRAINT_PRIMARYKEY, SQLITE_CONSTRAINT_UNIQUE = 19, 1555, 2067

#: The exact words of each trigger's RAISE (the migrations write them: 0002/0003/0005 the final lock, 0005
#: the audit trail, the status moves and the legal hold). A migration is frozen, so it keeps its own copy;
#: test_store checks that every refusing trigger in a new database says one of these.
REFUSED_FINAL = "this meeting is final: reopen it with a reason before changing it"
REFUSED_AUDIT = "the audit trail is append-only: its events cannot be changed or deleted"
REFUSED_STATUS = "that status change is not one the meeting lifecycle allows"
REFUSED_HOLD = "this case is on legal hold: release the hold before deleting any of its meetings"
#: the same refusals on PostgreSQL, by the SQLSTATE each trigger raises (the words are the same)
SERVER_REFUSALS = {"23M01": REFUSED_FINAL, "23M02": REFUSED_AUDIT, "23M03": REFUSED_STATUS, "23M04": REFUSED_HOLD}


class AuditAppendOnly(StoreError):
    """The database refused to change or delete an audit event."""


class StatusRefused(StoreError):
    """The database refused a status move design.md's table does not allow."""


class CaseOnHold(StoreError):
    """The database refused to delete a meeting of a case on legal hold."""


#: a trigger's RAISE words -> the typed error and its sentence for people
TRIGGER_REFUSALS: dict[str, tuple[type[StoreError], str]] = {
    REFUSED_FINAL: (MeetingLocked, "This meeting is final: reopen it with a reason before changing it."),
    REFUSED_AUDIT: (AuditAppendOnly, "The audit trail is append-only: its events cannot be changed or deleted."),
    REFUSED_STATUS: (StatusRefused, "That status change is not one the meeting lifecycle allows; nothing was changed."),
    REFUSED_HOLD: (CaseOnHold, "This case is on legal hold: release the hold before deleting any of its meetings."),
}


def _refusal(exc: Exception) -> StoreError:
    """The typed error for a write the database refused: by SQLite's result code, and for a trigger by
    its RAISE words (one of `TRIGGER_REFUSALS`, matched whole), never by a word found in the message.
    A duplicate key under sqlcipher3 (no extended codes) is known by SQLite's fixed "UNIQUE constraint
    failed" prefix, the one thing that driver gives to tell it from a NOT NULL or CHECK refusal."""
    typed = write_failure(exc)
    if typed is not None:
        return typed
    orig = getattr(exc, "orig", exc)
    code = getattr(orig, "sqlite_errorcode", None)
    message = str(orig)
    state = getattr(orig, "sqlstate", None)
    if state in SERVER_REFUSALS:
        kind, sentence = TRIGGER_REFUSALS[SERVER_REFUSALS[state]]
        return kind(sentence)
    if state == PG_UNIQUE_VIOLATION:
        return StoreError("That id is already used in this meeting; nothing was changed.")
    if state == PG_INSUFFICIENT_PRIVILEGE:
        return NotPermitted(NOT_PERMITTED)
    if code is not None and code & 0xFF == SQLITE_CONSTRAINT and message in TRIGGER_REFUSALS:
        kind, sentence = TRIGGER_REFUSALS[message]
        return kind(sentence)
    if code in (SQLITE_CONSTRAINT_PRIMARYKEY, SQLITE_CONSTRAINT_UNIQUE) or (
        code == SQLITE_CONSTRAINT and message.startswith("UNIQUE constraint failed")
    ):
        return StoreError("That id is already used in this meeting; nothing was changed.")
    return StoreError(f"The database refused the change ({message}); nothing was changed.")


def _open_failure(exc: Exception) -> DatabaseError:
    """One sentence for a database that could not be opened, blaming the file only when it is the file:
    a busy database, a read-only folder or disk, a full disk and an I/O error each say so."""
    orig = getattr(exc, "orig", exc)
    if getattr(orig, "sqlstate", None) == PG_INSUFFICIENT_PRIVILEGE:
        return DatabaseError(
            "cannot open the server's database: your database role may not read mapm's tables (or, when they "
            "need upgrading to this version, change them); ask its administrator for the grants that "
            "'Sharing with a team' in the README gives."
        )
    typed = _server_failure(exc)
    if isinstance(typed, DatabaseError):
        return typed
    if typed is not None:
        return DatabaseError(f"cannot open the server's database: {typed}")
    code = (getattr(orig, "sqlite_errorcode", None) or 0) & 0xFF
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return DatabaseBusy("The database is busy in another window; try again in a moment.")
    if code == SQLITE_FULL:
        return DatabaseError("cannot open the database: the disk is full; free some space and try again.")
    if code == SQLITE_READONLY:
        return DatabaseError(
            "cannot open the database: it, or its folder, is read-only; allow writing there or use --db."
        )
    if code == SQLITE_CANTOPEN:
        return DatabaseError(
            "cannot open the database: the file or its folder cannot be opened for writing; check the folder "
            "exists and may be written in, or use --db."
        )
    if code == SQLITE_IOERR:
        return DatabaseError(
            f"cannot open the database: the disk reported an error ({orig}); check there is free space and the "
            "disk is attached, then try again."
        )
    return DatabaseError(f"cannot open the database ({orig}); check the file is a mapm database, or use --db.")


# -- the lifecycle's refusals (lifecycle.py, distribution.py, carry_over.py) -------------------------
class LifecycleError(StoreError):
    """A valid request that a rule refuses (the status table, G-52): the CLI exits 1."""


class FinaliseRefused(LifecycleError):
    """Finalising is refused while blocking findings are open; `findings` lists them."""

    def __init__(self, message: str, findings: list[Finding]):
        super().__init__(message)
        self.findings = findings


class BadRequest(StoreError):
    """A request that lacks something (a name, a reason) or names no finding: the CLI exits 2."""
