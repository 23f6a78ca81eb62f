"""Storage: opening and migrating the database, its sessions, and reading meetings; `Store` is the one object
the app and the CLI write through.

Its parts live beside it: every edit in edits.py (each its own short `BEGIN IMMEDIATE` transaction,
committed before the call returns: once it has returned, the change is on disk; WAL, synchronous=FULL), the
checks of values against the bundle schema in validation.py, the amendments of a meeting that was final in
amendments.py, and the typed errors (and how a database refusal becomes one) in store_errors.py. The names
other modules import from here are re-exported.

No Textual here; screens call these functions (through the app) and show what they return.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError as DBAPIDatabaseError
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, select

from . import migrations
from .agenda import Template
from .amendments import REOPENED, STATUS_FIELD
from .clock import Clock
from .convert import meeting_to_dict
from .db import DatabaseError, close_engine, erase_deleted_search_text, make_engine
from .edits import Edits, end_time_for
from .listing import COUNT_SQL, LIST_SQL, MeetingSummary, summaries
from .models import CHILD_LISTS, Meeting, StepProgress
from .store_errors import (
    REFUSED_AUDIT,
    REFUSED_FINAL,
    REFUSED_HOLD,
    REFUSED_STATUS,
    TRIGGER_REFUSALS,
    AlreadyStored,
    AuditAppendOnly,
    CaseOnHold,
    DatabaseBusy,
    MeetingLocked,
    NewerDatabase,
    NotFound,
    ReadOnlyDatabase,
    StatusRefused,
    StorageFull,
    StoreError,
    WriteFailed,
    _open_failure,
    _refusal,
    write_failure,
)

#: what other modules and the tests import from here (the error types and amendment words moved out)
__all__ = [
    "REFUSED_AUDIT",
    "REFUSED_FINAL",
    "REFUSED_HOLD",
    "REFUSED_STATUS",
    "REOPENED",
    "STATUS_FIELD",
    "TRIGGER_REFUSALS",
    "AlreadyStored",
    "AuditAppendOnly",
    "CaseOnHold",
    "DatabaseBusy",
    "MeetingLocked",
    "MeetingSummary",
    "NewerDatabase",
    "NotFound",
    "ReadOnlyDatabase",
    "StatusRefused",
    "StorageFull",
    "Store",
    "StoreError",
    "WriteFailed",
    "end_time_for",
    "migrate",
    "open_store",
    "write_failure",
]


def migrate(engine: Engine) -> None:
    """Bring the schema up to `migrations.HEAD`, keeping the data. Skips Alembic when already there."""
    with engine.connect() as conn:
        try:
            current = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        except OperationalError:
            current = None
        conn.rollback()
    if current == migrations.HEAD:
        return
    if current is not None and current > migrations.HEAD:  # revisions are numbered 0001, 0002, …
        raise NewerDatabase(
            "the database was written by a newer version of mapm-tui; upgrade the app before opening it."
        )
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "mapm_tui:migrations")
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


class Store(Edits):
    """A database of meetings. Build with `open_store`; pass one Store to the app and the CLI."""

    #: who uses this store (the name from settings), recorded in the audit trail when no other name is given
    user_name: str | None = None

    def __init__(self, engine: Engine, clock: Clock | None = None):
        self.engine = engine
        self.clock = clock or Clock()
        #: why the database is open read-only (its file or folder cannot be written), or None
        self.read_only: str | None = None
        #: this window's token for the meetings it holds (holds.py); None: holds nothing (the CLI)
        self.hold_token: str | None = None
        #: the encrypted database's key (crypto.DatabaseKey), None for a plain file: backups use it
        self.key: Any = None

    # -- sessions ---------------------------------------------------------------------------------
    @contextmanager
    def reading(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session in one BEGIN IMMEDIATE transaction, committed on leaving (rolled back on error).

        Database refusals (the final-meeting triggers, constraints) come out as StoreError sentences.
        """
        with (
            self.engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn,
            Session(bind=conn, expire_on_commit=False) as session,
        ):
            try:
                yield session
                session.commit()
            except IntegrityError as exc:
                session.rollback()
                raise _refusal(exc) from None
            except OperationalError as exc:
                session.rollback()
                raise _refusal(exc) from None

    def close(self) -> None:
        close_engine(self.engine)

    @property
    def path(self) -> Path | None:
        """The SQLite file (None for an in-memory database)."""
        name = self.engine.url.database
        if not name or name.startswith(":memory:") or self.engine.url.get_backend_name() != "sqlite":
            return None
        if name.startswith("file:"):  # opened read-only by URI (db.make_engine)
            from urllib.parse import unquote

            name = unquote(name[len("file:") :])
        return Path(name)

    # -- reading ----------------------------------------------------------------------------------
    def list_meetings(self, case_ref: str | None = None, limit: int | None = None) -> list[MeetingSummary]:
        """Every meeting (or those of one case reference), newest first; the newest `limit` if given.

        Plain SQL (`listing.LIST_SQL`), the same statement the home screen's quick list runs with sqlite3
        before SQLAlchemy is loaded; building it with the ORM cost ~250 ms the first time (compiling)."""
        with self.engine.connect() as conn:
            rows = conn.exec_driver_sql(LIST_SQL, {"case_ref": case_ref, "limit": -1 if limit is None else limit}).all()
            conn.rollback()
        return summaries(rows)

    def count_meetings(self) -> int:
        with self.engine.connect() as conn:
            total = conn.exec_driver_sql(COUNT_SQL).scalar()
            conn.rollback()
        return int(total or 0)

    def exists(self, meeting_id: str) -> bool:
        with self.reading() as s:
            return s.get(Meeting, meeting_id) is not None

    def meeting_row(self, meeting_id: str) -> Meeting:
        with self.reading() as s:
            row = s.get(Meeting, meeting_id)
        if row is None:
            raise NotFound(f"There is no meeting with id '{meeting_id}'; `mapm list` shows the ids.")
        return row

    def load_meeting(self, meeting_id: str) -> dict:
        """The whole meeting as a dict shaped like the bundle's `meeting` object."""
        with self.reading() as s:
            return self.load_meeting_in(s, meeting_id)

    def load_meeting_in(self, s: Session, meeting_id: str) -> dict:
        """`load_meeting` inside a session the caller holds (to check and write in one transaction)."""
        row = s.get(Meeting, meeting_id)
        if row is None:
            raise NotFound(f"There is no meeting with id '{meeting_id}'; `mapm list` shows the ids.")
        children = {
            key: list(s.exec(select(model).where(model.meeting_id == meeting_id).order_by(model.position, model.pk)))
            for key, (model, _fields) in CHILD_LISTS.items()
        }
        progress = list(s.exec(select(StepProgress).where(StepProgress.meeting_id == meeting_id)))
        return meeting_to_dict(row, children, progress)

    def template_of(self, meeting_id: str) -> Template:
        """The meeting's own snapshot of its agenda template."""
        row = self.meeting_row(meeting_id)
        return Template.from_dict(row.template_snapshot or {}, f"meeting {meeting_id}")

    def step_progress(self, meeting_id: str) -> dict[str, StepProgress]:
        with self.reading() as s:
            rows = s.exec(select(StepProgress).where(StepProgress.meeting_id == meeting_id))
            return {p.step_key: p for p in rows}

    # -- search (SQLite FTS5: the index and the triggers that keep it in step are made by 0004) ------
    def search_index(self, match: str, limit: int, choose) -> list[dict]:
        """The newest `limit` meetings with a place that matches an FTS5 `match` expression, each with
        one of its places chosen by `choose(places) -> SearchPlace` and its snippet.

        `match` must be built by `search.fts_query` (never a user's raw text). Each row: meeting_id,
        case_ref, date, title, status, place, item, detail, snippet (the words found between \x02 and
        \x03) and matches (how many places of that meeting match). Newest first: by date, and within a
        date the meeting added last first. One read transaction.
        """
        import json

        with self.engine.connect() as conn:
            # the driver's own cursor: up to thousands of rows, read as plain tuples
            cursor = conn.connection.cursor()
            try:
                cursor.execute(SEARCH_PLACES_SQL, {"q": match})
                found = _newest_places(cursor, limit)
            finally:
                cursor.close()
            if not found:
                conn.rollback()
                return []
            meetings = {
                row[0]: row[1:]
                for row in conn.exec_driver_sql(SEARCH_MEETINGS_SQL, {"docids": json.dumps(list(found))})
            }
            chosen = {docid: choose(places) for docid, places in found.items()}
            rowids = [place.rowid for place in chosen.values()]
            snippets = dict(
                conn.exec_driver_sql(
                    SEARCH_SNIPPETS_SQL,
                    {"q": match, "low": min(rowids), "high": max(rowids), "rowids": json.dumps(rowids)},
                ).all()
            )
            conn.rollback()
        out = []
        for docid, places in found.items():
            meeting = meetings.get(docid)
            if meeting is None:
                continue
            meeting_id, case_ref, date, title, status = meeting
            best = chosen[docid]
            out.append(
                {
                    "meeting_id": meeting_id,
                    "case_ref": case_ref,
                    "date": date,
                    "title": title,
                    "status": status,
                    "place": best.place,
                    "item": best.item,
                    "detail": best.detail,
                    "snippet": snippets.get(best.rowid) or best.body,
                    "matches": len(places),
                }
            )
        return out

    def explain_search(self, match: str) -> list[str]:
        """EXPLAIN QUERY PLAN of the search statements (for tests, and for a slow search)."""
        plan = []
        with self.engine.connect() as conn:
            for sql, params in (
                (SEARCH_PLACES_SQL, {"q": match}),
                (SEARCH_MEETINGS_SQL, {"docids": "[]"}),
                (SEARCH_SNIPPETS_SQL, {"q": match, "low": 0, "high": 0, "rowids": "[]"}),
            ):
                plan += [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)]
            conn.rollback()
        return plan

    # -- helpers ----------------------------------------------------------------------------------
    def _get(self, s: Session, meeting_id: str) -> Meeting:
        row = s.get(Meeting, meeting_id)
        if row is None:
            raise NotFound(f"There is no meeting with id '{meeting_id}'; `mapm list` shows the ids.")
        return row

    def _editable(self, s: Session, meeting_id: str) -> Meeting:
        row = self._get(s, meeting_id)
        if row.status == "final":
            raise MeetingLocked("This meeting is final: reopen it with a reason before changing it.")
        self.check_hold(s, meeting_id)
        return row

    def check_hold(self, s: Session, meeting_id: str) -> None:
        """Refuse to write to a meeting another window is editing (holds.py; HeldElsewhere)."""
        from . import holds

        holds.check(s.connection(), meeting_id, self.hold_token, self.clock.utcnow())

    def _audit(self, s: Session, meeting_id: str, kind: str, detail: str | None, by: str | None = None) -> None:
        from . import audit

        audit.append(s, self, meeting_id, kind, detail, by)

    #: record who did what to a meeting, inside a transaction the caller holds (lifecycle uses it)
    audit = _audit


