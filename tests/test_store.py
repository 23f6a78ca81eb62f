"""Storage: pragmas, permissions, schema-checked edits, item ids, the final lock, migrations."""

from __future__ import annotations

import datetime as dt
import os
import stat

import pytest

from mapm_tui.store import MeetingLocked, NotFound, StoreError, open_store
from tests import keys


@pytest.mark.sqlite_only  # a second connection to the file; PostgreSQL is MVCC by nature
def test_a_window_reading_does_not_stop_an_edit(store, new_meeting):
    """Write-ahead logging: another window in the middle of a read (the list, a search) does not make the
    chair's edit wait or fail (a rollback journal would refuse the commit until the reader finished)."""
    mid = new_meeting()
    reader = keys.connect_raw(store.path, isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM meeting").fetchone() == (1,)
    try:
        store.set_fields(mid, {"aim": "Agree a plan"})
        assert reader.execute("SELECT aim FROM meeting").fetchone() == (None,)  # its snapshot is unchanged
    finally:
        reader.execute("ROLLBACK")
        reader.close()
    assert store.load_meeting(mid)["aim"] == "Agree a plan"


@pytest.mark.sqlite_only  # PostgreSQL's write lock: test_pg_server
def test_an_edit_waits_for_another_windows_short_write(store, new_meeting):
    """A write lock held for a moment by another window is waited for, not reported as an error."""
    import threading

    mid = new_meeting()
    holder = keys.connect_raw(store.path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # the other window's write lock
    released = threading.Timer(0.3, lambda: holder.execute("ROLLBACK"))
    released.start()
    try:
        store.set_fields(mid, {"aim": "Agree a plan"})
    finally:
        released.join()
        holder.close()
    assert store.load_meeting(mid)["aim"] == "Agree a plan"


def test_a_row_of_a_meeting_that_does_not_exist_is_refused(store):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError, match="(?i)foreign key"), store.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO subject (meeting_id, position, name, kind) VALUES ('m-none', 0, 'X', 'child')"
        )


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_database_file_and_folder_are_owner_only(tmp_path, new_meeting):
    path = tmp_path / "private" / "nested" / "m.db"
    s = open_store(path)
    s.create_meeting(__import__("mapm_tui.agenda").agenda.shipped_templates()["hampshire"], dt.date(2026, 11, 24))
    for p in (path, path.with_name("m.db-wal"), path.with_name("m.db-shm")):
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    s.close()


@pytest.mark.sqlite_only  # PostgreSQL's write lock: test_pg_server
def test_no_other_writer_slips_in_between_an_edits_read_and_its_write(store, new_meeting):
    """An edit takes the write lock when it begins (BEGIN IMMEDIATE): another window's write attempted
    after the edit has started reading is refused at once, and the edit completes. (In a deferred
    transaction the other write would get in, and the edit would then fail half way.)"""
    from sqlalchemy import event

    mid = new_meeting()
    other = keys.connect_raw(store.path, isolation_level=None, timeout=0)
    intruded: list[str] = []

    def intrude(*_args) -> None:
        if intruded:
            return
        try:
            other.execute("UPDATE meeting SET venue = 'the other window'")
            intruded.append("written")
        except keys.OperationalError:
            intruded.append("refused")

    event.listen(store.engine, "after_cursor_execute", intrude)
    try:
        store.set_fields(mid, {"aim": "Agree a plan"})
    finally:
        event.remove(store.engine, "after_cursor_execute", intrude)
        other.close()
    assert intruded == ["refused"]
    assert store.load_meeting(mid)["aim"] == "Agree a plan"


def test_field_edits_are_checked_against_the_schema(store, new_meeting):
    mid = new_meeting()
    store.set_fields(mid, {"family.attending": "part_two", "aim": "Agree a plan", "next_review.date": "2026-12-08"})
    m = store.load_meeting(mid)
    assert m["family"] == {"attending": "part_two"}
    assert m["aim"] == "Agree a plan"
    assert m["next_review"] == {"date": "2026-12-08"}
    with pytest.raises(StoreError, match="not one of"):
        store.set_fields(mid, {"family.attending": "sometimes"})
    with pytest.raises(StoreError, match="longer than 300"):
        store.set_fields(mid, {"venue": "x" * 301})
    with pytest.raises(StoreError, match="not a field"):
        store.set_fields(mid, {"family.colour": "blue"})
    assert store.load_meeting(mid)["family"] == {"attending": "part_two"}


