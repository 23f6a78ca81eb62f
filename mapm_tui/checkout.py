"""Taking a meeting offline and bringing it back (issue 13): check-out and check-in between the team's
server store (PostgreSQL, or any mapm store) and a laptop's encrypted SQLite file.

**Check-out** (`check_out`), in one transaction on the server: the meeting is read and marked as taken
(a hold of kind CHECKOUT, holds.py: who, from which computer, since when and why; it never goes stale, so
everyone else sees the meeting read-only with that sentence), and an audit event `checked_out` is added.
Inside that transaction, the laptop file gets in one transaction of its own: the meeting (with its own
snapshot of its agenda template, so the laptop needs no template installed), its drafts and step marks,
the earlier meetings of its case that still have open actions (and the one it follows), each held there
as a read-only COPY for reference, and a `checkout` row: the server it came from, the hold's token, and a
fingerprint of the meeting as it was taken. If the laptop cannot be written, the server's transaction
is rolled back: nothing is marked taken.

**Check-in** (`check_in`), in ONE transaction on the server: the server's copy must be as it was taken
(its fingerprint unchanged; a hold still ours, or ended by a manager, `force_release`); then the laptop's
version replaces it in place (the meeting row is updated, its lists rewritten, its status walked along the
lifecycle's own moves so the database's status triggers agree), the hold ends, and `checked_in` is audited.
If the server's copy changed meanwhile, nothing is written anywhere and the sentence says which parts of
the meeting differ and who ended the checkout; with `force`, both versions are kept: the server's current
version is copied to a NEW meeting (a new id, its title marked "server's version"), audited on both, and
the laptop's version takes the meeting's place. Afterwards the laptop's copy is deleted (its audit trail
says so, as a purge does; the deleted text is scrubbed from the file: retention.scrub) or kept read-only
(a COPY hold saying it was checked in), as the user chooses.

The data goes through the bundle code: the meeting dict of `Store.load_meeting_in`, cleaned and checked
by `bundle.clean_bundle` and `bundle.problems` exactly as an import is, and turned into rows by
`convert.meeting_columns`/`child_rows`. No Textual here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, text
from sqlmodel import Session, SQLModel, select

from . import audit, holds
from .agenda import Template
from .bundle import FORMAT, VERSION, clean_bundle, problems
from .bundle_reasons import from_bundle, to_bundle
from .convert import child_rows, meeting_columns
from .models import CHILD_LISTS, Draft, Meeting, StepProgress, table_of
from .store import NotFound, Store, StoreError
from .store_errors import server_reads
from .text import clean_line, quote
from .vocabulary import TRANSITIONS, is_open_action


class CheckoutError(StoreError):
    """A check-out or check-in refused; the message is one sentence: what, where, what to do."""


class ServerChanged(CheckoutError):
    """The server's copy changed after it was checked out; `parts` names what differs."""

    def __init__(self, message: str, parts: list[str]):
        super().__init__(message)
        self.parts = parts


@dataclass(frozen=True)
class CheckedOut:
    meeting_id: str
    #: earlier meetings of the case copied for reference (read-only on the laptop)
    references: list[str]


@dataclass(frozen=True)
class CheckedIn:
    meeting_id: str
    #: the new meeting holding the server's own version (a forced check-in over a changed copy), else None
    kept_as: str | None
    #: the checkout had been ended on the server (by a manager) before this check-in
    forced: bool
    #: whether the laptop's copy was kept read-only (else deleted)
    kept_on_laptop: bool


@dataclass(frozen=True)
class Taken:
    """The laptop's record of one meeting checked out to it (table `checkout`)."""

    meeting_id: str
    token: str
    server: str
    taken_by: str
    taken_at: dt.datetime
    fingerprint: dict[str, str]


#: how a check-in's refusal names the parts of a meeting that differ (any other key: "its details")
PART_WORDS = {
    "subjects": "the subjects",
    "attendees": "the attendees",
    "entries": "the notes",
    "actions": "the actions",
    "finding_overrides": "the overridden findings",
    "amendments": "the amendments",
    "distribution": "the distribution record",
    "status": "its status",
    "step_timings": "the time spent on each step",
    "drafts": "text typed but not yet added",
}