#: Search (migration 0004): a place's rowid is its meeting's docid * 2**32 + an offset, and docids follow
#: the meetings' dates, so the matches in descending rowid order are the newest meetings' places, each
#: meeting's together. Step 1 reads them until `limit` meetings are seen and stops: a word found in tens
#: of thousands of places costs no more than a rare one. Only the places of the meetings shown are read.
SEARCH_DOCID_SHIFT = 32
SEARCH_PLACES_SQL = """
SELECT rowid, place, item, detail, body FROM search_index WHERE search_index MATCH :q ORDER BY rowid DESC
"""
#: Step 2: the meetings shown, by their docids.
SEARCH_MEETINGS_SQL = """
SELECT sm.docid, m.id, m.case_ref, m.date, m.title, m.status FROM search_meeting AS sm
JOIN meeting AS m ON m.id = sm.meeting_id WHERE sm.docid IN (SELECT value FROM json_each(:docids))
"""
#: Step 3: the snippet of the chosen place of each meeting: one pass over the matches within the rowids
#: of the meetings shown (`+rowid`: filtered in that pass, not the whole query again for each rowid).
SEARCH_SNIPPETS_SQL = """
SELECT rowid, snippet(search_index, 0, char(2), char(3), '…', 16) FROM search_index
WHERE search_index MATCH :q AND rowid BETWEEN :low AND :high AND +rowid IN (SELECT value FROM json_each(:rowids))
"""