def test_emptied_field_is_not_recorded(store, new_meeting):
    mid = new_meeting(aim="Something")
    store.set_fields(mid, {"aim": "   "})
    assert "aim" not in store.load_meeting(mid)


@pytest.mark.parametrize(
    "bad, expected",
    [
        ("Dad\x00said", "Dad said"),
        ("bell\x07here", "bell here"),
        ("del\x7fhere", "del here"),
        ("lone \ud800 surrogate", "lone \ufffd surrogate"),
        ("crlf\r\nline", "crlf\nline"),
    ],
)
def test_bad_characters_are_stored_safely(store, new_meeting, bad, expected):
    mid = new_meeting()
    entry_id = store.add_item(mid, "entries", {"kind": "need", "text": bad})
    store.set_fields(mid, {"aim": bad})
    m = store.load_meeting(mid)
    assert m["entries"][0]["text"] == expected and m["entries"][0]["id"] == entry_id
    assert m["aim"] == expected


def test_item_ids_are_scoped_to_their_meeting(store, new_meeting):
    a, b = new_meeting(), new_meeting()
    assert store.add_item(a, "actions", {"description": "Book an eye test"}) == "act-1"
    assert store.add_item(b, "actions", {"description": "Visit at home"}) == "act-1"
    assert store.add_item(a, "actions", {"description": "Call the GP"}) == "act-2"


def test_references_must_resolve(store, new_meeting):
    mid = new_meeting()
    with pytest.raises(StoreError, match="no attendee 'att-9'"):
        store.add_item(mid, "actions", {"description": "x", "owner_attendee_id": "att-9"})
    with pytest.raises(StoreError, match="no entry 'ent-4'"):
        store.add_item(mid, "actions", {"description": "x", "addresses": ["ent-4"]})
    assert "actions" not in store.load_meeting(mid)


def test_deleting_an_entry_takes_it_out_of_actions(store, new_meeting):
    mid = new_meeting()
    need = store.add_item(mid, "entries", {"kind": "need", "text": "Needs glasses"})
    other = store.add_item(mid, "entries", {"kind": "risk", "text": "Falls"})
    act = store.add_item(mid, "actions", {"description": "Eye test", "addresses": [need, other]})
    store.delete_item(mid, "entries", need)
    action = store.load_meeting(mid)["actions"][0]
    assert action["id"] == act and action["addresses"] == [other]


def test_status_moves_follow_the_table(store, new_meeting):
    mid = new_meeting()
    with pytest.raises(StoreError, match="cannot move"):
        store.set_status(mid, "in_review")
    store.set_status(mid, "in_progress")
    row = store.meeting_row(mid)
    assert row.started_at is not None and row.start_time == "10:00"
    store.set_status(mid, "in_review")
    assert store.meeting_row(mid).end_time == "10:00"
    store.set_status(mid, "in_progress")  # resume
    with pytest.raises(StoreError, match="finalise"):
        store.set_status(mid, "final")


def test_unknown_meeting_is_a_clear_error(store):
    with pytest.raises(NotFound, match="mapm list"):
        store.load_meeting("nope")


def _make_final(store, mid):
    """Raw moves along the lifecycle (the database refuses a draft made final in one step, 0005)."""
    from sqlalchemy import text

    with store.engine.begin() as conn:
        for status in ("in_progress", "in_review", "final"):
            conn.execute(text("UPDATE meeting SET status = :s WHERE id = :id"), {"s": status, "id": mid})