# -- where the copy came from, and what it was ---------------------------------------------------------
def server_label(store: Store) -> str:
    """The server as people and the laptop's record name it: a file's path, or the URL without a password."""
    if store.path is not None:
        return str(store.path)
    url = store.engine.url
    # URL.set(password=None) would leave the password as it is ("None: unchanged"): take it out by hand
    return url._replace(password=None).render_as_string(hide_password=False)


def fingerprint(meeting: dict, drafts: dict[str, str] | None = None) -> dict[str, str]:
    """A SHA-256 per part of the meeting (each top-level key of the meeting dict, and the drafts): tells
    which parts changed without keeping any of their text."""
    parts = dict(meeting)
    if drafts:
        parts["drafts"] = drafts
    return {
        key: hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        for key, value in parts.items()
    }


def differing_parts(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))


def parts_in_words(parts: list[str]) -> str:
    named = [PART_WORDS[p] for p in parts if p in PART_WORDS]
    details = [p.replace("_", " ") for p in parts if p not in PART_WORDS]
    if details:
        named.append(f"its details ({', '.join(details)})")
    if len(named) > 1:
        return ", ".join(named[:-1]) + " and " + named[-1]
    return named[0] if named else "nothing"


def taken(laptop: Store, meeting_id: str) -> Taken | None:
    """The laptop's record of `meeting_id` checked out to it, or None."""
    with laptop.engine.connect() as conn:
        row = (
            conn.execute(
                text(
                    "SELECT meeting_id, token, server, taken_by, taken_at, fingerprint FROM checkout "
                    "WHERE meeting_id = :m"
                ),
                {"m": meeting_id},
            )
            .mappings()
            .first()
        )
        conn.rollback()
    if row is None:
        return None
    return Taken(
        row["meeting_id"],
        row["token"],
        row["server"],
        row["taken_by"],
        dt.datetime.fromisoformat(row["taken_at"]),
        json.loads(row["fingerprint"]),
    )


def checked_out_here(laptop: Store) -> list[str]:
    """The meetings checked out to this file (the meeting list's "Checked out")."""
    with laptop.engine.connect() as conn:
        ids = [r[0] for r in conn.execute(text("SELECT meeting_id FROM checkout ORDER BY meeting_id"))]
        conn.rollback()
    return ids


# -- where a meeting is (the meeting list's mark) ------------------------------------------------------
@dataclass(frozen=True)
class Whereabouts:
    #: "here" (editable in this database), "taken" (checked out from here to a laptop), "checked_out"
    #: (on this laptop, taken from a server), "copy" (a read-only copy), "editing" (open in a window)
    where: str
    #: the words the meeting list shows beside the meeting
    words: str


def whereabouts(store: Store, now: dt.datetime) -> dict[str, Whereabouts]:
    """Where each meeting that is not simply here is: taken offline (and by whom), checked out to this
    laptop from a server, a read-only copy, or open in another window. Meetings not listed are here."""
    with server_reads(), store.engine.connect() as conn:
        every = holds.every_hold(conn)
        conn.rollback()
    out: dict[str, Whereabouts] = {}
    for meeting_id, hold in every.items():
        who = hold.holder.name
        if hold.kind == holds.CHECKOUT:
            out[meeting_id] = Whereabouts("taken", f"Taken by {who}")
        elif hold.kind == holds.COPY:
            out[meeting_id] = Whereabouts("copy", "Copy (read-only)")
        elif hold.token != store.hold_token and not hold.stale(now):
            out[meeting_id] = Whereabouts("editing", f"Open: {who}")
    for meeting_id in checked_out_here(store):
        out.setdefault(meeting_id, Whereabouts("checked_out", "Checked out"))
    return out


# -- from the app's meeting list (screens/home.py): the files and servers opened here ----------------
def default_laptop_file(server: Store):
    """Where the list offers to take a meeting: this computer's own database file (the app's default),
    unless that is the database open now."""
    from pathlib import Path

    from . import locations

    path = Path(locations.default_db_path())
    return path.with_name("offline.db") if server.path is not None and server.path == path else path


def open_file_store(path, passphrase: str | None, clock=None) -> Store:
    """A SQLite store on `path` opened with `passphrase` (a new file is made encrypted with it; the
    passphrase must then be strong enough: crypto.check_strength). Raises the store's and crypto's errors."""
    from pathlib import Path

    from . import crypto
    from .store import open_store

    path = Path(path).expanduser()
    if crypto.file_kind(path) == "new":
        crypto.check_strength(passphrase or "")
    key = crypto.key_for_file(path, passphrase or "")
    return open_store(path, clock, key=key)


