"""Retention and legal hold: which cases are past the partnership's retention period, and purging one.

    case_retention(store, settings, case_ref, today) -> CaseRetention
    past_retention(store, settings, today) -> list[CaseRetention]      what `mapm retention` lists
    hold(store, case_ref, reason, by) / release(store, case_ref, by)
    purge(store, settings, case_ref, reason, by, today) -> Purged

A case is every meeting with one case reference. Its retention date is its last meeting's date plus the
years set for its kind of case (`retention_child_years`, `retention_adult_years` in settings.toml); a case
follows the adult setting only when every subject is an adult at risk (with none recorded, when every
meeting's template is for adults), else the child one (the safer reading in doubt). With no setting for its
kind, a case is never past retention: nothing is ever deleted automatically, and nothing is purged
unless the partnership has decided a period (many schedules say 35 years or more for child protection).

A purge is all or nothing, in one transaction: each meeting gets an audit event `purged` (the case
reference, why, by whom; none of its content), then its rows go (the database lets a final meeting be
deleted only after that event, and no meeting of a case on hold at all: migration 0005). Afterwards the
search index is merged (FTS5 `optimize`: a deleted row's words stay in the index's older segments until
merged) and the write-ahead log is checkpointed and truncated, so with `secure_delete` on (`db.py`) the
case's text is gone from the database file and its WAL, not left in free pages. No Textual here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, text
from sqlmodel import col, select

from . import audit
from .dates import format_date
from .models import Action, Amendment, Attendee, Entry, LegalHold, Meeting, Subject
from .settings import Settings
from .store import NotFound, Store, StoreError
from .subject_words import is_adult
from .text import clean, clean_line


class RetentionError(StoreError):
    """A purge, hold or release that a rule refuses (the CLI exits 1); the message says why."""


class OnHold(RetentionError):
    pass


class NotDue(RetentionError):
    pass


class UnknownCase(NotFound):
    """No meeting has this case reference (the CLI exits 2)."""


class MissingReason(StoreError):
    """A hold or purge without a reason, or without a name (the CLI exits 2)."""


@dataclass(frozen=True)
class Hold:
    case_ref: str
    reason: str
    by: str | None
    at: dt.datetime | None


@dataclass(frozen=True)
class CaseRetention:
    case_ref: str
    #: 'child' or 'adult'
    kind: str
    #: the date of the case's last meeting
    last_meeting: dt.date
    #: years kept after it (None: never deleted)
    years: int | None
    #: (id, date, status) of each meeting, oldest first
    meetings: list[tuple[str, str, str]] = field(default_factory=list)
    hold: Hold | None = None

    @property
    def until(self) -> dt.date | None:
        """The last day the case must be kept, or None when no period is set."""
        if self.years is None:
            return None
        day = self.last_meeting
        try:
            return day.replace(year=day.year + self.years)
        except ValueError:  # 29 February, a non-leap year later
            return day.replace(year=day.year + self.years, day=28)

    def past(self, today: dt.date) -> bool:
        return self.until is not None and today > self.until


def _years_words(years: int | None) -> str:
    return f"{years} year{'s' if years != 1 else ''}"


def _years(settings: Settings, kind: str) -> int | None:
    return settings.retention_child_years if kind == "child" else settings.retention_adult_years


def _case_ref(case_ref: str) -> str:
    return " ".join(clean_line(str(case_ref or "")).split())


def _hold_row(s, case_ref: str) -> LegalHold | None:
    return s.exec(select(LegalHold).where(LegalHold.case_ref == case_ref)).first()


def _case(s, settings: Settings, case_ref: str) -> CaseRetention | None:
    meetings = s.exec(
        select(Meeting.id, Meeting.date, Meeting.status, Meeting.template_snapshot)
        .where(Meeting.case_ref == case_ref)
        .order_by(Meeting.date, Meeting.id)
    ).all()
    if not meetings:
        return None
    ids = [m[0] for m in meetings]
    kinds = set(s.exec(select(Subject.kind).where(col(Subject.meeting_id).in_(ids))).all())
    if kinds:  # an adult case only when every subject is an adult at risk (subject_words.is_adult)
        adult = all(is_adult(k) for k in kinds)
    else:  # no subject recorded: only a template for adults (not "child_or_adult") makes it an adult case
        adult = all((m[3] or {}).get("subject_kind") == "adult" for m in meetings)
    kind = "adult" if adult else "child"
    hold = _hold_row(s, case_ref)
    last = max(dt.date.fromisoformat(m[1]) for m in meetings)
    return CaseRetention(
        case_ref,
        kind,
        last,
        _years(settings, kind),
        [(m[0], m[1], m[2]) for m in meetings],
        Hold(hold.case_ref, hold.reason, hold.by, hold.at) if hold else None,
    )


def case_retention(store: Store, settings: Settings, case_ref: str) -> CaseRetention:
    case_ref = _case_ref(case_ref)
    with store.reading() as s:
        case = _case(s, settings, case_ref)
    if case is None:
        raise UnknownCase(f"No meeting has the case reference '{case_ref[:80]}'; `mapm list` shows them.")
    return case


def past_retention(store: Store, settings: Settings, today: dt.date) -> list[CaseRetention]:
    """Cases past their retention date (on hold or not), the longest overdue first."""
    if settings.retention_child_years is None and settings.retention_adult_years is None:
        return []
    with store.reading() as s:
        refs = s.exec(select(Meeting.case_ref).where(col(Meeting.case_ref).is_not(None)).distinct()).all()
        cases = [c for ref in refs if ref is not None and (c := _case(s, settings, ref)) is not None and c.past(today)]
    return sorted(cases, key=lambda c: (c.until, c.case_ref))


# -- legal hold ---------------------------------------------------------------------------------------
def _required(value: str | None, what: str, limit: int = 300) -> str:
    text = " ".join((clean_line if limit <= 300 else clean)(str(value or "")).split())
    if not text:
        raise MissingReason(f"Give {what}; nothing was changed.")
    if len(text) > limit:
        raise MissingReason(f"{what[0].upper() + what[1:]} is longer than {limit:,} characters; shorten it.")
    return text


def hold(store: Store, case_ref: str, reason: str, by: str | None = None) -> None:
    """Put a case on legal hold: none of its meetings may be purged (nor deleted) until it is released."""
    case_ref = _case_ref(case_ref)
    reason = _required(reason, "the reason for the hold (an inquiry, a claim, a request from the police)", 20_000)
    by = by or store.user_name or audit.os_user()
    with store.writing() as s:
        ids = s.exec(select(Meeting.id).where(Meeting.case_ref == case_ref)).all()
        if not ids:
            raise UnknownCase(f"No meeting has the case reference '{case_ref[:80]}'; `mapm list` shows them.")
        if _hold_row(s, case_ref) is not None:
            raise RetentionError(f"Case {case_ref} is already on legal hold; nothing was changed.")
        s.add(LegalHold(case_ref=case_ref, reason=reason, by=by, at=store.clock.utcnow()))
        for meeting_id in ids:
            audit.append(s, store, meeting_id, "held", f"case {case_ref}: {reason}", by)


def release(store: Store, case_ref: str, by: str | None = None) -> None:
    case_ref = _case_ref(case_ref)
    by = by or store.user_name or audit.os_user()
    with store.writing() as s:
        row = _hold_row(s, case_ref)
        if row is None:
            raise RetentionError(f"Case {case_ref[:80]} is not on legal hold; nothing was changed.")
        s.delete(row)
        for meeting_id in s.exec(select(Meeting.id).where(Meeting.case_ref == case_ref)).all():
            audit.append(s, store, meeting_id, "released", f"case {case_ref}", by)


# -- purge --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Purged:
    case: CaseRetention
    #: rows deleted per kind: meetings, subjects, attendees, entries, actions, amendments
    counts: dict[str, int]
    #: whether the write-ahead log was checkpointed and truncated (False: another program had it open)
    wal_truncated: bool


def _refuse_unless_due(case: CaseRetention, today: dt.date) -> None:
    if case.hold is not None:
        raise OnHold(
            f"Case {case.case_ref} is on legal hold ({case.hold.reason[:80]}): release it with `mapm release` "
            "first if the hold has ended; nothing was deleted."
        )
    if case.until is None:
        raise NotDue(
            f"No retention period is set for {case.kind} cases, so case {case.case_ref} is kept: set "
            f"retention_{case.kind}_years in settings.toml if the partnership has decided one; nothing was deleted."
        )
    if not case.past(today):
        raise NotDue(
            f"Case {case.case_ref} must be kept until {format_date(case.until)} ({_years_words(case.years)} after its "
            "last meeting); nothing was deleted."
        )


def plan(store: Store, settings: Settings, case_ref: str, today: dt.date) -> tuple[CaseRetention, dict[str, int]]:
    """What a purge of this case would delete (refused on hold or before retention, as `purge` is)."""
    case = case_retention(store, settings, case_ref)
    _refuse_unless_due(case, today)
    return case, _counts(store, [m[0] for m in case.meetings])


def _counts(store: Store, ids: list[str]) -> dict[str, int]:
    out = {"meetings": len(ids)}
    with store.reading() as s:
        for name, model in (
            ("subjects", Subject),
            ("attendees", Attendee),
            ("entries", Entry),
            ("actions", Action),
            ("amendments", Amendment),
        ):
            out[name] = s.exec(select(func.count()).select_from(model).where(col(model.meeting_id).in_(ids))).one()
    return out


def purge(store: Store, settings: Settings, case_ref: str, reason: str, by: str | None, today: dt.date) -> Purged:
    """Delete every meeting of a case past its retention date and not on hold: all or nothing."""
    reason = _required(reason, "the reason for the purge (the retention schedule it follows)", 20_000)
    by = by or store.user_name or audit.os_user()
    case, counts = plan(store, settings, case_ref, today)
    with store.writing() as s:
        # checked again inside the transaction: a hold or a new meeting since the plan stops the purge
        now = _case(s, settings, case.case_ref)
        if now is None or [m[0] for m in now.meetings] != [m[0] for m in case.meetings]:
            raise RetentionError(f"Case {case.case_ref} changed while the purge was prepared; nothing was deleted.")
        _refuse_unless_due(now, today)
        kept = _years_words(case.years)
        detail = f"case {case.case_ref}, last meeting {case.last_meeting.isoformat()}, kept {kept}: {reason}"
        for meeting_id, _date, _status in case.meetings:
            audit.append(s, store, meeting_id, "purged", detail, by)
        conn = s.connection()
        for meeting_id, _date, _status in case.meetings:
            conn.execute(text("DELETE FROM meeting WHERE id = :m"), {"m": meeting_id})  # its rows go with it
    return Purged(case, counts, scrub(store))


def scrub(store: Store) -> bool:
    """Leave no deleted text behind: merge the search index (deleted rows' words leave its segments), VACUUM,
    and checkpoint the write-ahead log into the file, truncating it. False when another program using the
    database stopped that (`mapm purge --clear` runs it again once that program is closed).

    On a PostgreSQL server the index holds no copy of deleted text (its words are a column of the rows
    deleted); VACUUM frees the deleted rows' space for reuse, and wiping the disk under it is the server's,
    as its encryption at rest is."""
    if store.engine.dialect.name == "postgresql":
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM")
        return True
    with store.writing() as s:
        s.connection().exec_driver_sql("INSERT INTO search_index (search_index) VALUES ('optimize')")
    import sqlite3

    raw = store.engine.raw_connection()  # outside any transaction: VACUUM and a checkpoint cannot run inside one
    try:
        # secure_delete zeroes what a delete frees, but copies of a row's text left behind when pages were
        # split or rebalanced earlier stay in free space and free pages: VACUUM writes every page anew
        driver = raw.driver_connection
        assert driver is not None  # None only once a connection is closed; this one was just opened
        driver.execute("VACUUM")
        busy, _log, _done = driver.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.OperationalError:  # another program is writing, or reading through the VACUUM
        return False
    finally:
        raw.close()
    return busy == 0
