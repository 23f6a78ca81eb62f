"""Storage: opening and migrating the database, reading meetings, and every edit the app makes.

Every edit is its own short `BEGIN IMMEDIATE` transaction, committed before the call returns: once a
function here has returned, the change is on disk (WAL, synchronous=FULL). Values are checked against
the bundle schema (the same limits an import enforces) and cleaned of characters SQLite or Word would
refuse, so every stored meeting exports as a valid bundle.

No Textual here; screens call these functions (through the app) and show what they return.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import bindparam, func, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError as DBAPIDatabaseError
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, select

from . import migrations
from .agenda import Template
from .clock import Clock
from .convert import child_rows, meeting_columns, meeting_to_dict
from .db import DatabaseError, close_engine, erase_deleted_search_text, make_engine
from .listing import COUNT_SQL, LIST_SQL, MeetingSummary, summaries
from .models import (
    CHILD_LISTS,
    MEETING_GROUPS,
    TEXT,
    Action,
    Amendment,
    Attendee,
    Draft,
    Entry,
    Meeting,
    StepProgress,
    Subject,
)
from .schema import errors_for, field_limit
from .text import clean, clean_line
from .vocabulary import may_move, status_in_words


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


def end_time_for(date: str | None, start_time: str | None, ended: dt.datetime) -> tuple[str | None, str | None]:
    """The end time to record when the chair ends a meeting at `ended` (local time), and a sentence when
    none is recorded: on the meeting's own day, a time before the recorded start (a start time typed
    as planned, a clock that was wrong) would make the minutes say the meeting ended before it began."""
    end = ended.strftime("%H:%M")
    if start_time and date == ended.date().isoformat() and end < start_time:
        return None, (
            f"The meeting ended at {end}, before its recorded start time of {start_time}, so no end time was "
            "written; put the right start and end times on the first step (Date, time and venue)."
        )
    return end, None


@functools.cache
def _draft_upsert():
    """INSERT … ON CONFLICT DO UPDATE for a draft, built once (SQLite's upsert: kept in this module)."""
    table = Draft.__table__
    statement = sqlite_insert(table).values(
        meeting_id=bindparam("m"), key=bindparam("k"), text=bindparam("t"), updated_at=bindparam("u")
    )
    return statement.on_conflict_do_update(
        index_elements=["meeting_id", "key"],
        set_={"text": statement.excluded.text, "updated_at": statement.excluded.updated_at},
    )


def _now(clock: Clock) -> dt.datetime:
    return clock.utcnow()


class Store:
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

    # -- creating ---------------------------------------------------------------------------------
    def new_meeting_id(self, day: dt.date) -> str:
        while True:
            candidate = f"m-{day:%Y%m%d}-{secrets.token_hex(3)}"
            if not self.exists(candidate):
                return candidate

    def create_meeting(self, template: Template, day: dt.date, **fields: Any) -> str:
        """A new draft meeting on `template`; `fields` are bundle paths as for `set_fields`."""
        meeting_id = self.new_meeting_id(day)
        now = _now(self.clock)
        with self.writing() as s:
            s.add(
                Meeting(
                    id=meeting_id,
                    template=template.key,
                    template_snapshot=template.to_dict(),
                    status="draft",
                    date=day.isoformat(),
                    created_at=now,
                    updated_at=now,
                )
            )
            self._audit(s, meeting_id, "created", None)
        if fields:
            self.set_fields(meeting_id, fields)
        return meeting_id

    def insert_meeting(self, data: dict, template: Template, *, bundle_extensions: dict | None = None) -> str:
        """Write a whole, already validated meeting dict in one transaction (all or nothing)."""
        meeting_id = data["id"]
        now = _now(self.clock)
        cols = meeting_columns(data)
        with self.writing() as s:
            if s.get(Meeting, meeting_id) is not None:
                raise AlreadyStored(f"A meeting with id '{meeting_id}' is already stored; it was not imported again.")
            meeting = Meeting(
                **cols,
                template_snapshot=template.to_dict(),
                bundle_extensions=bundle_extensions,
                created_at=now,
                updated_at=now,
            )
            # The status is written last, so the final-meeting triggers do not refuse the meeting's own rows;
            # in review until then, the one status the database lets move to final (0005).
            meeting.status = "in_review" if data["status"] == "final" else data["status"]
            s.add(meeting)
            s.flush()
            for rows in child_rows(meeting_id, data).values():
                s.add_all(rows)
            for key, seconds in (data.get("step_timings") or {}).items():
                s.add(StepProgress(meeting_id=meeting_id, step_key=key, seconds=seconds))
            s.flush()
            if data["status"] == "final":
                meeting.status = "final"
            self._audit(s, meeting_id, "imported", None)
        return meeting_id

    # -- editing the meeting's own fields ---------------------------------------------------------
    def set_fields(self, meeting_id: str, values: dict[str, Any]) -> None:
        """Set meeting fields by bundle path: `aim`, `family.attending`, `next_review.date` … None clears."""
        columns = {}
        for path, value in values.items():
            column, schema_path = _meeting_column(path)
            value = _checked(value, schema_path, path)
            columns[path] = (column, value)
        with self.writing() as s:
            row = self._editable(s, meeting_id)
            amending = self._amending(s, row)
            for path, (column, value) in columns.items():
                old = getattr(row, column)
                setattr(row, column, value)
                if amending:
                    self._amend(s, amending, path, old, value)
            row.updated_at = _now(self.clock)
            s.add(row)

    def set_status(self, meeting_id: str, status: str, by: str | None = None) -> str | None:
        """Move a meeting along design.md's status table (start, end, resume, back to draft).

        Finalising and reopening have their own functions, because they carry more than a status.
        Returns a sentence for the chair when something was not done as usual (an end time before the
        recorded start is not written), else None.
        """
        if status == "final":
            raise StoreError("Use finalise to make a meeting final: it checks the findings first.")
        now = _now(self.clock)
        with self.writing() as s:
            row = self._get(s, meeting_id)
            self.check_hold(s, meeting_id)
            if not may_move(row.status, status):
                raise StoreError(
                    f"A meeting that is {status_in_words(row.status)} cannot move to {status_in_words(status)}."
                )
            if row.status == "final":
                raise MeetingLocked("A final meeting can only be reopened, with a reason.")
            old = row.status
            row.status = status
            if status == "in_progress" and row.started_at is None:
                row.started_at = now
                if row.start_time is None:
                    row.start_time = self.clock.now().strftime("%H:%M")
            note = None
            if status == "in_review" and old == "in_progress":
                row.ended_at = now
                end_time, note = end_time_for(row.date, row.start_time, self.clock.now())
                if end_time is not None:
                    row.end_time = end_time
            row.updated_at = now
            s.add(row)
            self._audit(s, meeting_id, "status", f"{old} -> {status}" + (f" ({note})" if note else ""), by)
        return note

    def mark_part_two(self, meeting_id: str) -> None:
        """The family joins: entries from now on are said in the family part (G-08)."""
        with self.writing() as s:
            row = self._editable(s, meeting_id)
            old, row.part_two_started_at = row.part_two_started_at, _now(self.clock)
            amending = self._amending(s, row)
            if amending:
                self._amend(s, amending, "part_two_started_at", old, row.part_two_started_at)
            s.add(row)

    # -- items ------------------------------------------------------------------------------------
    def add_item(self, meeting_id: str, kind: str, values: dict[str, Any]) -> str:
        """Add an attendee, entry, action or subject (kind: attendees, entries, actions, subjects).

        Returns the new item's id (for subjects, its position as text)."""
        model, fields = CHILD_LISTS[kind]
        item = {k: v for k, v in values.items() if v is not None}
        with self.writing() as s:
            meeting = self._editable(s, meeting_id)
            position = (s.exec(select(func.max(model.position)).where(model.meeting_id == meeting_id)).one() or 0) + 1
            if "id" in fields:
                item.setdefault("id", self._next_id(s, model, meeting_id, _ID_PREFIX[kind]))
            if "created_at" in fields:
                item.setdefault("created_at", _now(self.clock).isoformat())
            item = self._checked_item(s, meeting_id, kind, item)
            row = model(meeting_id=meeting_id, position=position, **_row_values(item, fields))
            s.add(row)
            amending = self._amending(s, meeting)
            if amending:
                self._amend(s, amending, _item_label(kind, row), None, _item_summary(kind, row))
            self._touch(s, meeting_id)
        return item.get("id", str(position))

    def update_item(self, meeting_id: str, kind: str, item_id: str, values: dict[str, Any]) -> None:
        """Change some fields of one item; a None value clears that field."""
        model, fields = CHILD_LISTS[kind]
        with self.writing() as s:
            meeting = self._editable(s, meeting_id)
            row = self._item(s, model, meeting_id, item_id)
            before = {f: getattr(row, f) for f in fields}
            current = {f: getattr(row, f) for f in fields if getattr(row, f) is not None}
            current = {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in current.items()}
            current.update(values)
            item = self._checked_item(s, meeting_id, kind, {k: v for k, v in current.items() if v is not None})
            for f in fields:
                if f in values or f in item:
                    setattr(row, f, _row_values(item, (f,)).get(f))
            s.add(row)
            amending = self._amending(s, meeting)
            if amending:
                label = _item_label(kind, row)
                for f in fields:
                    self._amend(s, amending, f"{label}.{f}", before[f], getattr(row, f))
            self._touch(s, meeting_id)

    def delete_item(self, meeting_id: str, kind: str, item_id: str) -> None:
        """Delete one item. Deleting an entry also takes it out of the actions that addressed it."""
        model, _fields = CHILD_LISTS[kind]
        with self.writing() as s:
            meeting = self._editable(s, meeting_id)
            amending = self._amending(s, meeting)
            row = self._item(s, model, meeting_id, item_id)
            if amending:
                self._amend(s, amending, _item_label(kind, row), _item_summary(kind, row), None)
            s.delete(row)
            if kind == "entries":
                for action in s.exec(select(Action).where(Action.meeting_id == meeting_id)):
                    if action.addresses and item_id in action.addresses:
                        old = list(action.addresses)
                        action.addresses = [a for a in action.addresses if a != item_id]
                        s.add(action)
                        if amending:
                            self._amend(
                                s, amending, f"{_item_label('actions', action)}.addresses", old, action.addresses
                            )
            self._touch(s, meeting_id)

    # -- step progress ----------------------------------------------------------------------------
    def add_step_time(self, meeting_id: str, step_key: str, seconds: int) -> None:
        if seconds <= 0:
            return
        with self.writing() as s:
            self._editable(s, meeting_id)
            row = self._progress(s, meeting_id, step_key)
            row.seconds += int(seconds)
            s.add(row)

    def set_step_done(self, meeting_id: str, step_key: str, done: bool = True) -> None:
        with self.writing() as s:
            self._editable(s, meeting_id)
            row = self._progress(s, meeting_id, step_key)
            row.done = done
            s.add(row)

    # -- drafts: half-typed text, kept until it becomes an item ----------------------------------
    def save_draft(self, meeting_id: str, key: str, value: str) -> None:
        """Keep text typed but not yet added (empty text removes the draft).

        One statement on a plain connection, not an ORM session: steady typing saves a draft every
        0.4 s (autosave.py), and the session's select and flush were most of what a save cost
        (0.7 ms of CPU now against 2.4 ms; the typing benchmark)."""
        value = clean(value)
        from . import holds

        table = Draft.__table__
        if value:
            statement, params = _draft_upsert(), {"m": meeting_id, "k": key, "t": value, "u": _now(self.clock)}
        else:
            statement, params = table.delete().where(table.c.meeting_id == meeting_id, table.c.key == key), {}
        with self.engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn:
            try:
                holds.check(conn, meeting_id, self.hold_token, _now(self.clock))
                conn.execute(statement, params)
                conn.commit()
            except (IntegrityError, OperationalError) as exc:
                conn.rollback()
                raise _refusal(exc) from None

    def drafts(self, meeting_id: str) -> dict[str, str]:
        with self.reading() as s:
            return {d.key: d.text for d in s.exec(select(Draft).where(Draft.meeting_id == meeting_id))}

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

        holds.check(s.connection(), meeting_id, self.hold_token, _now(self.clock))

    def _touch(self, s: Session, meeting_id: str) -> None:
        s.exec(
            text("UPDATE meeting SET updated_at = :now WHERE id = :id"),
            params={"now": _now(self.clock).astimezone(dt.UTC).isoformat(), "id": meeting_id},
        )

    def _progress(self, s: Session, meeting_id: str, step_key: str) -> StepProgress:
        row = s.exec(
            select(StepProgress).where(StepProgress.meeting_id == meeting_id, StepProgress.step_key == step_key)
        ).first()
        return row or StepProgress(meeting_id=meeting_id, step_key=step_key, seconds=0, done=False)

    def _item(self, s: Session, model, meeting_id: str, item_id: str):
        if model is Subject:
            row = s.exec(
                select(Subject).where(Subject.meeting_id == meeting_id, Subject.position == int(item_id))
            ).first()
        else:
            row = s.exec(select(model).where(model.meeting_id == meeting_id, model.id == item_id)).first()
        if row is None:
            raise NotFound(f"There is no {model.__name__.lower()} '{item_id}' in meeting '{meeting_id}'.")
        return row

    @staticmethod
    def _next_id(s: Session, model, meeting_id: str, prefix: str) -> str:
        ids = s.exec(select(model.id).where(model.meeting_id == meeting_id)).all()
        numbers = [int(m.group(1)) for i in ids if (m := re.fullmatch(rf"{prefix}-(\d+)", i or ""))]
        return f"{prefix}-{max(numbers, default=0) + 1}"

    def _checked_item(self, s: Session, meeting_id: str, kind: str, item: dict) -> dict:
        definition = _ITEM_DEF[kind]
        item = {k: _clean_value(v, definition, k) for k, v in item.items()}
        problems = errors_for(item, definition)
        if problems:
            raise StoreError(f"The {definition} was not saved: {problems[0]}.")
        refs = []
        if kind == "entries" and item.get("source_attendee_id"):
            refs.append(("attendee", item["source_attendee_id"], Attendee))
        if kind == "actions":
            if item.get("owner_attendee_id"):
                refs.append(("attendee", item["owner_attendee_id"], Attendee))
            for entry_id in item.get("addresses") or []:
                refs.append(("entry", entry_id, Entry))
        for label, ref, model in refs:
            found = s.exec(select(model.pk).where(model.meeting_id == meeting_id, model.id == ref)).first()
            if found is None:
                raise StoreError(f"The {definition} was not saved: there is no {label} '{ref}' in this meeting.")
        return item

    def _audit(self, s: Session, meeting_id: str, kind: str, detail: str | None, by: str | None = None) -> None:
        from . import audit

        audit.append(s, self, meeting_id, kind, detail, by)

    #: record who did what to a meeting, inside a transaction the caller holds (lifecycle uses it)
    audit = _audit

    # -- amendments: every change after a meeting was first finalised -----------------------------
    def _amending(self, s: Session, meeting: Meeting) -> _Amending | None:
        """How changes to this meeting are recorded as amendments, or None while it was never final.

        A meeting has been finalised when `finalised_at` is set (a reopen keeps it) or it has an amendment
        of its status (a reopen writes one; a bundle imported as final may carry no `finalised_at`). The
        amendments carry the name and reason of the latest reopen, read from that status amendment (so they
        survive an export and import); the store's edits have no reason of their own. Edits to one field
        since that reopen are kept as one amendment: typing is saved every half second, and the annex shows
        before and after, not every keystroke.
        """
        if meeting.status == "final":
            return None
        latest = s.exec(
            select(Amendment)
            .where(Amendment.meeting_id == meeting.id, Amendment.field == STATUS_FIELD)
            .order_by(Amendment.pk.desc())
        ).first()
        if latest is None:
            return None if meeting.finalised_at is None else _Amending(meeting.id, None, None, 0)
        if latest.new == REOPENED:
            return _Amending(meeting.id, latest.by, latest.reason, latest.pk)
        return _Amending(meeting.id, None, None, latest.pk)

    def _amend(self, s: Session, ctx: _Amending, field: str, old: Any, new: Any) -> None:
        old, new = _amend_text(old), _amend_text(new)
        if old == new:
            return
        field = clean_line(field)[:300]
        earlier = s.exec(
            select(Amendment)
            .where(Amendment.meeting_id == ctx.meeting_id, Amendment.field == field, Amendment.pk > ctx.since)
            .order_by(Amendment.pk.desc())
        ).first()
        if earlier is not None and earlier.by == ctx.by and earlier.reason == ctx.reason:
            if earlier.old == new:  # back as it was before the reopen: nothing was amended after all
                s.delete(earlier)
                if field.endswith("]"):  # an item added since the reopen and deleted again: drop its edits too
                    for row in s.exec(
                        select(Amendment).where(
                            Amendment.meeting_id == ctx.meeting_id,
                            Amendment.pk > ctx.since,
                            Amendment.field.startswith(field + "."),
                        )
                    ):
                        s.delete(row)
            else:
                earlier.new = new
                earlier.at = _now(self.clock)
                s.add(earlier)
            s.flush()
            return
        self.add_amendment(s, ctx.meeting_id, field, old, new, by=ctx.by, reason=ctx.reason)

    def add_amendment(
        self, s: Session, meeting_id: str, field: str, old: Any, new: Any, *, by: str | None, reason: str | None
    ) -> None:
        """Append one amendment row (inside the caller's transaction); never merged with earlier ones."""
        position = (
            s.exec(select(func.max(Amendment.position)).where(Amendment.meeting_id == meeting_id)).one() or 0
        ) + 1
        s.add(
            Amendment(
                meeting_id=meeting_id,
                position=position,
                at=_now(self.clock),
                by=by,
                field=field,
                old=_amend_text(old),
                new=_amend_text(new),
                reason=reason,
            )
        )
        s.flush()


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


#: the amendment field of a status change (a reopen, finalising again); it starts a new run of amendments
STATUS_FIELD = "status"
#: the new value of the status amendment a reopen writes (its by and reason go on every later amendment)
REOPENED = "in review"


@dataclass(frozen=True)
class _Amending:
    meeting_id: str
    by: str | None
    reason: str | None
    #: amendments after this pk (the latest status amendment) may be merged with a later edit of their field
    since: int


def _amend_text(value: Any) -> str | None:
    """A value as the annex shows it: text as is, yes/no, lists joined, dates ISO; None stays None."""
    if value is None or value == [] or value == "":
        return None
    if isinstance(value, bool):
        out = "yes" if value else "no"
    elif isinstance(value, dt.datetime):
        out = value.astimezone(dt.UTC).isoformat()
    elif isinstance(value, (list, tuple)):
        out = ", ".join(str(v) for v in value)
    elif isinstance(value, dict):
        import json

        out = json.dumps(value, ensure_ascii=False, sort_keys=True)
    else:
        out = str(value)
    out = clean(out)
    return out if len(out) <= TEXT else out[: TEXT - 1] + "…"


def _item_label(kind: str, row) -> str:
    """How an amendment names an item: `entries[ent-3]`, `actions[act-2]`, `subjects[Sam Example]`."""
    key = row.name if kind == "subjects" else _item_key(row)
    return f"{kind}[{key}]"


def _item_summary(kind: str, row) -> str | None:
    """An item in one line of text, for an amendment that adds or deletes it."""
    if kind == "entries":
        from .capture import kind_label

        return f"{kind_label(row.kind)}: {row.text}"
    if kind == "actions":
        bits = [row.description]
        if row.due_date:
            bits.append(f"due {row.due_date}")
        return "; ".join(bits)
    if kind == "attendees":
        extra = ", ".join(x for x in (row.role, row.agency) if x)
        return f"{row.name} ({extra})" if extra else row.name
    if kind == "subjects":
        return row.name
    return None


_ID_PREFIX = {"attendees": "att", "entries": "ent", "actions": "act"}
_ITEM_DEF = {"attendees": "attendee", "entries": "entry", "actions": "action", "subjects": "subject"}


def _item_key(row) -> str:
    return row.id if hasattr(row, "id") else str(row.position)


def _row_values(item: dict, fields) -> dict:
    out = {}
    for f in fields:
        value = item.get(f)
        if f in ("created_at", "at", "sent_at") and isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        out[f] = value
    return out


def _meeting_column(path: str) -> tuple[str, tuple[str, ...]]:
    if "." in path:
        group, name = path.split(".", 1)
        if group not in MEETING_GROUPS or name not in MEETING_GROUPS[group][1]:
            raise StoreError(f"'{path}' is not a field of a meeting.")
        return MEETING_GROUPS[group][0] + name, ("meeting", group, name)
    if path not in Meeting.model_fields or path in ("id", "template", "status", "template_snapshot"):
        raise StoreError(f"'{path}' is not a field the app can set.")
    schema_path = ("meeting", path) if path not in ("bundle_extensions",) else ()
    return path, schema_path


def _clean_value(value: Any, *path: str) -> Any:
    if isinstance(value, str):
        limit = field_limit(*path) if path else None
        return clean_line(value) if limit is not None and limit <= 300 else clean(value)
    if isinstance(value, list):
        return [clean_line(v) if isinstance(v, str) else v for v in value]
    return value


def _checked(value: Any, schema_path: tuple[str, ...], label: str) -> Any:
    if value is None or not schema_path:
        return value
    try:
        value = _clean_value(value, *schema_path)
    except KeyError:
        value = clean(value) if isinstance(value, str) else value
    if isinstance(value, str) and value.strip() == "":
        return None  # an emptied field is not recorded
    try:
        problems = errors_for(value, *schema_path)
    except KeyError:
        problems = []
    if problems:
        raise StoreError(f"'{label}' was not saved: {problems[0].split(': ', 1)[-1]}.")
    return value


#: SQLite's primary result codes (the low byte of `sqlite3.Error.sqlite_errorcode`, Python 3.11+)
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN = 5, 6, 8, 10, 13, 14


def write_failure(exc: BaseException) -> StoreError | None:
    """The typed error for a write SQLite (or the disk under it) could not do, from its result code; None
    for anything else. Classified by code, never by message text (the text differs between versions)."""
    code = getattr(getattr(exc, "orig", exc), "sqlite_errorcode", None)
    if code is None:
        return None
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