def take_offline_to(server: Store, meeting_id: str, path, passphrase: str, now: dt.datetime) -> str:
    """`check_out` to the encrypted file `path`; a sentence saying what was done."""
    laptop = open_file_store(path, passphrase, server.clock)
    try:
        laptop.user_name = server.user_name
        done = check_out(
            server, laptop, meeting_id, holder=holds.Holder.here(server.user_name), purpose="taken offline", now=now
        )
    finally:
        laptop.close()
    refs = f" with {len(done.references)} earlier meeting(s) of its case" if done.references else ""
    return f"Meeting {meeting_id} is checked out to {path}{refs}; it is read-only here until it is checked in."


def server_of(laptop: Store, meeting_id: str) -> str:
    """The server a meeting checked out to this file came from (CheckoutError if it was not)."""
    record = taken(laptop, meeting_id)
    if record is None:
        raise CheckoutError(
            f"Meeting {meeting_id} was not checked out to this file; only a meeting taken from a server is checked in."
        )
    return record.server


def server_needs_passphrase(laptop: Store, meeting_id: str) -> bool:
    """Whether the server of a checked-out meeting is an encrypted file (its passphrase is asked for)."""
    from pathlib import Path

    from . import crypto
    from .db import is_server

    server = server_of(laptop, meeting_id)
    return not is_server(server) and crypto.file_kind(Path(server)) == "encrypted"


def bring_back(
    laptop: Store, meeting_id: str, now: dt.datetime, *, passphrase: str | None = None, keep: bool = False
) -> str:
    """`check_in` to the server the meeting came from (a PostgreSQL server: its password from the URL,
    ~/.pgpass or PGPASSWORD; an encrypted file: `passphrase`); a sentence saying what was done."""
    from .db import is_server
    from .store import open_store

    where = server_of(laptop, meeting_id)
    if is_server(where):
        server = open_store(where, laptop.clock)
    else:
        server = open_file_store(where, passphrase, laptop.clock) if passphrase else open_store(where, laptop.clock)
    try:
        server.user_name = laptop.user_name
        done = check_in(server, laptop, meeting_id, by=laptop.user_name, now=now, keep=keep)
    finally:
        server.close()
    sentence = f"Meeting {meeting_id} is checked in to {where}"
    if done.kept_as:
        sentence += f"; the server's own version was kept as meeting {done.kept_as}"
    return sentence + (" (this copy kept, read-only)." if keep else "; this copy is deleted.")


# -- check-out -----------------------------------------------------------------------------------------
def check_out(
    server: Store,
    laptop: Store,
    meeting_id: str,
    *,
    holder: holds.Holder,
    purpose: str,
    now: dt.datetime,
) -> CheckedOut:
    """Copy a meeting (and what it needs) from `server` to `laptop` and mark it taken on the server.
    Raises NotFound, HeldElsewhere (someone holds it), CheckoutError (final, already on the laptop),
    or the stores' typed errors; on any of them nothing is marked and the laptop holds no copy."""
    purpose = " ".join(clean_line(purpose or "").split())[:300] or "taken offline"
    if laptop.exists(meeting_id):
        copy = _hold_of(laptop, meeting_id)
        if copy is None or copy.kind != holds.COPY:
            raise CheckoutError(
                f"Meeting {meeting_id} is already in {server_label(laptop)}; check it in before taking it again."
            )
    token = holds.new_token()
    written: list[str] = []
    try:
        with server.writing() as s:
            conn = s.connection()
            meeting = server.load_meeting_in(s, meeting_id)
            if meeting["status"] == "final":
                raise CheckoutError(
                    f"Meeting {meeting_id} is final: there is nothing to change offline; export its minutes "
                    "or a bundle to take it with you, or reopen it first."
                )
            holds.place_hold(conn, meeting_id, holder, token, now, holds.CHECKOUT, purpose)
            main = portable(s, server, meeting_id, meeting)
            references = [
                portable(s, server, ref, server.load_meeting_in(s, ref))
                for ref in _references(s, server, meeting)
                if not laptop.exists(ref) or _copy_held(laptop, ref)
            ]
            audit.append(s, server, meeting_id, "checked_out", f"to {server_label(laptop)}: {purpose}", holder.name)
            with laptop.writing() as ls:
                lconn = ls.connection()
                for ref in references:
                    _drop_copy(ls, laptop, ref.meeting_id)
                    write_new(ls, laptop, ref, now)
                    holds.place_hold(
                        lconn,
                        ref.meeting_id,
                        holder,
                        holds.new_token(),
                        now,
                        holds.COPY,
                        f"an earlier meeting of the case, copied from {server_label(server)} for reference",
                    )
                    audit.append(ls, laptop, ref.meeting_id, "imported", f"copied from {server_label(server)}")
                _drop_copy(ls, laptop, meeting_id)
                write_new(ls, laptop, main, now)
                lconn.execute(
                    text(
                        "INSERT INTO checkout (meeting_id, token, server, taken_by, taken_at, fingerprint) "
                        "VALUES (:m, :t, :server, :by, :at, :fp)"
                    ),
                    {
                        "m": meeting_id,
                        "t": token,
                        "server": server_label(server),
                        "by": holder.name,
                        "at": _iso(now),
                        "fp": json.dumps(main.fingerprint, sort_keys=True),
                    },
                )
                audit.append(
                    ls, laptop, meeting_id, "checked_out", f"from {server_label(server)}: {purpose}", holder.name
                )
            written = [meeting_id]
    except BaseException:
        if written:  # the laptop was written but the server's transaction did not commit: take the copy back
            _delete_copy(laptop, meeting_id, "the check-out did not complete on the server")
        raise
    return CheckedOut(meeting_id, [r.meeting_id for r in references])


