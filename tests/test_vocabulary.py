"""The domain's words are defined once (`mapm_tui/vocabulary.py`); these tests check that the copies the
database and the SQL hold agree with them, and that the screens' questions follow the one table."""

from __future__ import annotations

import datetime as dt
import importlib
import sqlite3

from mapm_tui import lifecycle
from mapm_tui import vocabulary as v
from tests import keys


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


def test_who_is_family_is_one_answer_for_the_form_the_minutes_and_the_rules():
    """A mother added without the Family flag (an import, a quick line) is family by her role; the person
    form, the people list and the minutes' attendance table (`taking_part_as`) and the rule about an
    absent action owner (G-32) all say so, as the recipients list did (before, only the minutes knew)."""
    from mapm_tui import rules
    from mapm_tui.minutes.context import Context
    from mapm_tui.minutes.sections.attendance import attendance_table
    from mapm_tui.participants import is_family_member, taking_part_as

    mother = {"id": "att-1", "name": "Kim Jones", "role": "Mother", "attendance": "apologies"}
    sam = {"id": "att-2", "name": "Sam Jones", "attendance": "present"}  # the subject themself
    advocate = {"id": "att-3", "name": "Lee Hart", "role": "Advocate", "agency": "Family"}
    flagged_off = {"id": "att-4", "name": "Pat Jones", "role": "Father", "is_family": False}
    meeting = {
        "id": "m-1",
        "date": "2026-03-02",
        "subjects": [{"name": "Sam Jones", "kind": "child"}],
        "attendees": [mother, sam, advocate, flagged_off],
    }
    subjects = meeting["subjects"]
    as_ = {p["name"]: taking_part_as(p, subjects) for p in meeting["attendees"]}
    assert as_ == {"Kim Jones": "family", "Sam Jones": "family", "Lee Hart": "advocate", "Pat Jones": "professional"}
    assert all(is_family_member(p, subjects) == (as_[p["name"]] != "professional") for p in meeting["attendees"])

    table = attendance_table(Context(meeting, None, family=False))
    assert [row[3] for row in table.rows] == ["Family", "Family", "Advocate or supporter", "Professional"]

    def owner_warned(owner: dict) -> bool:
        action = {"id": "act-1", "description": "Ring school", "owner_attendee_id": owner["id"]}
        return any(f.rule == "G-32" for f in rules.check_action(action, meeting, 1))

    assert not owner_warned(mother) and owner_warned({**flagged_off, "attendance": "apologies"})


def test_the_voice_of_the_subject_is_named_as_the_minutes_name_it():
    """The entry label the capture line and the lists show takes the meeting's own words, as the minutes'
    heading and the G-12 finding do: a meeting about a child and an adult says "the child or adult"
    (before, the screens passed a child-or-adult flag and said "Voice of the child")."""
    from mapm_tui.capture import kind_label
    from mapm_tui.subject_words import words_for

    child, adult = {"name": "Amy", "kind": "child"}, {"name": "Ray", "kind": "adult_at_risk"}
    for subjects, said in (
        ([child], "Voice of the child"),
        ([adult], "Voice of the adult"),
        ([child, adult], "Voice of the child or adult"),
    ):
        words = words_for({"subjects": subjects})
        assert kind_label("voice_of_subject", words) == words.voice_title == said
    assert kind_label("voice_of_subject") == "Voice of the child" and kind_label("risk", words) == "Risk"
