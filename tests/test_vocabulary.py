"""The domain's words are defined once (`mapm_tui/vocabulary.py`); these tests check that the copies the
database and the SQL hold agree with them, and that the screens' questions follow the one table."""

from __future__ import annotations

import datetime as dt
import importlib
import sqlite3

import keys

from mapm_tui import lifecycle
from mapm_tui import vocabulary as v


def test_the_database_allows_the_same_status_moves_as_the_table():
    """Migration 0005 is frozen with its own copy of the moves (a trigger); it must say what the table says
    (final -> in review is a reopen, which the database checks on its own)."""
    m0005 = importlib.import_module("mapm_tui.migrations.versions.0005_audit_chain_and_guarded_deletes")
    table = {(old, new) for old, moves in v.TRANSITIONS.items() for new in moves}
    assert set(m0005.MOVES) == table - {("final", "in_review")}
    assert all(v.may_move(old, new) for old, new in table)
    assert not v.may_move("draft", "final") and not v.may_move("final", "draft")


def test_the_screens_questions_follow_the_table():
    assert [s for s in v.MEETING_STATUSES if v.may_start_or_end(s)] == ["draft", "in_progress", "in_review"]
    assert [s for s in v.MEETING_STATUSES if v.may_resume(s)] == ["in_review"]
    assert [s for s in v.MEETING_STATUSES if v.may_reopen(s)] == ["final"]
    assert [s for s in v.MEETING_STATUSES if v.has_ended(s)] == ["in_review", "final"]
    assert [s for s in v.MEETING_STATUSES if not v.is_editable(s)] == ["final"]
    assert set(v.STATUS_WORDS) == set(v.MEETING_STATUSES)


def test_open_action_is_the_same_for_a_dict_and_for_sql():
    """Every status (and none) is open or closed the same way in Python and in the listing's SQL."""
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE action (status TEXT)")
    statuses = [*v.OPEN_ACTION_STATUSES, *sorted(v.CLOSED_ACTION_STATUSES), None]
    con.executemany("INSERT INTO action VALUES (?)", [(s,) for s in statuses])
    open_in_sql = [r[0] for r in con.execute(f"SELECT status FROM action AS a WHERE {v.open_action_sql('a')}")]
    assert open_in_sql == [s for s in statuses if v.is_open_action({"status": s})]
    assert open_in_sql == ["open", "partly_done", "not_done", None]


def test_every_reader_of_open_actions_agrees_with_the_one_definition(tmp_path, clock, templates):
    """An action of every status (and none) in one meeting: the open-actions list across meetings, the
    meetings list's count and what the next meeting would carry are exactly the open ones by
    `is_open_action`; a second copy of "open" that disagreed (SQL or Python) fails here."""
    store = keys.open_test_store(tmp_path / "test.db", clock)
    try:
        mid = store.create_meeting(templates["hampshire"], dt.date(2026, 11, 24))
        statuses = [None, *v.ACTION_STATUS_LABELS]
        ids = {}
        for n, status in enumerate(statuses):
            values = {"description": f"Action {n}"} | ({"status": status} if status else {})
            ids[store.add_item(mid, "actions", values)] = status
        expected = {i for i, status in ids.items() if v.is_open_action({"status": status})}
        assert {ids[i] for i in expected} == {None, *v.OPEN_ACTION_STATUSES}
        assert {a.action_id for a in lifecycle.actions(store)} == expected
        assert {a["id"] for a in lifecycle.actions_to_carry(store, mid)} == expected
        [summary] = store.list_meetings()
        assert summary.open_actions == len(expected)
    finally:
        store.close()