@pytest.mark.sqlite_only  # PostgreSQL's triggers, with raw SQL: test_pg_server
def test_a_final_meeting_is_locked_by_the_database_itself(store, new_meeting, tmp_path):
    mid = new_meeting(aim="Agreed aim")
    entry = store.add_item(mid, "entries", {"kind": "need", "text": "Needs glasses"})
    _make_final(store, mid)
    with pytest.raises(MeetingLocked):
        store.set_fields(mid, {"aim": "changed"})
    with pytest.raises(MeetingLocked):
        store.add_item(mid, "entries", {"kind": "need", "text": "more"})
    raw = keys.connect_raw(tmp_path / "test.db")
    for sql, args in (
        ("UPDATE meeting SET aim='sneaky' WHERE id=?", (mid,)),
        ("UPDATE entry SET text='sneaky' WHERE meeting_id=?", (mid,)),
        ("DELETE FROM entry WHERE meeting_id=?", (mid,)),
        ("INSERT INTO entry (meeting_id, id, position, kind, text) VALUES (?, 'ent-9', 9, 'need', 'x')", (mid,)),
        ("DELETE FROM meeting WHERE id=?", (mid,)),
    ):
        with pytest.raises(keys.IntegrityError, match="final"):
            raw.execute(sql, args)
    # a reopen (status away from final, its amendment written first: 0005) is allowed, and then edits are too
    with pytest.raises(keys.IntegrityError, match="final"):
        raw.execute("UPDATE meeting SET status='in_review' WHERE id=?", (mid,))
    raw.execute(
        "INSERT INTO amendment (meeting_id, position, at, by, field, old, new, reason) "
        "VALUES (?, 1, '2026-11-24T10:00:00+00:00', 'Jo Baker', 'status', 'final', 'in review', 'Typo')",
        (mid,),
    )
    raw.execute("UPDATE meeting SET status='in_review' WHERE id=?", (mid,))
    raw.commit()
    raw.close()
    store.update_item(mid, "entries", entry, {"text": "Needs new glasses"})
    assert store.load_meeting(mid)["entries"][0]["text"] == "Needs new glasses"


def test_drafts_survive_and_clear(store, new_meeting):
    mid = new_meeting()
    store.save_draft(mid, "capture:aim", "half a sent")
    assert store.drafts(mid) == {"capture:aim": "half a sent"}
    store.save_draft(mid, "capture:aim", "")
    assert store.drafts(mid) == {}


def test_list_meetings_counts_open_actions(store, new_meeting):
    mid = new_meeting(case_ref="C-7")
    store.add_item(mid, "subjects", {"name": "Child A", "kind": "child"})
    store.add_item(mid, "actions", {"description": "a", "status": "open"})
    store.add_item(mid, "actions", {"description": "b", "status": "done"})
    store.add_item(mid, "actions", {"description": "c"})
    (summary,) = store.list_meetings()
    assert (summary.case_ref, summary.subjects, summary.open_actions) == ("C-7", "Child A", 2)


def test_database_refusals_come_out_typed(store, new_meeting, backend):
    """A trigger's refusal is classified by SQLite's result code and the trigger's own RAISE words (defined
    once in the store, and checked here against the triggers a new database has), not by a word in it; on
    PostgreSQL by the SQLSTATE each trigger function raises with those words."""
    from sqlalchemy import text

    from mapm_tui.store import TRIGGER_REFUSALS, AuditAppendOnly, StatusRefused
    from mapm_tui.store_errors import SERVER_REFUSALS

    with store.engine.connect() as conn:
        if backend == "postgresql":
            sql = "SELECT prosrc FROM pg_proc WHERE starts_with(proname, 'mapm')"
            raised = {state: f"ERRCODE = '{state}', MESSAGE = '{words}'" for state, words in SERVER_REFUSALS.items()}
        else:
            sql = "SELECT sql FROM sqlite_master WHERE type='trigger'"
            raised = {words: f"RAISE(ABORT, '{words}')" for words in TRIGGER_REFUSALS}
        triggers = "\n".join(conn.exec_driver_sql(sql).scalars())
    assert set(SERVER_REFUSALS.values()) == set(TRIGGER_REFUSALS)
    for words in raised.values():
        assert words in triggers
    mid = new_meeting(aim="Agreed aim")
    store.set_status(mid, "in_progress")
    with pytest.raises(StatusRefused, match="lifecycle allows"), store.writing() as s:
        s.exec(text("UPDATE meeting SET status = 'final' WHERE id = :id"), params={"id": mid})
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM auditevent").scalar() > 0
    with pytest.raises(AuditAppendOnly), store.writing() as s:
        s.exec(text("UPDATE auditevent SET by = 'someone else'"))
    _make_final(store, mid)
    with pytest.raises(MeetingLocked), store.writing() as s:
        s.exec(text("UPDATE entry SET text = 'x' WHERE meeting_id = :id"), params={"id": mid})
        s.exec(text("UPDATE meeting SET aim = 'changed' WHERE id = :id"), params={"id": mid})