def _references(s: Session, store: Store, meeting: dict) -> list[str]:
    """The earlier meetings of this meeting's case that still have open actions, and the one it follows:
    what its review of actions and its minutes read."""
    wanted: list[str] = []
    previous = meeting.get("previous_meeting_id")
    if previous and s.get(Meeting, previous) is not None:
        wanted.append(previous)
    case_ref = meeting.get("case_ref")
    if case_ref:
        others = s.exec(
            select(Meeting.id).where(
                Meeting.case_ref == case_ref, Meeting.id != meeting["id"], Meeting.date <= meeting["date"]
            )
        ).all()
        for other in others:
            if other in wanted:
                continue
            actions = store.load_meeting_in(s, other).get("actions") or []
            if any(is_open_action(a) for a in actions):
                wanted.append(other)
    return wanted


# -- check-in ------------------------------------------------------------------------------------------
def check_in(
    server: Store,
    laptop: Store,
    meeting_id: str,
    *,
    by: str | None,
    now: dt.datetime,
    keep: bool = False,
    force: bool = False,
) -> CheckedIn:
    """Bring a meeting checked out to `laptop` back to `server` in one transaction, and end its checkout;
    then delete the laptop's copy (or keep it read-only with `keep`). Raises CheckoutError (not checked
    out to this file, held by someone now, final on the server), ServerChanged (the server's copy changed
    since: nothing written; `force` keeps both), or the stores' typed errors (nothing written)."""
    record = taken(laptop, meeting_id)
    if record is None:
        raise CheckoutError(
            f"Meeting {meeting_id} was not checked out to {server_label(laptop)}; nothing was changed. "
            "`mapm list` on the laptop's file shows what it holds."
        )
    editing = _hold_of(laptop, meeting_id)
    if editing is not None and editing.kind == holds.WINDOW and not editing.stale(now):
        raise CheckoutError(
            f"Meeting {meeting_id} is open in a window on this laptop ({editing.describe()}); close it there "
            "first, so that everything typed goes back with it. Nothing was changed."
        )
    with laptop.reading() as ls:
        ours = portable(ls, laptop, meeting_id, laptop.load_meeting_in(ls, meeting_id))
    validated(ours, f"the laptop's copy of meeting {meeting_id}")
    kept_as: str | None = None
    with server.writing() as s:
        conn = s.connection()
        if s.get(Meeting, meeting_id) is None:
            raise CheckoutError(
                f"Meeting {meeting_id} is no longer on {server_label(server)} (deleted there since it was "
                "checked out); nothing was changed. Import the laptop's copy as a bundle instead."
            )
        hold = holds.current(conn, meeting_id)
        forced = hold is None or hold.token != record.token
        if hold is not None and hold.token != record.token and (hold.kind != holds.WINDOW or not hold.stale(now)):
            raise CheckoutError(
                f"Meeting {meeting_id} is held on the server now by {hold.describe()}; nothing was changed. "
                "Check it in once they have closed it."
            )
        theirs = portable(s, server, meeting_id, server.load_meeting_in(s, meeting_id))
        if theirs.fingerprint == ours.fingerprint and forced and hold is None:
            pass  # already brought back (a check-in whose laptop step did not finish): finish it below
        else:
            changed = differing_parts(record.fingerprint, theirs.fingerprint)
            if changed and not force:
                raise ServerChanged(_changed_sentence(s, server, meeting_id, record, changed), changed)
            if theirs.meeting["status"] == "final":
                raise CheckoutError(
                    f"Meeting {meeting_id} was finalised on the server after it was checked out; nothing was "
                    "changed. Reopen it there (with a reason), then check in again."
                )
            if changed:
                kept_as = _keep_server_version(s, server, theirs, now, by)
            _replace(s, server, ours, now)
            holds.drop_hold(conn, meeting_id)
            detail = f"from {server_label(laptop)}"
            if forced:
                detail += "; its checkout had been ended on the server"
            if kept_as:
                detail += f"; the server's own version was kept as meeting {kept_as}"
            audit.append(s, server, meeting_id, "checked_in", detail, by)
    _finish_on_laptop(laptop, server, meeting_id, keep, now, by)
    return CheckedIn(meeting_id, kept_as, forced, keep)


