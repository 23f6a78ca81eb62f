"""The database itself refuses what would rewrite a record without a trace (migration 0005, issue 17
"Rewritten without a trace", issue 12 "append-only"): each statement is run with a raw
connection (no pragmas but the key, as someone with the file, its passphrase and another tool would), with
foreign keys on (so a delete would cascade), and on the app's own connection; each is refused and nothing changes."""

from __future__ import annotations

import sqlite3

import pytest

from mapm_tui import lifecycle, rules
from mapm_tui.bundle import import_bundle
from tests import keys
from tests.samples import load_sample

TABLES = (
    "meeting",
    "subject",
    "attendee",
    "entry",
    "action",
    "findingoverride",
    "amendment",
    "stepprogress",
    "distribution",
    "auditevent",
    "search_meeting",
)


def finalised_sample(store, templates, name: str = "hampshire-planning.json") -> str:
    """A sample meeting (18 entries, 9 attendees, 6 actions), finalised with each block overridden."""
    mid = import_bundle(store, load_sample(name), templates)
    findings = rules.check_meeting(store.load_meeting(mid), store.template_of(mid))
    lifecycle.finalise(store, mid, "Jo Baker", [(f.key, "Agreed at the meeting") for f in rules.blocking(findings)])
    lifecycle.record_distribution(store, mid, "Priya Nurse", "full", method="email")
    return mid


def snapshot(conn: sqlite3.Connection) -> dict[str, list]:
    return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in TABLES}


def connect(store, mode: str) -> sqlite3.Connection:
    if mode == "app":  # the app's engine: foreign keys and recursive triggers on (db.py)
        # the pool's proxy: its close() hands the connection back (closing the driver's own connection
        # left a dead one in the pool, and the store's closing checkpoint failed on it)
        return store.engine.raw_connection()
    conn = keys.connect_raw(store.engine.url.database)
    if mode == "foreign_keys":
        conn.execute("PRAGMA foreign_keys = ON")
    return conn


@pytest.fixture
def two_meetings(store, templates, new_meeting):
    final = finalised_sample(store, templates)
    # reopened, amended and finalised again: it has amendments, and an old reopen amendment
    lifecycle.reopen(store, final, "Sarah Khan", "The review date was wrong")
    store.set_fields(final, {"title": "Planning meeting (corrected)"})
    lifecycle.finalise(store, final, "Sarah Khan")
    draft = new_meeting(aim="Keep Sam safe at home")
    store.add_item(draft, "entries", {"kind": "need", "text": "Needs a bed of his own"})
    return final, draft


#: a draft meeting's new entry given the pk of a final meeting's entry: REPLACE deletes that entry
STEAL = (
    "INSERT OR REPLACE INTO entry (pk, meeting_id, id, position, kind, text) "
    "SELECT min(pk), :draft, 'ent-99', 99, 'need', 'x' FROM entry WHERE meeting_id = :final"
)

ATTACKS = [
    # issue 17: REPLACE's implicit delete fired no trigger and cascaded (entries 18 -> 0)
    "INSERT OR REPLACE INTO meeting SELECT * FROM meeting WHERE id = :final",
    "REPLACE INTO meeting SELECT * FROM meeting WHERE id = :final",
    "INSERT OR REPLACE INTO entry SELECT * FROM entry WHERE meeting_id = :final",
    "INSERT OR REPLACE INTO attendee SELECT * FROM attendee WHERE meeting_id = :final",
    "INSERT OR REPLACE INTO amendment SELECT * FROM amendment WHERE meeting_id = :final",
    "INSERT OR REPLACE INTO distribution SELECT * FROM distribution WHERE meeting_id = :final",
    # another meeting's row put on, or moved onto, a final meeting's row's key, replacing it
    STEAL,
    "UPDATE OR REPLACE entry SET pk = (SELECT min(pk) FROM entry WHERE meeting_id = :final) WHERE meeting_id = :draft",
    "UPDATE OR REPLACE meeting SET id = :final WHERE id = :draft",
    # issue 17: status to in review, edit, back to final, with no reason and no amendment
    "UPDATE meeting SET status = 'in_review' WHERE id = :final",
    # status moves the lifecycle does not allow
    "UPDATE meeting SET status = 'final' WHERE id = :draft",
    "UPDATE meeting SET status = 'in_review' WHERE id = :draft",
    "UPDATE meeting SET status = 'archived' WHERE id = :draft",
    # the distribution record of a final meeting
    "DELETE FROM distribution WHERE meeting_id = :final",
    "UPDATE distribution SET name = 'Someone else' WHERE meeting_id = :final",
    # the audit trail, of every meeting
    "DELETE FROM auditevent",
    "DELETE FROM auditevent WHERE meeting_id = :draft",
    "UPDATE auditevent SET at = at || 'x'",
    "UPDATE auditevent SET detail = 'nothing happened' WHERE meeting_id = :draft",
    "INSERT OR REPLACE INTO auditevent SELECT * FROM auditevent WHERE meeting_id = :draft",
    "DELETE FROM meeting WHERE id = :final",
]


