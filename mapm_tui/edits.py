"""Every edit the app makes to a meeting: creating and importing it, its own fields and status, its items
(attendees, entries, actions, subjects), step progress, and drafts (half-typed text).

Every edit is its own short `BEGIN IMMEDIATE` transaction (`Store.writing`), committed before the call
returns: once a function here has returned, the change is on disk. Values are checked first (validation.py);
a meeting that was ever final records each change as an amendment (amendments.py). `Edits` is a part of
`store.Store`, which holds the sessions and the checks every write makes first (`_editable`).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import secrets
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError as DBAPIDatabaseError
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, select

from .agenda import Template
from .amendments import Amendments, _item_label, _item_summary
from .bundle_reasons import export_problem
from .convert import child_rows, meeting_columns
from .models import CHILD_LISTS, Action, Attendee, Draft, Entry, Meeting, StepProgress, Subject, table_of
from .schema import errors_for
from .store_errors import AlreadyStored, MeetingLocked, NotFound, StoreError, _refusal
from .text import clean
from .validation import _checked, _clean_value, _meeting_column, _row_values
from .vocabulary import may_move, status_in_words

if TYPE_CHECKING:
    from contextlib import AbstractContextManager


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
def _draft_upsert(dialect: str = "sqlite"):
    """INSERT … ON CONFLICT DO UPDATE for a draft, built once per dialect (SQLite's and PostgreSQL's
    upserts are written alike; each dialect's insert construct renders its own)."""
    table = table_of(Draft)
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(table).values(
        meeting_id=bindparam("m"), key=bindparam("k"), text=bindparam("t"), updated_at=bindparam("u")
    )
    return statement.on_conflict_do_update(
        index_elements=["meeting_id", "key"],
        set_={"text": statement.excluded.text, "updated_at": statement.excluded.updated_at},
    )


_ID_PREFIX = {"attendees": "att", "entries": "ent", "actions": "act"}
_ITEM_DEF = {"attendees": "attendee", "entries": "entry", "actions": "action", "subjects": "subject"}


def _refuse_unexportable(row: Meeting, columns: dict[str, tuple[str, Any]]) -> None:
    """StoreError when the reasons and their details just set would not export as a valid bundle (the
    sentence that carries professionals' safety makes the details longer: bundle_reasons.py); raised
    inside the write transaction, so nothing of the change is written."""
    for path in sorted(columns.keys() & {"reasons", "reasons_detail"}):
        problem = export_problem(row.reasons, row.reasons_detail)
        if problem:
            raise StoreError(f"'{path}' was not saved: {problem}.")


class Edits(Amendments):
    """The store's edits (a part of `store.Store`, which provides the sessions and checks declared here)."""

    engine: Engine
    hold_token: str | None

    if TYPE_CHECKING:

        def writing(self) -> AbstractContextManager[Session]: ...
        def reading(self) -> AbstractContextManager[Session]: ...
        def exists(self, meeting_id: str) -> bool: ...
        def _get(self, s: Session, meeting_id: str) -> Meeting: ...
        def _editable(self, s: Session, meeting_id: str) -> Meeting: ...
        def check_hold(self, s: Session, meeting_id: str) -> None: ...
        def _audit(self, s: Session, meeting_id: str, kind: str, detail: str | None, by: str | None = None) -> None: ...

    # -- creating ---------------------------------------------------------------------------------
    def new_meeting_id(self, day: dt.date) -> str:
        while True:
            candidate = f"m-{day:%Y%m%d}-{secrets.token_hex(3)}"
            if not self.exists(candidate):
                return candidate

    def create_meeting(self, template: Template, day: dt.date, **fields: Any) -> str:
        """A new draft meeting on `template`; `fields` are bundle paths as for `set_fields`, checked first
        and written with the new row, in its one transaction (on a server each transaction costs the write
        lock, a commit and several round trips: the new-meeting form waits for this)."""
        columns = self._checked_fields(fields)
        with self.writing() as s:
            meeting_id = self.create_meeting_in(s, template, day, columns)
            self._audit(s, meeting_id, "created", None)
        return meeting_id

    def create_meeting_in(
        self, s: Session, template: Template, day: dt.date, columns: dict[str, tuple[str, Any]] | None = None
    ) -> str:
        """A new draft meeting row on `template` (with its snapshot), inside a transaction the caller holds
        (`create_meeting`, and carry_over's next meeting), with `columns` (`_checked_fields`) set; returns
        its id. The caller records the audit."""
        meeting_id = self._new_meeting_id_in(s, day)
        now = self.clock.utcnow()
        row = Meeting(
            id=meeting_id,
            template=template.key,
            template_snapshot=template.to_dict(),
            status="draft",
            date=day.isoformat(),
            created_at=now,
            updated_at=now,
        )
        for _path, (column, value) in (columns or {}).items():
            setattr(row, column, value)
        _refuse_unexportable(row, columns or {})
        s.add(row)
        return meeting_id

    @staticmethod
    def _new_meeting_id_in(s: Session, day: dt.date) -> str:
        """`new_meeting_id`, asked inside the caller's transaction (no connection of its own)."""
        while True:
            candidate = f"m-{day:%Y%m%d}-{secrets.token_hex(3)}"
            if s.get(Meeting, candidate) is None:
                return candidate

    def insert_meeting(self, data: dict, template: Template, *, bundle_extensions: dict | None = None) -> str:
        """Write a whole, already validated meeting dict in one transaction (all or nothing)."""
        meeting_id = data["id"]
        now = self.clock.utcnow()
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
        columns = self._checked_fields(values)
        with self.writing() as s:
            self._set_columns(s, meeting_id, columns)

    def set_fields_in(self, s: Session, meeting_id: str, values: dict[str, Any]) -> None:
        """`set_fields` inside a transaction the caller holds (lifecycle's next meeting uses it)."""
        self._set_columns(s, meeting_id, self._checked_fields(values))

    @staticmethod
    def _checked_fields(values: dict[str, Any]) -> dict[str, tuple[str, Any]]:
        columns = {}
        for path, value in values.items():
            column, schema_path = _meeting_column(path)
            value = _checked(value, schema_path, path)
            columns[path] = (column, value)
        return columns

    def _set_columns(self, s: Session, meeting_id: str, columns: dict[str, tuple[str, Any]]) -> None:
        row = self._editable(s, meeting_id)
        amending = self._amending(s, row)
        for path, (column, value) in columns.items():
            old = getattr(row, column)
            setattr(row, column, value)
            if amending:
                self._amend(s, amending, path, old, value)
        _refuse_unexportable(row, columns)
        row.updated_at = self.clock.utcnow()
        s.add(row)

    def set_status(self, meeting_id: str, status: str, by: str | None = None) -> str | None:
        """Move a meeting along design.md's status table (start, end, resume, back to draft).

        Finalising and reopening have their own functions, because they carry more than a status.
        Returns a sentence for the chair when something was not done as usual (an end time before the
        recorded start is not written), else None.
        """
        if status == "final":
            raise StoreError("Use finalise to make a meeting final: it checks the findings first.")
        now = self.clock.utcnow()
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

    def mark_part_two(self, meeting_id: str, at: dt.datetime | None = None) -> None:
        """The family joins: entries from now on are said in the family part (G-08). `at`: when the chair
        marked it, for a mark written later than it was made (a server that was out of reach)."""
        with self.writing() as s:
            row = self._editable(s, meeting_id)
            old, row.part_two_started_at = row.part_two_started_at, at or self.clock.utcnow()
            amending = self._amending(s, row)
            if amending:
                self._amend(s, amending, "part_two_started_at", old, row.part_two_started_at)
            s.add(row)

    # -- items ------------------------------------------------------------------------------------
    def add_item(self, meeting_id: str, kind: str, values: dict[str, Any], *, once: bool = False) -> str:
        """Add an attendee, entry, action or subject (kind: attendees, entries, actions, subjects).

        Returns the new item's id (for subjects, its position as text). With `once`, `values` carry the id
        the caller chose, and an item of that id already stored with the same kind and text is this item,
        written by an earlier try whose answer was lost (a connection dropped after the COMMIT): nothing is
        written again (pending.py). The same id with other content is refused as any used id is."""
        with self.writing() as s:
            if once and "id" in values and self._stored_already(s, CHILD_LISTS[kind][0], meeting_id, values):
                return str(values["id"])
            return self.add_item_in(s, meeting_id, kind, values)

    @staticmethod
    def _stored_already(s: Session, model, meeting_id: str, values: dict[str, Any]) -> bool:
        """An item of `values`' id is stored, with the same kind and text (`add_item(once=True)`)."""
        row = s.exec(select(model).where(model.meeting_id == meeting_id, model.id == values["id"])).first()
        if row is None:
            return False
        return all(getattr(row, f) == clean(str(values.get(f))) for f in ("kind", "text") if hasattr(row, f))

    def add_item_in(self, s: Session, meeting_id: str, kind: str, values: dict[str, Any]) -> str:
        """`add_item` inside a transaction the caller holds (lifecycle's next meeting uses it): the same
        checks (the meeting editable, the values against the schema, the ids it refers to) and amendments."""
        model, fields = CHILD_LISTS[kind]
        item = {k: v for k, v in values.items() if v is not None}
        meeting = self._editable(s, meeting_id)
        position = (s.exec(select(func.max(model.position)).where(model.meeting_id == meeting_id)).one() or 0) + 1
        if "id" in fields:
            item.setdefault("id", self._next_id(s, model, meeting_id, _ID_PREFIX[kind]))
        if "created_at" in fields:
            item.setdefault("created_at", self.clock.utcnow().isoformat())
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

        table = table_of(Draft)
        if value:
            statement = _draft_upsert(self.engine.dialect.name)
            params = {"m": meeting_id, "k": key, "t": value, "u": self.clock.utcnow()}
        else:
            statement, params = table.delete().where(table.c.meeting_id == meeting_id, table.c.key == key), {}
        try:
            conn = self.engine.connect().execution_options(sqlite_begin="IMMEDIATE")
        except OperationalError as exc:  # PostgreSQL: no connection to the server (ConnectionLost)
            raise _refusal(exc) from None
        with conn:
            try:
                holds.check(conn, meeting_id, self.hold_token, self.clock.utcnow())
                conn.execute(statement, params)
                conn.commit()
            except (IntegrityError, OperationalError) as exc:
                conn.rollback()
                raise _refusal(exc) from None
            except DBAPIDatabaseError as exc:  # PostgreSQL: a trigger's SQLSTATE, a role's privilege
                conn.rollback()
                if self.engine.dialect.name != "postgresql":
                    raise
                raise _refusal(exc) from None

    def drafts(self, meeting_id: str) -> dict[str, str]:
        with self.reading() as s:
            return {d.key: d.text for d in s.exec(select(Draft).where(Draft.meeting_id == meeting_id))}

    def _touch(self, s: Session, meeting_id: str) -> None:
        # Session.execute (sqlmodel's exec is typed for select() only): it flushes the session's pending
        # changes first, as exec did, so a reopen's status is written before this (the final lock's order)
        s.execute(
            text("UPDATE meeting SET updated_at = :now WHERE id = :id"),
            {"now": self.clock.utcnow().astimezone(dt.UTC).isoformat(), "id": meeting_id},
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
        refs: list[tuple[str, Any, type[Attendee] | type[Entry]]] = []
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