def force_release(server: Store, meeting_id: str, *, reason: str, by: str | None, now: dt.datetime) -> holds.Hold:
    """End a checkout on the server without the laptop's copy (a manager's decision: the laptop is lost,
    or the meeting is needed now). Audited with the reason; a later check-in of the laptop's copy then
    finds the server's copy changed, if it was, and refuses unless forced."""
    reason = " ".join(clean_line(reason or "").split())[:300]
    if not reason:
        raise CheckoutError("Say why the checkout is ended without the laptop's copy (--reason).")
    with server.writing() as s:
        conn = s.connection()
        if s.get(Meeting, meeting_id) is None:
            raise NotFound(f"There is no meeting with id '{meeting_id}'; `mapm list` shows the ids.")
        hold = holds.current(conn, meeting_id)
        if hold is None or hold.kind != holds.CHECKOUT:
            raise CheckoutError(f"Meeting {meeting_id} is not checked out; nothing was changed.")
        holds.drop_hold(conn, meeting_id)
        audit.append(s, server, meeting_id, "checkout_forced", f"taken by {hold.describe()}; ended: {reason}", by)
    return hold


# -- the pieces ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Portable:
    """One meeting as it travels: the meeting dict, its template snapshot, extensions, drafts, steps done."""

    meeting_id: str
    meeting: dict
    template: dict
    extensions: Any
    drafts: dict[str, str]
    steps_done: list[str]
    #: when the meeting (and its part two) started: not in a bundle, but the meeting clock counts from it
    started: tuple[dt.datetime | None, dt.datetime | None] = (None, None)
    #: when its row was made and last changed, and when it ended: kept as they were by a copy into another
    #: database (copy_to_server); a check-out or check-in stamps its own time instead
    kept_times: dict[str, dt.datetime | None] = field(default_factory=dict)

    @property
    def fingerprint(self) -> dict[str, str]:
        return fingerprint(self.meeting, self.drafts)


def portable(s: Session, store: Store, meeting_id: str, meeting: dict) -> Portable:
    row = store._get(s, meeting_id)
    drafts = {d.key: d.text for d in s.exec(select(Draft).where(Draft.meeting_id == meeting_id))}
    done = [
        p.step_key for p in s.exec(select(StepProgress).where(StepProgress.meeting_id == meeting_id, StepProgress.done))
    ]
    started = (row.started_at, row.part_two_started_at)
    return Portable(
        meeting_id, meeting, row.template_snapshot or {}, row.bundle_extensions, drafts, sorted(done), started
    )


def validated(item: Portable, source: str) -> dict:
    """The meeting dict cleaned and checked as a bundle import checks it (bundle.clean_bundle, problems)."""
    template = Template.from_dict(item.template, source)
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "meeting": to_bundle(item.meeting),
    }
    if item.extensions is not None:
        data["extensions"] = item.extensions
    found: list[str] = []
    data = clean_bundle(data, found)
    found = found or problems(data, {item.meeting["template"]: template})
    if found:
        raise CheckoutError(f"{source} is not a valid meeting: {found[0]}; nothing was changed.")
    return from_bundle(data["meeting"])


