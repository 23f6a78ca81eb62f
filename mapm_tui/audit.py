"""The audit trail: who did what to which meeting, and when; append-only and tamper-evident.

Every change of status, import, finalise, reopen, distribution, export, view (opened in the app, exported,
listed by a search, disclosed to a subject access request), hold, release and purge is one event: when (UTC),
who (`by`: the name the user gave, in settings or on the command line; `os_user`: the operating-system user),
what (`kind`, and a short `detail` that never copies note text: an amendment keeps its own before/after
text and reason), and which meeting.

The database refuses UPDATE and DELETE of events for every meeting (migration 0005). Against someone who
edits the file with another tool (dropping those triggers first), each event carries `hash`: SHA-256 of
the previous event's hash and this event's content, so `verify` finds the first event that was edited,
deleted, reordered or inserted. What a chain cannot show by itself is the newest events cut off the end:
`verify` reports the count and the newest hash, so a partnership that notes them elsewhere can compare.

Events are written inside the caller's transaction (`append`), so an event and what it records commit
together; `record` opens its own short transaction (views and exports, which change nothing else).
No Textual here.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from .text import clean_line

if TYPE_CHECKING:
    from sqlmodel import Session

    from .store import Store

#: the previous hash of the first event
GENESIS = "0" * 64
#: the meeting id of an event about no one meeting (a subject access request)
NO_MEETING = ""

#: what each kind of event means (the README's "What is logged" and `mapm audit` say the same)
KINDS = {
    "created": "meeting created",
    "imported": "imported from a bundle",
    "status": "status changed",
    "finalised": "finalised (locked)",
    "reopened": "reopened (the reason is in the amendments)",
    "distributed": "minutes recorded as sent",
    "next_meeting": "next meeting prepared from it",
    "viewed": "opened in the app",
    "exported": "exported to a file",
    "searched": "listed in search results",
    "disclosed": "written out for a subject access request",
    "subject_access": "subject access request answered",
    "held": "case put on legal hold",
    "released": "legal hold released",
    "purged": "deleted at the end of its retention",
    "checked": "completeness findings listed (mapm check)",
    "checked_out": "taken offline (checked out to a laptop)",
    "checked_in": "brought back (checked in from a laptop)",
    "checkout_forced": "checkout ended on the server without the laptop's copy",
    "taken_over": "taken over from a window that had stopped (with the reason)",
    "copied_in": "copied in from another mapm database, with its audit trail (mapm copy-to-server)",
}


#: the line the full minutes' annex ends with (and the README's "What is logged" says the same)
MINUTES_NOTE = (
    "The database keeps an audit trail of this meeting: when (UTC) and by whom (the name given and the computer "
    "user) it was created or imported, opened, searched into, exported, sent, finalised, reopened, put on or "
    "released from legal hold, disclosed for a subject access request, or purged. The trail holds no text of "
    "these minutes, cannot be changed or deleted, and each event is linked to the one before, so a change made "
    "with another tool is found (`mapm audit verify`)."
)


@dataclass(frozen=True)
class Event:
    pk: int
    meeting_id: str
    #: ISO 8601, UTC, exactly as stored (the hash covers this text)
    at: str | None
    by: str | None
    os_user: str | None
    kind: str
    detail: str | None
    hash: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def what(self) -> str:
        label = KINDS.get(self.kind, self.kind)
        return f"{label}: {self.detail}" if self.detail else label


@dataclass(frozen=True)
class Verification:
    #: events checked
    count: int
    #: the newest event's hash (note it elsewhere to detect events cut off the end later)
    head: str
    #: the first event whose link is broken, or None when the whole chain holds
    broken: Event | None = None
    #: what is wrong with it, in a sentence
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken is None


def event_hash(prev: str, pk: int, meeting_id, at, by, os_user, kind, detail) -> str:
    """SHA-256 of the previous event's hash and this event's content (migration 0005 holds a frozen copy)."""
    payload = json.dumps([pk, meeting_id, at, by, os_user, kind, detail], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev}\n{payload}".encode()).hexdigest()


def os_user() -> str | None:
    """The operating-system user, or None where it cannot be told (no login name, no passwd entry)."""
    try:
        return getpass.getuser()[:300] or None
    except (OSError, KeyError, ImportError):
        return None


def acting_user(conn) -> str | None:
    """Who is acting, as the database can vouch for it: on a PostgreSQL server the role this person
    connected as (`current_user`: each member of a team logs in as their own role), on a SQLite file
    the operating-system user. Kept in the event's `os_user` column, and in its hash, and in an editor
    hold's (holds.py), so that who holds a meeting on a server is the role the others know them by."""
    if conn.dialect.name == "postgresql":
        # asked once per server connection and kept with it (the pool's `info`, which lives as long as the
        # connection): a login's role does not change, and the app never runs SET ROLE
        info = conn.info
        if "current_user" not in info:
            info["current_user"] = conn.execute(text("SELECT current_user")).scalar()
        return info["current_user"]
    return os_user()