@pytest.mark.parametrize("mode", ["plain", "foreign_keys", "app"])
@pytest.mark.parametrize("sql", ATTACKS)
def test_the_database_refuses_each_rewrite(store, two_meetings, sql, mode):
    final, draft = two_meetings
    conn = connect(store, mode)
    before = snapshot(conn)
    assert len(before["entry"]) == 19 and before["auditevent"]
    with pytest.raises(keys.IntegrityError):
        conn.execute(sql, {"final": final, "draft": draft})
    conn.commit()
    assert snapshot(conn) == before
    conn.close()


def test_recursive_triggers_make_replace_fire_the_delete_lock(store, two_meetings):
    """The second guard: with the BEFORE INSERT guard gone, REPLACE's own delete still meets the lock on
    the app's connection (recursive_triggers on), while a plain connection lets it through."""
    final, draft = two_meetings
    plain = keys.connect_raw(store.engine.url.database)
    plain.execute("DROP TRIGGER entry_final_no_replace")
    plain.commit()
    app = connect(store, "app")
    assert app.execute("PRAGMA recursive_triggers").fetchone() == (1,)
    args = {"final": final, "draft": draft}
    with pytest.raises(keys.IntegrityError, match="final"):
        app.execute(STEAL, args)
    app.rollback()
    app.close()
    assert plain.execute(STEAL, args).rowcount == 1
    plain.rollback()
    plain.close()


def test_the_lifecycle_still_works_through_the_guards(store, templates):
    """Reopen (its amendment first), edit, finalise again; the status moves of a whole meeting."""
    mid = finalised_sample(store, templates)
    lifecycle.reopen(store, mid, "Sarah Khan", "The review date was wrong")
    store.set_fields(mid, {"title": "Planning meeting (corrected)"})
    lifecycle.finalise(store, mid, "Sarah Khan")
    meeting = store.load_meeting(mid)
    assert meeting["status"] == "final"
    assert [a["field"] for a in meeting["amendments"]] == ["status", "title", "status"]
    # a raw reopen now: the newest amendment is the re-finalising one, so it is refused
    raw = keys.connect_raw(store.engine.url.database)
    with pytest.raises(keys.IntegrityError, match="final"):
        raw.execute("UPDATE meeting SET status = 'in_review' WHERE id = ?", (mid,))
    # a reopen amendment alone changes nothing but is itself on the record
    raw.close()


def test_a_reopen_amendment_older_than_the_last_finalising_does_not_open_it(store, templates, clock):
    mid = finalised_sample(store, templates)
    raw = keys.connect_raw(store.engine.url.database)
    raw.execute(
        "INSERT INTO amendment (meeting_id, position, at, by, field, old, new, reason) VALUES "
        "(?, 99, '2020-01-01T00:00:00+00:00', 'Someone', 'status', 'final', 'in review', 'Back-dated')",
        (mid,),
    )
    with pytest.raises(keys.IntegrityError, match="final"):
        raw.execute("UPDATE meeting SET status = 'in_review' WHERE id = ?", (mid,))
    raw.rollback()
    raw.close()


def test_an_imported_final_meeting_is_locked(store, templates):
    bundle = load_sample("hampshire-two-part.json")
    bundle["meeting"]["status"] = "final"
    bundle["meeting"]["id"] = "m-imported-final"
    mid = import_bundle(store, bundle, templates)
    raw = keys.connect_raw(store.engine.url.database)
    with pytest.raises(keys.IntegrityError, match="final"):
        raw.execute("INSERT OR REPLACE INTO meeting SELECT * FROM meeting WHERE id = ?", (mid,))
    raw.close()
    assert store.load_meeting(mid)["status"] == "final"