def write_new(s: Session, store: Store, item: Portable, now: dt.datetime, meeting: dict | None = None) -> None:
    """A meeting that is not in this database yet, in the caller's transaction. `meeting`: the item's
    meeting dict as `validated` gave it already (checked before a long write began), else checked here."""
    meeting = meeting or validated(item, f"meeting {item.meeting_id}")
    cols = meeting_columns(meeting)
    cols.pop("status")
    cols.update({"created_at": now, "updated_at": now, **item.kept_times})
    row = Meeting(**cols, status="draft", template_snapshot=item.template, bundle_extensions=item.extensions)
    s.add(row)
    s.flush()
    _fill(s, row, meeting, item)


def _replace(s: Session, store: Store, item: Portable, now: dt.datetime) -> None:
    """Put `item` in place of the meeting of the same id, in the caller's transaction: its row updated,
    its lists, drafts and step marks rewritten, its status walked to the item's."""
    meeting = validated(item, f"the laptop's copy of meeting {item.meeting_id}")
    row = store._get(s, item.meeting_id)
    conn = s.connection()
    models: list[type[SQLModel]] = [model for model, _fields in CHILD_LISTS.values()]
    models += [StepProgress, Draft]
    for model in models:
        table = table_of(model)
        conn.execute(delete(table).where(table.c.meeting_id == item.meeting_id))
    for column, value in meeting_columns(meeting).items():
        if column not in ("id", "status"):
            setattr(row, column, value)
    row.template_snapshot = item.template
    row.bundle_extensions = item.extensions
    row.updated_at = now
    s.add(row)
    s.flush()
    _fill(s, row, meeting, item)


def _fill(s: Session, row: Meeting, meeting: dict, item: Portable) -> None:
    for rows in child_rows(row.id, meeting).values():
        s.add_all(rows)
    timings = meeting.get("step_timings") or {}
    for key in sorted(set(timings) | set(item.steps_done)):
        s.add(StepProgress(meeting_id=row.id, step_key=key, seconds=timings.get(key, 0), done=key in item.steps_done))
    for key, value in item.drafts.items():
        s.add(Draft(meeting_id=row.id, key=key, text=value, updated_at=row.updated_at))
    s.flush()
    # before the status walk: once a meeting is final, the database refuses any change to its row
    if item.started != (None, None):  # the meeting clock goes on from when it started, not from 00:00
        row.started_at, row.part_two_started_at = item.started
        s.add(row)
        s.flush()
    for status in status_path(row.status, meeting["status"]):
        row.status = status
        s.add(row)
        s.flush()


def status_path(start: str, goal: str) -> list[str]:
    """The statuses a meeting passes through from `start` to `goal` by the lifecycle's moves (vocabulary.
    TRANSITIONS, the moves the database's triggers allow), never through a reopen; [] when already there."""
    if start == goal:
        return []
    came_from: dict[str, str] = {start: start}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        for there in TRANSITIONS.get(here, ()):
            if there in came_from or here == "final":
                continue
            came_from[there] = here
            if there == goal:
                path = [there]
                while came_from[path[-1]] != start:
                    path.append(came_from[path[-1]])
                return path[::-1]
            queue.append(there)
    raise CheckoutError(f"A meeting cannot move from {start} to {goal}; nothing was changed.")


def _keep_server_version(s: Session, server: Store, theirs: Portable, now: dt.datetime, by: str | None) -> str:
    """Copy the server's own version to a new meeting (a forced check-in keeps both); returns its id."""
    day = dt.date.fromisoformat(theirs.meeting["date"])
    new_id = server.new_meeting_id(day)
    while s.get(Meeting, new_id) is not None:  # pragma: no cover - a random id taken within this transaction
        new_id = server.new_meeting_id(day)
    meeting = dict(theirs.meeting, id=new_id)
    title = meeting.get("title") or meeting.get("case_ref") or theirs.meeting_id
    meeting["title"] = f"{title} (server's version, kept at check-in)"[:300]
    copy = Portable(new_id, meeting, theirs.template, theirs.extensions, theirs.drafts, theirs.steps_done)
    write_new(s, server, copy, now)
    audit.append(s, server, new_id, "created", f"the server's version of meeting {theirs.meeting_id}, kept", by)
    return new_id


