"""The database tables (SQLModel).

One row per meeting holds the meeting's own facts, with the bundle's small nested records (family,
lead practitioner, next review …) flattened into prefixed columns; lists (subjects, attendees, entries,
actions, overrides, amendments, distribution) are child tables kept in order by `position`.

Item ids are the bundle's ids, scoped to their meeting (two meetings may both have an `act-1`); every
child table also has an integer `pk` so full-text indexes and references have a stable rowid.

`MEETING_GROUPS` says which bundle object maps to which columns: `store.py` and `bundle.py` convert
between rows and the meeting dict through it, so a field is named once.

Table models do not validate on construction: input reaches them through `bundle.validate` (imports)
or the store's field setters (the app), which enforce the schema's limits.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, TypeAlias

from sqlalchemy import Column, String, Table, Text, TypeDecorator, UniqueConstraint
from sqlmodel import Field, SQLModel

SHORT = 300
TEXT = 20_000


class UTCDateTime(TypeDecorator):
    """A timezone-aware timestamp stored as ISO 8601 text in UTC (SQLite has no time zones;
    naive datetimes are refused rather than guessed)."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(dt.UTC).isoformat()

    def process_result_value(self, value: str | None, dialect) -> dt.datetime | None:
        return dt.datetime.fromisoformat(value) if value else None