def _newest_places(cursor, limit: int) -> dict[int, list[SearchPlace]]:
    """Read matching places (newest meeting first) until `limit` meetings are complete: the first place
    of one more meeting ends the reading, so FTS5 goes no further into its matches."""
    found: dict[int, list[SearchPlace]] = {}
    shift = SEARCH_DOCID_SHIFT
    while rows := cursor.fetchmany(200):
        for row in rows:
            docid = row[0] >> shift
            places = found.get(docid)
            if places is None:
                if len(found) == limit:
                    return found
                places = found[docid] = []
            places.append(SearchPlace._make(row))
    return found


class SearchPlace(NamedTuple):
    """A place whose words match: a meeting field, a subject, an attendee, an entry or an action."""

    rowid: int
    #: 'meeting', 'subject', 'attendee', 'entry' or 'action'
    place: str
    #: the meeting field's name, the item's id, or a subject's position
    item: str | None
    #: an entry's kind
    detail: str | None
    #: the text that was indexed
    body: str


def open_store(
    target: Any = None, clock: Clock | None = None, key: Any = None, *, quick_check: bool | None = None
) -> Store:
    """Open (creating and migrating as needed) the database at a path or URL; see `db.resolve_target`.
    `key` (a `crypto.DatabaseKey`) opens or creates an encrypted database.

    A file that is not a mapm database, or is damaged, is refused before anything is written to it
    (`db.check_database`: the application id or schema, then `PRAGMA quick_check`: on files up to
    `db.QUICK_CHECK_MAX_BYTES` by default; the app passes False and checks after its first frame).
    A file or folder that cannot be written opens read-only (`Store.read_only` says why)."""
    from .db import check_database, database_path, read_only_reason

    check_database(target, quick_check=quick_check, key=key)
    read_only = read_only_reason(database_path(target))
    engine = make_engine(target, key)
    try:
        migrate(engine)
        if not read_only:
            erase_deleted_search_text(engine)
    except (OperationalError, DBAPIDatabaseError) as exc:
        engine.dispose()
        typed = write_failure(exc)
        if read_only or isinstance(typed, ReadOnlyDatabase):
            raise DatabaseError(
                f"cannot open the database: {read_only or 'it is read-only'}, and it needs upgrading to this "
                "version of mapm; make it writable once, or open it with the version that wrote it."
            ) from None
        raise _open_failure(exc) from None
    except Exception:  # NewerDatabase, or a programming error: either way the engine goes, the error goes on
        engine.dispose()
        raise
    store = Store(engine, clock)
    store.read_only = read_only
    store.key = key
    return store