def _changed_sentence(s: Session, server: Store, meeting_id: str, record: Taken, changed: list[str]) -> str:
    forced = (
        s.connection()
        .execute(
            text(
                "SELECT at, by, detail FROM auditevent WHERE meeting_id = :m AND kind = 'checkout_forced' "
                "ORDER BY pk DESC LIMIT 1"
            ),
            {"m": meeting_id},
        )
        .first()
    )
    from .dates import format_date

    taken_on = record.taken_at.astimezone()
    sentence = (
        f"The server's copy of meeting {meeting_id} changed after it was checked out on "
        f"{format_date(taken_on.date())} {taken_on:%H:%M}: {parts_in_words(changed)} "
        f"{'differ' if len(changed) > 1 or changed[0] in PART_WORDS else 'differs'}"
    )
    if forced is not None:
        reason = (forced[2] or "").split("; ended: ", 1)[-1]
        sentence += f" (the checkout was ended there by {forced[1] or 'someone'}: {quote(reason, 80)})"
    return (
        f"{sentence}. Nothing was changed on either side. To keep both, check in with --force: the server's "
        "version is kept as a new meeting and the laptop's takes its place."
    )


def _finish_on_laptop(laptop: Store, server: Store, meeting_id: str, keep: bool, now: dt.datetime, by) -> None:
    if keep:
        with laptop.writing() as ls:
            conn = ls.connection()
            conn.execute(text("DELETE FROM checkout WHERE meeting_id = :m"), {"m": meeting_id})
            holds.place_hold(
                conn,
                meeting_id,
                holds.Holder.here(by),
                holds.new_token(),
                now,
                holds.COPY,
                f"checked in to {server_label(server)}; the copy there is the one to change",
            )
            audit.append(ls, laptop, meeting_id, "checked_in", f"to {server_label(server)}; this copy kept read-only")
        return
    _delete_copy(laptop, meeting_id, f"checked in to {server_label(server)}", by)


def _delete_copy(laptop: Store, meeting_id: str, why: str, by: str | None = None) -> None:
    """Delete the laptop's copy of a meeting, and the reference copies no other checked-out meeting of its
    case needs, leaving no deleted text behind (retention.scrub). Each deletion is audited as a purge of this
    file's copy (the database lets a final meeting be deleted only after such an event)."""
    from .retention import scrub

    with laptop.writing() as ls:
        conn = ls.connection()
        row = ls.get(Meeting, meeting_id)
        if row is None:
            return
        conn.execute(text("DELETE FROM checkout WHERE meeting_id = :m"), {"m": meeting_id})
        gone = [meeting_id]
        others = conn.execute(
            text("SELECT m.case_ref FROM checkout AS c JOIN meeting AS m ON m.id = c.meeting_id")
        ).all()
        if row.case_ref and row.case_ref not in {o[0] for o in others}:
            copies = conn.execute(
                text(
                    "SELECT m.id FROM meeting AS m JOIN editor_hold AS h ON h.meeting_id = m.id "
                    "WHERE m.case_ref = :c AND h.kind = :copy AND m.id <> :m"
                ),
                {"c": row.case_ref, "copy": holds.COPY, "m": meeting_id},
            ).all()
            gone += [c[0] for c in copies]
        for gone_id in gone:
            audit.append(ls, laptop, gone_id, "purged", f"this laptop's copy deleted: {why}", by)
        for gone_id in gone:
            conn.execute(text("DELETE FROM meeting WHERE id = :m"), {"m": gone_id})
    if laptop.path is not None:
        scrub(laptop)


def _drop_copy(s: Session, laptop: Store, meeting_id: str) -> None:
    """Remove an old read-only copy of a meeting about to be written again (from an earlier check-out),
    audited as the purge of this file's copy (the database deletes a final meeting only after one)."""
    if s.get(Meeting, meeting_id) is None:
        return
    audit.append(s, laptop, meeting_id, "purged", "an older read-only copy, replaced by a new check-out")
    s.connection().execute(text("DELETE FROM meeting WHERE id = :m"), {"m": meeting_id})


def _hold_of(store: Store, meeting_id: str) -> holds.Hold | None:
    with server_reads(), store.engine.connect() as conn:
        hold = holds.current(conn, meeting_id)
        conn.rollback()
    return hold


def _copy_held(store: Store, meeting_id: str) -> bool:
    hold = _hold_of(store, meeting_id)
    return hold is not None and hold.kind == holds.COPY


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()