def append(s: Session, store: Store, meeting_id: str, kind: str, detail: str | None = None, by: str | None = None):
    """Add one event inside the caller's write transaction (BEGIN IMMEDIATE: no other writer can add an
    event between reading the newest hash and adding this one)."""
    conn = s.connection()
    last = conn.exec_driver_sql("SELECT pk, hash FROM auditevent ORDER BY pk DESC LIMIT 1").first()
    pk = 1 if last is None else last[0] + 1
    prev = GENESIS if last is None else (last[1] or "")
    at = store.clock.utcnow().astimezone(dt.UTC).isoformat()
    # one line each, and storable: a file name may carry a lone surrogate (undecodable bytes), a setting a
    # control character; SQLite refuses the first and a terminal would run the second
    by = " ".join(clean_line(str(by or getattr(store, "user_name", None) or "")).split())[:300] or None
    detail = clean_line(detail)[:2000] if detail else None
    who = clean_line(acting_user(conn) or "") or None
    digest = event_hash(prev, pk, meeting_id, at, by, who, kind, detail)
    conn.execute(
        _INSERT_EVENT,
        {"pk": pk, "m": meeting_id, "at": at, "by": by, "who": who, "kind": kind, "detail": detail, "hash": digest},
    )


def append_as_it_was(conn, event: Event) -> None:
    """Add an event recorded in another database (copy_to_server), in the caller's write transaction: its
    when, who, computer user, kind and detail as they were recorded there, linked into THIS database's
    chain (a new pk and hash: the other file's own chain was verified before it was copied)."""
    last = conn.exec_driver_sql("SELECT pk, hash FROM auditevent ORDER BY pk DESC LIMIT 1").first()
    pk = 1 if last is None else last[0] + 1
    prev = GENESIS if last is None else (last[1] or "")
    digest = event_hash(prev, pk, event.meeting_id, event.at, event.by, event.os_user, event.kind, event.detail)
    conn.execute(
        _INSERT_EVENT,
        {
            "pk": pk,
            "m": event.meeting_id,
            "at": event.at,
            "by": event.by,
            "who": event.os_user,
            "kind": event.kind,
            "detail": event.detail,
            "hash": digest,
        },
    )


_INSERT_EVENT = text(
    "INSERT INTO auditevent (pk, meeting_id, at, by, os_user, kind, detail, hash) "
    "VALUES (:pk, :m, :at, :by, :who, :kind, :detail, :hash)"
)


def record(store: Store, meeting_id: str, kind: str, detail: str | None = None, by: str | None = None) -> None:
    """Add one event in its own short transaction (a view or an export, which changes nothing else)."""
    with store.writing() as s:
        append(s, store, meeting_id, kind, detail, by)


def record_export(store: Store, meeting_id: str, path, what: str, remove: Callable[[], None] | None = None) -> None:
    """Record that a meeting was written to a file (`what`: "Word minutes, family version" …). An export
    that cannot be recorded is removed again (the file at `path`, or by `remove`: an outbox's folder of
    files) and the StoreError raised: no disclosure goes unrecorded."""
    from pathlib import Path

    from .store import StoreError

    try:
        record(store, meeting_id, "exported", f"{what} to {path}")
    except StoreError:
        if remove is not None:
            remove()
        else:
            Path(path).unlink(missing_ok=True)
        raise


def record_view(store: Store, meeting_id: str) -> str | None:
    """Record that a meeting was opened in the app; a sentence for the user when that could not be recorded
    (the meeting is still shown: the chair needs it, and a database that refuses writes says so anyway)."""
    from .store import StoreError

    try:
        record(store, meeting_id, "viewed")
    except StoreError as exc:
        return f"Opening this meeting could not be recorded in the audit trail: {exc}"
    return None


def record_many(store: Store, meeting_ids, kind: str, detail: str | None = None) -> None:
    """The same event for several meetings, in one transaction (a search's results)."""
    ids = list(dict.fromkeys(meeting_ids))
    if not ids:
        return
    with store.writing() as s:
        for meeting_id in ids:
            append(s, store, meeting_id, kind, detail)


_COLUMNS = "pk, meeting_id, at, by, os_user, kind, detail, hash"


def events(store: Store, meeting_id: str) -> list[Event]:
    """A meeting's events, oldest first (also those of a meeting since purged)."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            text(f"SELECT {_COLUMNS} FROM auditevent WHERE meeting_id = :m ORDER BY pk"), {"m": meeting_id}
        ).all()
        conn.rollback()
    return [Event(*row) for row in rows]


def all_events(store: Store) -> Iterator[Event]:
    """Every event of the database, oldest first, read in batches."""
    with store.engine.connect() as conn:
        cursor = conn.connection.cursor()
        try:
            cursor.execute(f"SELECT {_COLUMNS} FROM auditevent ORDER BY pk")
            while rows := cursor.fetchmany(1000):
                for row in rows:
                    yield Event(*row)
        finally:
            cursor.close()
            conn.rollback()


def verify(store: Store) -> Verification:
    """Walk the chain, oldest first; stop at the first event whose hash does not follow."""
    prev, count = GENESIS, 0
    for event in all_events(store):
        expected = event_hash(
            prev, event.pk, event.meeting_id, event.at, event.by, event.os_user, event.kind, event.detail
        )
        if event.hash != expected:
            problem = (
                "it has no hash"
                if event.hash is None
                else "its hash does not follow from the event before it: this event was changed, "
                "or an event before it was deleted, moved or inserted"
            )
            return Verification(count, prev, event, problem)
        prev, count = event.hash, count + 1
    return Verification(count, prev)


def describe(event: Event) -> str:
    """One line for people: when, who, what (`mapm audit`, the review screen's panel)."""
    from .dates import format_date

    when = event.at or "?"
    try:
        moment = dt.datetime.fromisoformat(event.at or "")
        when = f"{format_date(moment.date())} {moment:%H:%M} UTC"
    except ValueError:
        pass
    who = event.by or "(no name given)"
    if event.os_user:
        who += f" [{event.os_user}]"
    return f"{when}  {who}  {event.what}"
