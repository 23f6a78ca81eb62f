"""One editor per meeting: the hold a window keeps on the meeting it edits.

Two windows on one meeting used to overwrite each other's text (last writer wins). Now the first to
open a meeting holds it (a row in `editor_hold`, migration 0006): who (a name, the OS user, the host
and the process id), since when, and a heartbeat the app renews every `HEARTBEAT` seconds. A second
window opens the meeting read-only and says who has it and since when (`HeldElsewhere`). A hold is
stale when its heartbeat is older than `STALE_AFTER`, or its process on this host has ended; a stale
hold can be taken over, with a reason kept in the row (`take_over`).

The store refuses a write to a meeting held by another window (`check`, called inside the write's own
transaction), so a window that lost its hold cannot overwrite the new holder's text either: its
pending text stays queued and goes to a recovery file (recovery.py), never lost.

Plain SQL through SQLAlchemy Core that both databases take. On PostgreSQL (team mode) the same functions
run in transactions that take pgserver's write lock (the form BEGIN IMMEDIATE takes there), and the hold's
own row is what decides: `INSERT … ON CONFLICT (meeting_id) DO NOTHING` lets exactly one of two windows
in, and the row is read `FOR UPDATE` before it is renewed, taken over or removed, so the one-editor rule
would hold even without that global lock. Besides a window's hold there are a checkout's (the meeting
taken offline to a laptop, checkout.py; never stale) and a copy's (read-only where it is): `kind`.
No Textual here.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from .store import StoreError, write_failure
from .store_errors import NOT_PERMITTED, PG_INSUFFICIENT_PRIVILEGE, NotPermitted

#: seconds between heartbeats of the window holding a meeting
HEARTBEAT = 30
#: a hold with no heartbeat for this long can be taken over
STALE_AFTER = dt.timedelta(minutes=3)

#: the kinds of hold (migration 0007): a window editing the meeting; the meeting taken offline to a laptop
#: (on the server); a copy that is read-only where it is (on the laptop: for reference, or kept after check-in)
WINDOW, CHECKOUT, COPY = "window", "checkout", "copy"


@dataclass(frozen=True)
class Holder:
    """Who holds a meeting: the name the chair goes by, and where the window runs."""

    name: str
    os_user: str
    host: str
    pid: int

    @classmethod
    def here(cls, name: str | None = None) -> Holder:
        try:
            user = getpass.getuser()
        except (OSError, KeyError):  # no login name (a container, a service account)
            user = "unknown"
        return cls(name or user, user, socket.gethostname(), os.getpid())


@dataclass(frozen=True)
class Hold:
    meeting_id: str
    token: str
    holder: Holder
    since: dt.datetime
    heartbeat: dt.datetime
    taken_over_from: str | None = None
    takeover_reason: str | None = None
    #: WINDOW (an app window editing it), CHECKOUT (taken offline to a laptop) or COPY (a read-only copy)
    kind: str = "window"
    #: why, in the words of whoever took it (a checkout, a copy); None for a window
    purpose: str | None = None

    def describe(self) -> str:
        """'Sam Chair (sam on LAPTOP-7, process 4242), since Tue 24 Nov 2026 10:00'; for a checkout,
        'Sam Chair (sam on LAPTOP-7), since Tue 24 Nov 2026 10:00: taken to the venue'."""
        from .dates import format_date

        h = self.holder
        local = self.since.astimezone()
        who = h.name if h.name == h.os_user else f"{h.name} ({h.os_user})"
        when = f"since {format_date(local.date())} {local.strftime('%H:%M')}"
        if self.kind != WINDOW:
            return f"{who} on {h.host}, {when}" + (f": {self.purpose}" if self.purpose else "")
        return f"{who} on {h.host} (process {h.pid}), {when}"

    def stale(self, now: dt.datetime, stale_after: dt.timedelta = STALE_AFTER) -> bool:
        """No heartbeat for `stale_after`, or its process on this very host has ended. Only a window's
        hold goes stale: a checkout lasts until it is checked in (or a manager forces it, checkout.py)."""
        if self.kind != WINDOW:
            return False
        if now - self.heartbeat >= stale_after:
            return True
        return self.ended_here()

    def ended_here(self) -> bool:
        """A window's hold whose process on this very computer is no longer running: the window was killed,
        its terminal closed, or the laptop lost power. Usually the chair's own window, reopened after a
        crash."""
        return self.kind == WINDOW and self.holder.host == socket.gethostname() and not _alive(self.holder.pid)

    def reason_to_offer(self) -> str:
        """The reason to offer when taking this hold over: the facts when its window is known to have ended
        here, else nothing (the person taking over says why)."""
        if self.ended_here():
            return f"the window that had it open on this computer (process {self.holder.pid}) ended without closing"
        return ""


class HeldElsewhere(StoreError):
    """Another window holds the meeting; the message says who and since when. `hold` is theirs."""

    def __init__(self, message: str, hold: Hold):
        super().__init__(message)
        self.hold = hold


def new_token() -> str:
    """One per app window: the hold is this window's, not only this user's."""
    return secrets.token_hex(8)


def current(conn: Connection, meeting_id: str, *, lock: bool = False) -> Hold | None:
    """The meeting's hold, or None. `lock`: on PostgreSQL the row stays locked (`FOR UPDATE`) until the
    transaction ends, so no other transaction changes or removes it between this read and our write
    (SQLite's BEGIN IMMEDIATE already locks the whole file)."""
    row_lock = " FOR UPDATE" if lock and conn.dialect.name == "postgresql" else ""
    row = (
        conn.execute(
            text(f"SELECT {_COLUMNS} FROM editor_hold WHERE meeting_id = :m{row_lock}"),
            {"m": meeting_id},
        )
        .mappings()
        .first()
    )
    return None if row is None else _hold(row)


def every_hold(conn: Connection) -> dict[str, Hold]:
    """meeting id -> its hold, for every held meeting (the meeting list's marks)."""
    rows = conn.execute(text(f"SELECT {_COLUMNS} FROM editor_hold")).mappings().all()
    return {row["meeting_id"]: _hold(row) for row in rows}


_COLUMNS = (
    "meeting_id, token, holder_name, os_user, host, pid, since, heartbeat, taken_over_from, takeover_reason, "
    "kind, purpose"
)


def _hold(row) -> Hold:
    return Hold(
        meeting_id=row["meeting_id"],
        token=row["token"],
        holder=Holder(row["holder_name"], row["os_user"], row["host"], int(row["pid"])),
        since=dt.datetime.fromisoformat(row["since"]),
        heartbeat=dt.datetime.fromisoformat(row["heartbeat"]),
        taken_over_from=row["taken_over_from"],
        takeover_reason=row["takeover_reason"],
        kind=row["kind"] or WINDOW,
        purpose=row["purpose"],
    )


def acquire(engine: Engine, meeting_id: str, holder: Holder, token: str, now: dt.datetime) -> Hold:
    """Hold the meeting for this window (or renew its own hold). Raises HeldElsewhere when another
    window holds it, stale or not: taking a stale hold over is the chair's decision (`take_over`)."""
    with _immediate(engine) as conn:
        # insert-if-absent first (ON CONFLICT DO NOTHING): of two windows opening the meeting at once, on
        # either database, exactly one row goes in; the other finds it below, locked for the rest of its
        # transaction, and opens the meeting read-only
        if _insert(conn, meeting_id, holder, token, now, None, None):
            return _written(conn, meeting_id)
        theirs = current(conn, meeting_id, lock=True)
        if theirs is not None and theirs.token != token:
            raise _held(theirs, now)
        if theirs is None:  # let go of between the two statements
            _insert(conn, meeting_id, holder, token, now, None, None)
        else:
            conn.execute(
                text("UPDATE editor_hold SET heartbeat = :now WHERE meeting_id = :m AND token = :t"),
                {"now": _iso(now), "m": meeting_id, "t": token},
            )
        return _written(conn, meeting_id)


def take_over(
    engine: Engine, meeting_id: str, holder: Holder, token: str, now: dt.datetime, reason: str, store=None
) -> Hold:
    """Take a stale hold over, keeping who had it and why it was taken in the row, and (given the `store`)
    an audit event `taken_over` saying so, in the same transaction. A hold that is still alive is refused
    (HeldElsewhere); so is an empty reason (ValueError)."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValueError("Say why you are taking this meeting over from the other window.")
    with _immediate(engine) as conn:
        theirs = current(conn, meeting_id, lock=True)
        if theirs is not None and theirs.token != token:
            if not theirs.stale(now):
                raise _held(theirs, now)
            conn.execute(text("DELETE FROM editor_hold WHERE meeting_id = :m"), {"m": meeting_id})
            _insert(conn, meeting_id, holder, token, now, theirs.describe(), reason[:300])
            if store is not None:
                from sqlmodel import Session

                from . import audit

                with Session(bind=conn) as s:
                    audit.append(s, store, meeting_id, "taken_over", f"from {theirs.describe()}: {reason}", holder.name)
        elif theirs is None:
            _insert(conn, meeting_id, holder, token, now, None, None)
        return _written(conn, meeting_id)


def heartbeat(engine: Engine, hold: Hold, now: dt.datetime) -> bool:
    """Renew this window's hold; False when it is no longer ours (taken over, or removed)."""
    with _immediate(engine) as conn:
        done = conn.execute(
            text("UPDATE editor_hold SET heartbeat = :now WHERE meeting_id = :m AND token = :t"),
            {"now": _iso(now), "m": hold.meeting_id, "t": hold.token},
        )
        return done.rowcount == 1


def release(engine: Engine, hold: Hold) -> None:
    """Let go of this window's hold (a no-op when it is no longer ours)."""
    with _immediate(engine) as conn:
        conn.execute(
            text("DELETE FROM editor_hold WHERE meeting_id = :m AND token = :t"),
            {"m": hold.meeting_id, "t": hold.token},
        )


def check(conn: Connection, meeting_id: str, token: str | None, now: dt.datetime) -> None:
    """Refuse a write to a meeting another window holds (inside the write's own transaction). A stale
    hold does not block: a window that crashed must not lock the meeting for good."""
    theirs = current(conn, meeting_id)
    if theirs is not None and theirs.token != token and not theirs.stale(now):
        raise _held(theirs, now)


def _written(conn: Connection, meeting_id: str) -> Hold:
    """The hold this transaction has just written or renewed (so there is one)."""
    hold = current(conn, meeting_id)
    assert hold is not None  # written in this same transaction
    return hold


def _held(theirs: Hold, now: dt.datetime) -> HeldElsewhere:
    if theirs.kind == CHECKOUT:
        return HeldElsewhere(
            f"This meeting is checked out: taken offline by {theirs.describe()}. It is open read-only here "
            "until it is checked in.",
            theirs,
        )
    if theirs.kind == COPY:
        return HeldElsewhere(
            f"This is a read-only copy ({theirs.purpose or 'the meeting is kept elsewhere'}); "
            "change it where it is kept.",
            theirs,
        )
    if theirs.ended_here():
        return HeldElsewhere(
            f"This meeting was being edited by {theirs.describe()}, and that window has ended without closing "
            "(killed, closed or out of power): take it over to go on editing; what it saved is kept.",
            theirs,
        )
    if theirs.stale(now):
        return HeldElsewhere(
            f"This meeting is held by {theirs.describe()}, but that window has shown no sign of life since "
            f"{theirs.heartbeat.astimezone().strftime('%H:%M')}: it can be taken over, with a reason.",
            theirs,
        )
    return HeldElsewhere(
        f"This meeting is being edited in another window: {theirs.describe()}. It is open read-only here.", theirs
    )


def place_hold(
    conn: Connection, meeting_id: str, holder: Holder, token: str, now: dt.datetime, kind: str, purpose: str | None
) -> Hold:
    """Put a checkout's or a copy's hold on a meeting, inside the caller's write transaction (checkout.py:
    the hold and what it records commit together). Refuses (HeldElsewhere) a meeting another holds, as
    `acquire` does, except a copy's hold, which a new one replaces."""
    theirs = current(conn, meeting_id, lock=True)
    if theirs is not None and theirs.token != token:
        if theirs.kind != COPY:
            raise _held(theirs, now)
        conn.execute(text("DELETE FROM editor_hold WHERE meeting_id = :m"), {"m": meeting_id})
    elif theirs is not None:
        conn.execute(text("DELETE FROM editor_hold WHERE meeting_id = :m"), {"m": meeting_id})
    _insert(conn, meeting_id, holder, token, now, None, None, kind=kind, purpose=purpose)
    return _written(conn, meeting_id)


def drop_hold(conn: Connection, meeting_id: str) -> Hold | None:
    """Remove whatever hold a meeting is under (inside the caller's transaction); returns the one removed."""
    theirs = current(conn, meeting_id, lock=True)
    if theirs is not None:
        conn.execute(text("DELETE FROM editor_hold WHERE meeting_id = :m"), {"m": meeting_id})
    return theirs


def _insert(
    conn, meeting_id, holder: Holder, token, now, taken_over_from, reason, *, kind=WINDOW, purpose=None
) -> bool:
    """Insert the hold unless the meeting has one (both databases' `ON CONFLICT DO NOTHING`); whether it went in.
    On a server the user is the database role this person logged in as (as in the audit trail), not the
    operating-system login, which on a shared server says nothing to the others; it is their name too
    when no other name was given (settings' user_name)."""
    from .audit import acting_user

    user = (acting_user(conn) if conn.dialect.name == "postgresql" else None) or holder.os_user
    name = user if holder.name == holder.os_user else holder.name
    done = conn.execute(
        text(
            "INSERT INTO editor_hold (meeting_id, token, holder_name, os_user, host, pid, since, heartbeat, "
            "taken_over_from, takeover_reason, kind, purpose) "
            "VALUES (:m, :t, :name, :user, :host, :pid, :now, :now, :from_, :why, :kind, :purpose) "
            "ON CONFLICT (meeting_id) DO NOTHING"
        ),
        {
            "m": meeting_id,
            "t": token,
            "name": name,
            "user": user,
            "host": holder.host,
            "pid": holder.pid,
            "now": _iso(now),
            "from_": taken_over_from,
            "why": reason,
            "kind": kind,
            "purpose": purpose,
        },
    )
    return done.rowcount == 1


@contextmanager
def _immediate(engine: Engine) -> Iterator[Connection]:
    """A transaction that takes the write lock at once (db.py's BEGIN IMMEDIATE), committed on leaving;
    a busy database or a failed write comes out as the store's typed errors."""
    try:
        with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn, conn.begin():
            yield conn
    except DBAPIError as exc:
        typed = write_failure(exc)
        if typed is None and getattr(exc.orig, "sqlstate", None) == PG_INSUFFICIENT_PRIVILEGE:
            # a reader's role may not hold a meeting (its GRANTs have no editor_hold): it reads it
            typed = NotPermitted(NOT_PERMITTED)
        if typed is None:
            raise
        raise typed from None


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def _alive(pid: int) -> bool:
    """Whether process `pid` runs on this host. POSIX only: on Windows, os.kill(pid, 0) would send
    CTRL_C_EVENT, so there a hold goes stale by its heartbeat alone."""
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
