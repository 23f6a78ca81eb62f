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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError as DBAPIDatabaseError
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError, SQLAlchemyError
from sqlmodel import Session, col, select

from . import migrations
from .agenda import Template
from .amendments import REOPENED, STATUS_FIELD
from .clock import Clock
from .convert import meeting_to_dict
from .db import DatabaseError, close_engine, erase_deleted_search_text, make_engine
from .edits import Edits, end_time_for
from .listing import COUNT_SQL, LIST_SQL, SERVER_LIST_SQL, MeetingSummary, summaries
from .models import CHILD_LISTS, Draft, Meeting, StepProgress
from .store_errors import (
    PG_INSUFFICIENT_PRIVILEGE,
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
    ServerGone,
    StatusRefused,
    StorageFull,
    StoreError,
    WriteFailed,
    _open_failure,
    _refusal,
    server_reads,
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
    "ServerGone",
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
        except (OperationalError, ProgrammingError) as exc:  # no such table: SQLite's, PostgreSQL's error
            if getattr(exc.orig, "sqlstate", None) == PG_INSUFFICIENT_PRIVILEGE:  # there, but not for this role
                raise
            current = None
        conn.rollback()
    if current == migrations.HEAD:
        return
    if current is None and engine.dialect.name == "postgresql":
        _refuse_a_database_of_others(engine)
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


@dataclass(frozen=True)
class OpenedMeeting:
    """A meeting as `Store.opened` reads it for the screen: its row, its template snapshot, the meeting
    dict, its drafts (key -> text) and the time and ticks of its steps."""

    row: Meeting
    template: Template
    meeting: dict
    drafts: dict[str, str]
    progress: dict[str, StepProgress]


def _refuse_a_database_of_others(engine: Engine) -> None:
    """A server's database with tables of its own but no mapm schema belongs to something else (a
    case-management system, another app): mapm's tables are never created among them, as a foreign
    SQLite file is never migrated. An empty database (as its administrator made it for mapm) is set up."""
    from .db import ForeignDatabase
    from .pgserver import describe

    with engine.connect() as conn:
        tables = conn.exec_driver_sql("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").scalar()
        conn.rollback()
    if tables:
        raise ForeignDatabase(
            f"{describe(engine.url)} holds {tables} table(s) of something else and no mapm schema; nothing was "
            "changed: give mapm an empty database of its own ('Sharing with a team' in the README)."
        )


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
        """A session for reading; a server that cannot be reached comes out as ServerGone (one sentence)."""
        with server_reads(), Session(self.engine, expire_on_commit=False) as session:
            yield session

    def answers(self) -> bool:
        """Whether the database takes a connection and answers a query now. Asked in a thread while saves
        wait for a server found out of reach (app.py), so that the chair's screen never waits on one.
        A server that answers with another error (a password changed meanwhile) counts as answering: the
        save tried next says what is wrong, in its own sentence."""
        try:
            with self.reading() as session:
                session.connection().exec_driver_sql("SELECT 1")
        except ServerGone:
            return False
        except SQLAlchemyError:
            return True
        return True

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session in one BEGIN IMMEDIATE transaction, committed on leaving (rolled back on error).

        Database refusals (the final-meeting triggers, constraints) come out as StoreError sentences.
        """
        try:
            conn = self.engine.connect().execution_options(sqlite_begin="IMMEDIATE")
        except OperationalError as exc:  # PostgreSQL: no connection to the server (ConnectionLost)
            raise _refusal(exc) from None
        with conn, Session(bind=conn, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except IntegrityError as exc:
                session.rollback()
                raise _refusal(exc) from None
            except OperationalError as exc:
                session.rollback()
                raise _refusal(exc) from None
            except DBAPIDatabaseError as exc:
                # PostgreSQL: a trigger's refusal (our SQLSTATEs), a role without the privilege; on SQLite
                # any other database error (a damaged file) goes on as it is
                session.rollback()
                if self.engine.dialect.name != "postgresql":
                    raise
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
        with server_reads(), self.engine.connect() as conn:
            if self.engine.dialect.name == "postgresql":
                rows = conn.execute(text(SERVER_LIST_SQL), {"case_ref": case_ref, "limit": limit}).all()
            else:
                rows = conn.exec_driver_sql(
                    LIST_SQL, {"case_ref": case_ref, "limit": -1 if limit is None else limit}
                ).all()
            conn.rollback()
        return summaries(rows)

    def count_meetings(self) -> int:
        with server_reads(), self.engine.connect() as conn:
            total = conn.exec_driver_sql(COUNT_SQL).scalar()
            conn.rollback()
        return int(total or 0)

    def exists(self, meeting_id: str) -> bool:
        with self.reading() as s:
            return s.get(Meeting, meeting_id) is not None

    def meeting_row(self, meeting_id: str) -> Meeting:
        with self.reading() as s:
            return self._get(s, meeting_id)

    def load_meeting(self, meeting_id: str) -> dict:
        """The whole meeting as a dict shaped like the bundle's `meeting` object."""
        with self.reading() as s:
            return self.load_meeting_in(s, meeting_id)

    def load_meeting_in(self, s: Session, meeting_id: str) -> dict:
        """`load_meeting` inside a session the caller holds (to check and write in one transaction)."""
        row = self._get(s, meeting_id)
        children = {
            key: list(
                s.exec(select(model).where(model.meeting_id == meeting_id).order_by(col(model.position), col(model.pk)))
            )
            for key, (model, _fields) in CHILD_LISTS.items()
        }
        progress = list(s.exec(select(StepProgress).where(StepProgress.meeting_id == meeting_id)))
        return meeting_to_dict(row, children, progress)

    def template_of(self, meeting_id: str) -> Template:
        """The meeting's own snapshot of its agenda template."""
        row = self.meeting_row(meeting_id)
        return Template.from_dict(row.template_snapshot or {}, f"meeting {meeting_id}")

    def opened(self, meeting_id: str) -> OpenedMeeting:
        """What opening a meeting on screen needs (`LiveMeeting`), read in ONE transaction: on a server each
        separate read costs a connection check, BEGIN and ROLLBACK round trips besides its own queries."""
        with self.reading() as s:
            row = self._get(s, meeting_id)
            drafts = {d.key: d.text for d in s.exec(select(Draft).where(Draft.meeting_id == meeting_id))}
            progress = s.exec(select(StepProgress).where(StepProgress.meeting_id == meeting_id))
            return OpenedMeeting(
                row=row,
                template=Template.from_dict(row.template_snapshot or {}, f"meeting {meeting_id}"),
                meeting=self.load_meeting_in(s, meeting_id),
                drafts=drafts,
                progress={p.step_key: p for p in progress},
            )

    def step_progress(self, meeting_id: str) -> dict[str, StepProgress]:
        with self.reading() as s:
            rows = s.exec(select(StepProgress).where(StepProgress.meeting_id == meeting_id))
            return {p.step_key: p for p in rows}

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
    #: the meeting's row inside a transaction the caller holds, or NotFound (lifecycle uses it)
    meeting_in = _get


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