class JSONText(TypeDecorator):
    """A JSON value stored as text (lists of reasons, addresses, extensions)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect) -> str | None:
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    def process_result_value(self, value: str | None, dialect) -> Any:
        return None if value is None else json.loads(value)


def table_of(model: type[SQLModel]) -> Table:
    """A table model's SQLAlchemy table: SQLModel sets `__table__` on every table model but does not
    declare it for type checkers, hence the one ignore."""
    return model.__table__  # type: ignore[attr-defined]


def _ts(**kw) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), **kw))


def _json() -> Any:
    return Field(default=None, sa_column=Column(JSONText()))


#: bundle object name -> (column prefix, its fields). Person objects share one field list.
PERSON_FIELDS = ("name", "role", "agency")
MEETING_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "chair": ("chair_", PERSON_FIELDS),
    "minute_taker": ("minute_taker_", PERSON_FIELDS),
    "authorised_by": ("authorised_by_", PERSON_FIELDS),
    "family": (
        "family_",
        (
            "informed_beforehand",
            "not_informed_reason",
            "agencies_agreed_not_to_inform",
            "objected",
            "objection_response",
            "attending",
            "not_attending_rationale",
        ),
    ),
    "family_meeting": ("family_meeting_", ("considered", "outcome")),
    "lead_practitioner": ("lead_", ("name", "agency", "changed", "note")),
    "disagreement": ("disagreement_", ("any", "summary", "escalation")),
    "feedback_to_family": ("feedback_", ("by_attendee_id", "by_name", "by_date", "method", "not_needed_reason")),
    "minutes_sharing": ("sharing_", ("share_with_family", "reason_not_shared", "fii_concern", "senior_consulted")),
    "next_review": ("review_", ("required", "date", "time", "venue", "reason_not_required")),
}
#: Top-level scalar fields of the bundle's meeting object stored as columns of the same name.
MEETING_SCALARS = (
    "id",
    "case_ref",
    "title",
    "template",
    "meeting_type",
    "other_procedure",
    "other_procedure_reason",
    "status",
    "date",
    "start_time",
    "end_time",
    "venue",
    "convening_agency",
    "reasons",
    "reasons_detail",
    "aim",
    "introductions",
    "existing_plan_reviewed",
    "legislation_considered",
    "previous_meeting_id",
    "finalised_at",
    "finalised_by",
    "protective_marking",
    "extensions",
)


class Meeting(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=64)
    case_ref: str | None = Field(default=None, max_length=SHORT, index=True)
    title: str | None = Field(default=None, max_length=SHORT)
    template: str = Field(max_length=SHORT)
    #: the template's steps as they were when the meeting was created (Template.to_dict)
    template_snapshot: dict | None = _json()
    meeting_type: str = Field(default="planning", max_length=40)
    other_procedure: str | None = Field(default=None, max_length=40)
    other_procedure_reason: str | None = Field(default=None, max_length=TEXT)
    status: str = Field(default="draft", max_length=20, index=True)
    date: str = Field(max_length=10, index=True)  # ISO date, as in the bundle
    start_time: str | None = Field(default=None, max_length=5)
    end_time: str | None = Field(default=None, max_length=5)
    venue: str | None = Field(default=None, max_length=SHORT)
    convening_agency: str | None = Field(default=None, max_length=SHORT)

    chair_name: str | None = Field(default=None, max_length=SHORT)
    chair_role: str | None = Field(default=None, max_length=SHORT)
    chair_agency: str | None = Field(default=None, max_length=SHORT)
    minute_taker_name: str | None = Field(default=None, max_length=SHORT)
    minute_taker_role: str | None = Field(default=None, max_length=SHORT)
    minute_taker_agency: str | None = Field(default=None, max_length=SHORT)
    authorised_by_name: str | None = Field(default=None, max_length=SHORT)
    authorised_by_role: str | None = Field(default=None, max_length=SHORT)
    authorised_by_agency: str | None = Field(default=None, max_length=SHORT)

    reasons: list | None = _json()
    reasons_detail: str | None = Field(default=None, max_length=TEXT)
    aim: str | None = Field(default=None, max_length=TEXT)
    introductions: str | None = Field(default=None, max_length=TEXT)
    existing_plan_reviewed: str | None = Field(default=None, max_length=TEXT)
    legislation_considered: str | None = Field(default=None, max_length=TEXT)

    family_informed_beforehand: bool | None = None
    family_not_informed_reason: str | None = Field(default=None, max_length=TEXT)
    family_agencies_agreed_not_to_inform: bool | None = None
    family_objected: bool | None = None
    family_objection_response: str | None = Field(default=None, max_length=TEXT)
    family_attending: str | None = Field(default=None, max_length=20)
    family_not_attending_rationale: str | None = Field(default=None, max_length=TEXT)

    family_meeting_considered: bool | None = None
    family_meeting_outcome: str | None = Field(default=None, max_length=TEXT)
    lead_name: str | None = Field(default=None, max_length=SHORT)
    lead_agency: str | None = Field(default=None, max_length=SHORT)
    lead_changed: bool | None = None
    lead_note: str | None = Field(default=None, max_length=TEXT)
    disagreement_any: bool | None = None
    disagreement_summary: str | None = Field(default=None, max_length=TEXT)
    disagreement_escalation: str | None = Field(default=None, max_length=TEXT)
    feedback_by_attendee_id: str | None = Field(default=None, max_length=64)
    feedback_by_name: str | None = Field(default=None, max_length=SHORT)
    feedback_by_date: str | None = Field(default=None, max_length=10)
    feedback_method: str | None = Field(default=None, max_length=SHORT)
    feedback_not_needed_reason: str | None = Field(default=None, max_length=TEXT)
    sharing_share_with_family: bool | None = None
    sharing_reason_not_shared: str | None = Field(default=None, max_length=TEXT)
    sharing_fii_concern: bool | None = None
    sharing_senior_consulted: str | None = Field(default=None, max_length=SHORT)
    review_required: bool | None = None
    review_date: str | None = Field(default=None, max_length=10)
    review_time: str | None = Field(default=None, max_length=5)
    review_venue: str | None = Field(default=None, max_length=SHORT)
    review_reason_not_required: str | None = Field(default=None, max_length=TEXT)

    previous_meeting_id: str | None = Field(default=None, max_length=64, index=True)
    finalised_at: dt.datetime | None = _ts()
    finalised_by: str | None = Field(default=None, max_length=SHORT)
    protective_marking: str | None = Field(default=None, max_length=SHORT)
    extensions: dict | None = _json()
    #: the bundle's root-level `extensions`, kept so an export gives back what was imported
    bundle_extensions: dict | None = _json()

    #: when the chair started and ended the meeting, and when part two (with the family) began
    started_at: dt.datetime | None = _ts()
    ended_at: dt.datetime | None = _ts()
    part_two_started_at: dt.datetime | None = _ts()
    created_at: dt.datetime | None = _ts()
    updated_at: dt.datetime | None = _ts()


class Subject(SQLModel, table=True):
    pk: int | None = Field(default=None, primary_key=True)
    meeting_id: str = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE", max_length=64)
    position: int = 0
    name: str = Field(max_length=SHORT)
    kind: str = Field(default="child", max_length=20)
    date_of_birth: str | None = Field(default=None, max_length=10)


class Attendee(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("meeting_id", "id"),)
    pk: int | None = Field(default=None, primary_key=True)
    meeting_id: str = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE", max_length=64)
    id: str = Field(max_length=64)
    position: int = 0
    name: str = Field(max_length=SHORT)
    role: str | None = Field(default=None, max_length=SHORT)
    agency: str | None = Field(default=None, max_length=SHORT)
    email: str | None = Field(default=None, max_length=SHORT)
    attendance: str = Field(default="invited", max_length=30)
    substitute_for: str | None = Field(default=None, max_length=SHORT)
    is_expert: bool | None = None
    parts: str | None = Field(default=None, max_length=20)
    is_family: bool | None = None


class Entry(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("meeting_id", "id"),)
    pk: int | None = Field(default=None, primary_key=True)
    meeting_id: str = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE", max_length=64)
    id: str = Field(max_length=64)
    position: int = 0
    kind: str = Field(max_length=30)
    text: str = Field(max_length=TEXT)
    stage: str | None = Field(default=None, max_length=20)
    step: str | None = Field(default=None, max_length=SHORT)
    source_agency: str | None = Field(default=None, max_length=SHORT)
    source_attendee_id: str | None = Field(default=None, max_length=64)
    basis: str | None = Field(default=None, max_length=20)
    part: str | None = Field(default=None, max_length=20)
    share_with_family: bool | None = None
    created_at: dt.datetime | None = _ts()


class Action(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("meeting_id", "id"),)
    pk: int | None = Field(default=None, primary_key=True)
    meeting_id: str = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE", max_length=64)
    id: str = Field(max_length=64)
    position: int = 0
    description: str = Field(max_length=TEXT)
    owner_attendee_id: str | None = Field(default=None, max_length=64)
    owner_name: str | None = Field(default=None, max_length=SHORT)
    agency: str | None = Field(default=None, max_length=SHORT)
    due_date: str | None = Field(default=None, max_length=10, index=True)
    success_measure: str | None = Field(default=None, max_length=TEXT)
    addresses: list | None = _json()
    status: str | None = Field(default=None, max_length=20)
    progress_note: str | None = Field(default=None, max_length=TEXT)
    carried_from_action_id: str | None = Field(default=None, max_length=64, index=True)
    share_with_family: bool | None = None
    created_at: dt.datetime | None = _ts()


class FindingOverride(SQLModel, table=True):
    pk: int | None = Field(default=None, primary_key=True)
    meeting_id: str = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE", max_length=64)
    position: int = 0
    rule: str = Field(max_length=SHORT)
    reason: str = Field(max_length=TEXT)
    by: str | None = Field(default=None, max_length=SHORT)
    at: dt.datetime | None = _ts()


class Amendment(SQLModel, table=True):
    pk: int | None = Field(default=None, primary_key=True)
    meeting_id: str = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE", max_length=64)
    position: int = 0
    at: dt.datetime | None = _ts()
    by: str | None = Field(default=None, max_length=SHORT)
    field: str = Field(max_length=SHORT)
    old: str | None = Field(default=None, max_length=TEXT)
    new: str | None = Field(default=None, max_length=TEXT)
    reason: str | None = Field(default=None, max_length=TEXT)


class Distribution(SQLModel, table=True):
    pk: int | None = Field(default=None, primary_key=True)
    meeting_id: str = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE", max_length=64)
    position: int = 0
    name: str = Field(max_length=SHORT)
    email: str | None = Field(default=None, max_length=SHORT)
    version: str | None = Field(default=None, max_length=10)
    sent_at: dt.datetime | None = _ts()
    method: str | None = Field(default=None, max_length=SHORT)


class StepProgress(SQLModel, table=True):
    """Time spent on each agenda step, and whether the chair marked it done."""

    __table_args__ = (UniqueConstraint("meeting_id", "step_key"),)
    pk: int | None = Field(default=None, primary_key=True)
    meeting_id: str = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE", max_length=64)
    step_key: str = Field(max_length=SHORT)
    seconds: int = 0
    done: bool = False


class AuditEvent(SQLModel, table=True):
    """Who did what to a meeting and when (status changes, imports, exports, finalise, reopen)."""

    pk: int | None = Field(default=None, primary_key=True)
    meeting_id: str = Field(index=True, max_length=64)
    at: dt.datetime | None = _ts()
    by: str | None = Field(default=None, max_length=SHORT)
    kind: str = Field(max_length=40)
    detail: str | None = Field(default=None, max_length=TEXT)
    #: the operating-system user (0005); `by` is the name the user gave
    os_user: str | None = Field(default=None, max_length=SHORT)
    #: SHA-256 of the previous event's hash and this event's content: a chain (`audit.py`, 0005)
    hash: str | None = Field(default=None, max_length=64)


class LegalHold(SQLModel, table=True):
    """A case that must not be purged whatever its retention date (an inquiry, a claim): `mapm hold`."""

    pk: int | None = Field(default=None, primary_key=True)
    case_ref: str = Field(max_length=SHORT, unique=True)
    reason: str = Field(max_length=TEXT)
    by: str | None = Field(default=None, max_length=SHORT)
    at: dt.datetime | None = _ts()


#: a child table that holds a bundle list (each has `pk`, `meeting_id` and `position`)
ChildModel: TypeAlias = (
    type[Subject]
    | type[Attendee]
    | type[Entry]
    | type[Action]
    | type[FindingOverride]
    | type[Amendment]
    | type[Distribution]
)

#: child tables that hold a bundle list, in the order the bundle lists them, and their bundle fields
CHILD_LISTS: dict[str, tuple[ChildModel, tuple[str, ...]]] = {
    "subjects": (Subject, ("name", "kind", "date_of_birth")),
    "attendees": (
        Attendee,
        ("id", "name", "role", "agency", "email", "attendance", "substitute_for", "is_expert", "parts", "is_family"),
    ),
    "entries": (
        Entry,
        (
            "id",
            "kind",
            "text",
            "stage",
            "step",
            "source_agency",
            "source_attendee_id",
            "basis",
            "part",
            "share_with_family",
            "created_at",
        ),
    ),
    "actions": (
        Action,
        (
            "id",
            "description",
            "owner_attendee_id",
            "owner_name",
            "agency",
            "due_date",
            "success_measure",
            "addresses",
            "status",
            "progress_note",
            "carried_from_action_id",
            "share_with_family",
            "created_at",
        ),
    ),
    "finding_overrides": (FindingOverride, ("rule", "reason", "by", "at")),
    "amendments": (Amendment, ("at", "by", "field", "old", "new", "reason")),
    "distribution": (Distribution, ("name", "email", "version", "sent_at", "method")),
}


class Draft(SQLModel, table=True):
    """Text typed into a field but not yet added as an item (a quick-capture line, a half-typed action).

    Kept so that a crash, a closed terminal or a flat battery loses nothing the chair typed; cleared
    when the item is added. Not part of the meeting's record: never exported, not locked when final.
    """

    __table_args__ = (UniqueConstraint("meeting_id", "key"),)
    pk: int | None = Field(default=None, primary_key=True)
    meeting_id: str = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE", max_length=64)
    key: str = Field(max_length=SHORT)
    text: str = Field(default="", max_length=TEXT)
    updated_at: dt.datetime | None = _ts()
