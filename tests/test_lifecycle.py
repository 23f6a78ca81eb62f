"""After the meeting: finalise (refused, then allowed with overrides), the database lock, reopen and
amendments (down to the Word minutes' annex), the distribution record, the next meeting, open and
overdue actions, the case view, and bundles that carry all of it."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest

from mapm_tui import lifecycle, rules
from mapm_tui.bundle import export_bundle, import_bundle
from mapm_tui.lifecycle import BadRequest, FinaliseRefused, LifecycleError
from mapm_tui.schema import bundle_validator
from mapm_tui.store import MeetingLocked, open_store
from tests import keys

TODAY = dt.date(2026, 11, 24)  # the fixed clock's day (conftest.NOW)


def complete(**changes) -> dict:
    """A Hampshire meeting in review that nothing blocks: every rule of the design's table satisfied."""
    meeting = {
        "id": "m-done-1",
        "case_ref": "EH-2026-0001",
        "title": "Planning meeting for Sam",
        "template": "hampshire",
        "meeting_type": "planning",
        "status": "in_review",
        "date": "2026-11-20",
        "convening_agency": "Northfield Primary School",
        "chair": {"name": "Jo Baker", "role": "Early help lead", "agency": "Hampshire Children's Services"},
        "subjects": [{"name": "Sam Example", "kind": "child", "date_of_birth": "2015-03-12"}],
        "aim": "Agree how to get Sam to school every day.",
        "family": {"informed_beforehand": True, "attending": "whole"},
        "attendees": [
            {
                "id": "att-1",
                "name": "Sam Teacher",
                "agency": "Northfield Primary School",
                "attendance": "present",
                "email": "sam.t@example.org",
            },
            {"id": "att-2", "name": "Priya Nurse", "agency": "Solent NHS", "attendance": "present"},
            {"id": "att-3", "name": "Dr Absent", "agency": "GP", "attendance": "apologies"},
            {
                "id": "att-4",
                "name": "Dee Standin",
                "agency": "GP",
                "attendance": "substitute",
                "substitute_for": "Dr Absent",
            },
            {"id": "att-5", "name": "Kerry Jones", "attendance": "present", "is_family": True},
        ],
        "entries": [
            {"id": "ent-1", "kind": "need", "text": "Needs glasses for reading", "source_attendee_id": "att-2"},
            {"id": "ent-2", "kind": "voice_of_subject", "text": "Sam says mornings are hard"},
        ],
        "actions": [
            {
                "id": "act-1",
                "description": "Book an eye test at the optician on the high street",
                "owner_attendee_id": "att-2",
                "due_date": "2026-12-04",
                "success_measure": "Sam has glasses and wears them in class",
                "addresses": ["ent-1"],
            }
        ],
        "family_meeting": {"considered": False},
        "lead_practitioner": {"name": "Sam Teacher", "agency": "Northfield Primary School", "changed": False},
        "disagreement": {"any": False},
        "minutes_sharing": {"share_with_family": True},
        "next_review": {"required": True, "date": "2027-01-15", "time": "10:00", "venue": "Northfield Primary School"},
    }
    meeting.update(changes)
    return {"format": "mapm-meeting", "version": 1, "meeting": meeting}


def load(store, templates, bundle: dict) -> str:
    return import_bundle(store, bundle, templates)


def _raw(store):
    return keys.connect_raw(store.engine.url.database)


# -- finalise ---------------------------------------------------------------------------------------
def test_finalise_is_refused_while_something_blocks_and_stores_nothing(store, templates):
    bundle = complete()
    del bundle["meeting"]["aim"]
    bundle["meeting"]["actions"][0].pop("due_date")
    mid = load(store, templates, bundle)
    with pytest.raises(FinaliseRefused) as info:
        lifecycle.finalise(store, mid, "Jo Baker")
    keys = {f.key for f in info.value.findings}
    assert keys == {"G-20:aim", "G-31:action:act-1:due_date"}
    assert all(f.blocks for f in info.value.findings)
    assert "2 findings block it" in str(info.value)
    # one override is not enough: still refused, and the override given is not kept either
    with pytest.raises(FinaliseRefused) as info:
        lifecycle.finalise(store, mid, "Jo Baker", [("G-20", "The aim is in the invitation letter")])
    assert [f.key for f in info.value.findings] == ["G-31:action:act-1:due_date"]
    m = store.load_meeting(mid)
    assert m["status"] == "in_review" and "finding_overrides" not in m and "finalised_at" not in m


def test_finalise_with_an_override_for_each_block(store, templates, clock):
    bundle = complete()
    del bundle["meeting"]["aim"]
    bundle["meeting"]["actions"][0].pop("due_date")
    mid = load(store, templates, bundle)
    result = lifecycle.finalise(
        store,
        mid,
        "Jo Baker",
        [
            ("G-31:action:act-1:due_date", "Date depends on the optician; agreed to report at review"),
            ("g-20", "Aim in the invitation"),
        ],
    )
    assert [f.key for f in result.overridden] == ["G-20:aim", "G-31:action:act-1:due_date"]
    m = store.load_meeting(mid)
    assert m["status"] == "final" and m["finalised_by"] == "Jo Baker"
    assert dt.datetime.fromisoformat(m["finalised_at"]) == clock.utcnow()
    assert [(o["rule"], o["by"]) for o in m["finding_overrides"]] == [
        ("G-20:aim", "Jo Baker"),
        ("G-31:action:act-1:due_date", "Jo Baker"),
    ]
    assert m["finding_overrides"][0]["reason"] == "Aim in the invitation"
    # the rules agree: nothing blocking is left open
    open_, _ = rules.split_overridden(rules.check_meeting(m, store.template_of(mid)), m["finding_overrides"])
    assert rules.blocking(open_) == []


def test_a_bare_rule_id_covers_every_finding_of_that_rule_and_the_most_specific_reason_wins(store, templates):
    bundle = complete()
    action2 = copy.deepcopy(bundle["meeting"]["actions"][0])
    action2.update(id="act-2", description="Ask the school nurse to check eyesight")
    action2.pop("due_date")
    bundle["meeting"]["actions"][0].pop("due_date")
    bundle["meeting"]["actions"][0].pop("success_measure")
    bundle["meeting"]["actions"].append(action2)
    mid = load(store, templates, bundle)
    lifecycle.finalise(
        store,
        mid,
        "Jo Baker",
        [("G-31", "General: dates set at the review"), ("G-31:action:act-1", "Act 1 waits for the optician")],
    )
    reasons = {o["rule"]: o["reason"] for o in store.load_meeting(mid)["finding_overrides"]}
    assert reasons == {
        "G-31:action:act-1:due_date": "Act 1 waits for the optician",
        "G-31:action:act-1:success_measure": "Act 1 waits for the optician",
        "G-31:action:act-2:due_date": "General: dates set at the review",
    }


@pytest.mark.parametrize(
    "overrides, message",
    [
        ([("G-20", "  ")], "needs a reason"),
        ([("", "why")], "needs the key"),
        ([("G-99", "typo")], "No finding of this meeting is named 'G-99'"),
        ([("G-31:action:act-7", "no such action")], "named 'G-31:action:act-7'"),
    ],
)
def test_bad_overrides_are_refused_and_change_nothing(store, templates, overrides, message):
    bundle = complete()
    del bundle["meeting"]["aim"]
    mid = load(store, templates, bundle)
    with pytest.raises(BadRequest, match=message):
        lifecycle.finalise(store, mid, "Jo Baker", overrides)
    assert store.load_meeting(mid)["status"] == "in_review"


def test_finalise_needs_a_name_and_a_meeting_in_review(store, templates, new_meeting):
    mid = load(store, templates, complete())
    with pytest.raises(BadRequest, match="name"):
        lifecycle.finalise(store, mid, "   ")
    draft = new_meeting()
    with pytest.raises(LifecycleError, match="end the meeting first"):
        lifecycle.finalise(store, draft, "Jo Baker")
    lifecycle.finalise(store, mid, "Jo Baker")
    with pytest.raises(LifecycleError, match="already final"):
        lifecycle.finalise(store, mid, "Jo Baker")


# -- the lock ---------------------------------------------------------------------------------------
LOCKED_SQL = [
    ("UPDATE entry SET text = 'sneaky' WHERE meeting_id = :m", "entry"),
    ("DELETE FROM entry WHERE meeting_id = :m", "entry"),
    ("INSERT INTO entry (meeting_id, id, position, kind, text) VALUES (:m, 'ent-9', 9, 'need', 'x')", "entry"),
    ("UPDATE action SET due_date = '2030-01-01' WHERE meeting_id = :m", "action"),
    ("UPDATE attendee SET attendance = 'absent' WHERE meeting_id = :m", "attendee"),
    ("UPDATE subject SET name = 'Someone else' WHERE meeting_id = :m", "subject"),
    ("UPDATE findingoverride SET reason = 'sneaky' WHERE meeting_id = :m", "findingoverride"),
    ("INSERT INTO amendment (meeting_id, position, field) VALUES (:m, 9, 'aim')", "amendment"),
    ("INSERT INTO stepprogress (meeting_id, step_key, seconds, done) VALUES (:m, 'aim', 5, FALSE)", "stepprogress"),
    ("UPDATE meeting SET aim = 'sneaky' WHERE id = :m", "meeting"),
    ("UPDATE meeting SET status = 'in_review', aim = 'sneaky' WHERE id = :m", "meeting"),
    ("UPDATE meeting SET status = 'draft' WHERE id = :m", "meeting"),
    ("DELETE FROM meeting WHERE id = :m", "meeting"),
]


@pytest.mark.parametrize("sql, table", LOCKED_SQL, ids=[f"{t}-{n}" for n, (_s, t) in enumerate(LOCKED_SQL)])
def test_raw_sql_cannot_change_a_final_meeting(store, templates, sql, table):
    bundle = complete()
    del bundle["meeting"]["aim"]
    mid = load(store, templates, bundle)
    lifecycle.finalise(store, mid, "Jo Baker", [("G-20", "In the invitation")])
    before = export_bundle(store, mid)["meeting"]
    raw = _raw(store)
    with pytest.raises(keys.IntegrityError, match="final"):
        raw.execute(sql, {"m": mid})
    raw.commit()
    raw.close()
    assert export_bundle(store, mid)["meeting"] == before


#: the tables with a foreign key to meeting, and those with a final-lock trigger, in each dialect's catalogue
CATALOGUE = {
    "sqlite": (
        "SELECT m.name FROM sqlite_master AS m, pragma_foreign_key_list(m.name) AS f "
        "WHERE m.type = 'table' AND f.\"table\" = 'meeting'",
        "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%final_no_update'",
    ),
    "postgresql": (
        "SELECT c.conrelid::regclass::text FROM pg_constraint AS c "
        "WHERE c.contype = 'f' AND c.confrelid = 'meeting'::regclass",
        "SELECT tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE '%final_lock'",
    ),
}


def test_every_child_table_of_a_meeting_is_locked_or_deliberately_outside(store, backend):
    """A new child table must be added to the lock (or to the list of what lives outside it on purpose)."""
    raw = _raw(store)
    children_sql, locked_sql = CATALOGUE[backend]
    children = {row[0] for row in raw.execute(children_sql)}
    locked = {row[0] for row in raw.execute(locked_sql)}
    raw.close()
    # the record of sending, half-typed text, which window is editing, and a laptop's checkout record
    # (never part of the record)
    outside = {"distribution", "draft", "editor_hold", "checkout"}
    assert children - outside <= locked
    assert {
        "subject",
        "attendee",
        "entry",
        "action",
        "findingoverride",
        "amendment",
        "stepprogress",
        "meeting",
    } <= locked


def test_distribution_and_audit_live_outside_the_lock(store, templates):
    mid = load(store, templates, complete())
    lifecycle.finalise(store, mid, "Jo Baker")
    lifecycle.record_distribution(store, mid, "Sam Teacher", "full", "Secure email", email="sam.t@example.org")
    m = store.load_meeting(mid)
    assert m["status"] == "final"
    assert m["distribution"] == [
        {
            "name": "Sam Teacher",
            "email": "sam.t@example.org",
            "version": "full",
            "method": "Secure email",
            "sent_at": "2026-11-24T10:00:00+00:00",
        }
    ]
    with pytest.raises(MeetingLocked):
        store.set_fields(mid, {"aim": "changed"})


# -- reopen and amendments --------------------------------------------------------------------------
def test_reopen_needs_a_reason_and_a_final_meeting(store, templates):
    mid = load(store, templates, complete())
    with pytest.raises(LifecycleError, match="Only a final meeting"):
        lifecycle.reopen(store, mid, "Jo Baker", "Wrong date")
    lifecycle.finalise(store, mid, "Jo Baker")
    with pytest.raises(BadRequest, match="reason"):
        lifecycle.reopen(store, mid, "Jo Baker", "  ")
    with pytest.raises(BadRequest, match="name"):
        lifecycle.reopen(store, mid, "", "Wrong date")
    assert store.load_meeting(mid)["status"] == "final"
    lifecycle.reopen(store, mid, "Sarah Khan", "The review date was wrong")
    assert store.load_meeting(mid)["status"] == "in_review"
    from sqlmodel import select

    from mapm_tui.models import AuditEvent

    with store.reading() as s:
        events = [(e.kind, e.by, e.detail) for e in s.exec(select(AuditEvent).where(AuditEvent.meeting_id == mid))]
    # the reason is kept in the amendment (the annex); the audit trail copies no text (issue 12)
    assert ("reopened", "Sarah Khan", None) in events
    assert store.load_meeting(mid)["amendments"][-1]["reason"] == "The review date was wrong"
    assert events[-2][0] == "finalised"


def test_edits_after_a_reopen_become_amendments(store, templates, clock):
    mid = load(store, templates, complete())
    # before the first finalise, edits are just edits
    store.set_fields(mid, {"title": "Planning meeting"})
    lifecycle.finalise(store, mid, "Jo Baker")
    clock.advance(3600)
    lifecycle.reopen(store, mid, "Sarah Khan", "Corrections from the GP")
    clock.advance(60)
    # typing saved three times is one amendment, from the value before the reopen to the last one
    for text in ("Agree how to get Sam", "Agree how to get Sam to school", "Agree how to get Sam to school on time."):
        store.set_fields(mid, {"aim": text})
    store.set_fields(mid, {"next_review.date": "2027-01-22"})
    store.update_item(mid, "actions", "act-1", {"due_date": "2026-12-11"})
    store.update_item(mid, "attendees", "att-2", {"attendance": "apologies"})
    new_entry = store.add_item(mid, "entries", {"kind": "risk", "text": "Misses breakfast"})
    store.delete_item(mid, "entries", "ent-2")
    # a change made and undone leaves no amendment
    store.set_fields(mid, {"venue": "Room 4"})
    store.set_fields(mid, {"venue": None})
    # an entry added and deleted again since the reopen leaves none either
    tmp = store.add_item(mid, "entries", {"kind": "note", "text": "typo"})
    store.update_item(mid, "entries", tmp, {"text": "typo fixed"})
    store.delete_item(mid, "entries", tmp)

    amendments = store.load_meeting(mid)["amendments"]
    rows = [(a["field"], a.get("old"), a.get("new")) for a in amendments]
    assert rows == [
        ("status", "final", "in review"),
        ("aim", "Agree how to get Sam to school every day.", "Agree how to get Sam to school on time."),
        ("next_review.date", "2027-01-15", "2027-01-22"),
        ("actions[act-1].due_date", "2026-12-04", "2026-12-11"),
        ("attendees[att-2].attendance", "present", "apologies"),
        (f"entries[{new_entry}]", None, "Risk: Misses breakfast"),
        ("entries[ent-2]", "Voice of the child: Sam says mornings are hard", None),
    ]
    assert {a["reason"] for a in amendments} == {"Corrections from the GP"}
    assert {a["by"] for a in amendments} == {"Sarah Khan"}
    assert amendments[0]["at"] == "2026-11-24T11:00:00+00:00"
    assert all(a["at"] == "2026-11-24T11:01:00+00:00" for a in amendments[1:])
    assert list(bundle_validator().iter_errors(export_bundle(store, mid))) == []

    # finalising again is recorded, and a second reopen starts a new run of amendments
    lifecycle.finalise(store, mid, "Sarah Khan")
    lifecycle.reopen(store, mid, "Jo Baker", "One more correction")
    store.set_fields(mid, {"aim": "Agree how to get Sam to school every day, on time."})
    tail = [
        (a["field"], a.get("old"), a.get("new"), a.get("reason"), a.get("by"))
        for a in store.load_meeting(mid)["amendments"][7:]
    ]
    assert tail == [
        ("status", "in review", "final", None, "Sarah Khan"),
        ("status", "final", "in review", "One more correction", "Jo Baker"),
        (
            "aim",
            "Agree how to get Sam to school on time.",
            "Agree how to get Sam to school every day, on time.",
            "One more correction",
            "Jo Baker",
        ),
    ]


def test_amendments_appear_in_the_word_minutes_annex(store, templates, tmp_path):
    from mapm_tui.minutes import export_minutes
    from tests.minutes_fixtures import by_heading, open_docx

    bundle = complete()
    del bundle["meeting"]["aim"]
    mid = load(store, templates, bundle)
    lifecycle.finalise(store, mid, "Jo Baker", [("G-20", "Aim agreed in the invitation letter")])
    lifecycle.reopen(store, mid, "Sarah Khan", "The GP's correction of the review date")
    store.set_fields(mid, {"next_review.date": "2027-01-29"})
    store.update_item(mid, "actions", "act-1", {"due_date": "2026-12-18"})
    lifecycle.finalise(store, mid, "Sarah Khan")

    path = export_minutes(store.load_meeting(mid), store.template_of(mid), tmp_path / "minutes.docx")
    annex = [b[2] for b in by_heading(open_docx(path))["Annex: amendments and overridden findings"] if b[0] == "t"]
    amendments, overrides = annex
    assert amendments[0] == ["When", "By", "What changed", "Before", "After", "Reason"]
    changes = [row[2:] for row in amendments[1:]]
    assert changes == [
        # in words, not the stored field paths and values (issue 14)
        ["Status of the minutes", "Final", "Reopened for amendment", "The GP's correction of the review date"],
        ["Next review: date", "Fri 15 Jan 2027", "Fri 29 Jan 2027", "The GP's correction of the review date"],
        ["Action 1: due date", "Fri 4 Dec 2026", "Fri 18 Dec 2026", "The GP's correction of the review date"],
        ["Status of the minutes", "Reopened for amendment", "Final", "—"],
    ]
    assert {row[1] for row in amendments[1:]} == {"Sarah Khan"}
    assert overrides[1][0].startswith("G-20") and overrides[1][1] == "Aim agreed in the invitation letter"


def test_edits_to_a_meeting_never_finalised_are_not_amendments(store, new_meeting):
    mid = new_meeting(aim="First")
    store.set_fields(mid, {"aim": "Second"})
    store.add_item(mid, "entries", {"kind": "need", "text": "x"})
    assert "amendments" not in store.load_meeting(mid)


# -- distribution (G-51, G-52) -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "sharing, words",
    [
        ({"share_with_family": False, "reason_not_shared": "Would put the child at risk"}, "decided not to share"),
        ({}, "not recorded"),
    ],
)
def test_family_copy_is_refused_unless_the_minutes_are_shared(store, templates, sharing, words):
    bundle = complete(minutes_sharing=sharing)
    mid = load(store, templates, bundle)
    with pytest.raises(LifecycleError, match=words) as info:
        lifecycle.record_distribution(store, mid, "Kerry Jones", "family", "By hand")
    assert "G-52" in str(info.value)
    lifecycle.record_distribution(store, mid, "Sam Teacher", "full", "Secure email")
    assert [d["version"] for d in store.load_meeting(mid)["distribution"]] == ["full"]


def test_distribution_record_checks_its_input(store, templates, new_meeting):
    mid = load(store, templates, complete())
    lifecycle.record_distribution(store, mid, "Kerry Jones", "family", "By hand", sent_at="2026-11-25T09:30:00+00:00")
    assert store.load_meeting(mid)["distribution"][0]["sent_at"] == "2026-11-25T09:30:00+00:00"
    with pytest.raises(BadRequest, match="'full' or 'family'"):
        lifecycle.record_distribution(store, mid, "Kerry Jones", "summary", "By hand")
    with pytest.raises(BadRequest, match="name"):
        lifecycle.record_distribution(store, mid, "  ", "full", "By hand")
    with pytest.raises(BadRequest, match="not a date"):
        lifecycle.record_distribution(store, mid, "Kerry Jones", "full", "By hand", sent_at="yesterday")
    with pytest.raises(LifecycleError, match="end it first"):
        lifecycle.record_distribution(store, new_meeting(), "Kerry Jones", "full", "By hand")


# -- the next meeting --------------------------------------------------------------------------------
def _with_actions() -> dict:
    bundle = complete()
    base = bundle["meeting"]["actions"][0]
    statuses = ["open", "done", "cancelled", "not_done", "partly_done", None]
    actions = []
    for n, status in enumerate(statuses, start=1):
        a = copy.deepcopy(base)
        a.update(id=f"act-{n}", description=f"Action number {n}", due_date="2026-11-30")
        if status:
            a["status"] = status
        actions.append(a)
    actions[3]["owner_attendee_id"] = "att-4"  # a substitute: not invited again, so kept by name
    bundle["meeting"]["actions"] = actions
    return bundle


def test_next_meeting_is_prefilled_and_carries_what_is_not_done(store, templates):
    mid = load(store, templates, _with_actions())
    lifecycle.finalise(store, mid, "Jo Baker")
    new = lifecycle.next_meeting(store, mid, templates)
    m = store.load_meeting(new)
    old = store.load_meeting(mid)
    assert m["status"] == "draft" and m["previous_meeting_id"] == mid
    assert (m["date"], m["start_time"], m["venue"]) == ("2027-01-15", "10:00", "Northfield Primary School")
    for key in ("case_ref", "title", "template", "meeting_type", "convening_agency", "chair", "subjects"):
        assert m[key] == old[key], key
    assert {a["attendance"] for a in m["attendees"]} == {"invited"}
    assert [a["name"] for a in m["attendees"]] == ["Sam Teacher", "Priya Nurse", "Dr Absent", "Kerry Jones"]
    carried = [(a["id"], a["carried_from_action_id"], a["status"], a["description"]) for a in m["actions"]]
    assert carried == [
        ("act-1", "act-1", "open", "Action number 1"),
        ("act-2", "act-4", "open", "Action number 4"),
        ("act-3", "act-5", "open", "Action number 5"),
        ("act-4", "act-6", "open", "Action number 6"),
    ]
    assert m["actions"][1]["owner_name"] == "Dee Standin" and "owner_attendee_id" not in m["actions"][1]
    assert m["actions"][0]["owner_attendee_id"] == "att-2"
    for key in ("aim", "entries", "family", "lead_practitioner", "next_review", "finding_overrides", "finalised_at"):
        assert key not in m, key
    assert store.load_meeting(mid)["status"] == "final"  # the original is untouched (and still locked)
    # the review records progress on the copies
    store.update_item(new, "actions", "act-1", {"status": "done", "progress_note": "Glasses fitted 1 Dec"})
    assert store.load_meeting(new)["actions"][0]["progress_note"] == "Glasses fitted 1 Dec"


def test_next_meeting_only_once_and_only_after_the_meeting(store, templates, new_meeting, clock):
    bundle = _with_actions()
    bundle["meeting"]["next_review"] = {"required": False, "reason_not_required": "Case closing"}
    mid = load(store, templates, bundle)
    new = lifecycle.next_meeting(store, mid)  # in review is enough; no review date: dated today
    assert store.load_meeting(new)["date"] == clock.today().isoformat()
    with pytest.raises(LifecycleError, match=f"{new} already follows"):
        lifecycle.next_meeting(store, mid)
    with pytest.raises(LifecycleError, match="end it"):
        lifecycle.next_meeting(store, new_meeting())
    from mapm_tui.store import NotFound

    with pytest.raises(NotFound):
        lifecycle.next_meeting(store, "m-nope")


# -- open and overdue actions ------------------------------------------------------------------------
def test_overdue_counts_only_the_latest_action_of_each_chain(store, templates):
    mid = load(store, templates, _with_actions())  # every action due 30 Nov 2026
    later = TODAY + dt.timedelta(days=10)
    assert {a.action_id for a in lifecycle.actions(store, overdue_only=True, today=later)} == {
        "act-1",
        "act-4",
        "act-5",
        "act-6",
    }
    assert lifecycle.actions(store, overdue_only=True, today=TODAY) == []
    new = lifecycle.next_meeting(store, mid)
    found = lifecycle.actions(store, overdue_only=True, today=later)
    # the originals are superseded by their copies: each chain counts once, at its latest action
    assert {(a.meeting_id, a.action_id, a.carried_from_action_id) for a in found} == {
        (new, "act-1", "act-1"),
        (new, "act-2", "act-4"),
        (new, "act-3", "act-5"),
        (new, "act-4", "act-6"),
    }
    assert all(a.overdue for a in found)
    assert found[0].number == 1 and found[0].owner == "Priya Nurse" and found[0].case_ref == "EH-2026-0001"
    # done and cancelled at the review: out of the list; a new date: open but not overdue
    store.update_item(new, "actions", "act-1", {"status": "done"})
    store.update_item(new, "actions", "act-2", {"status": "cancelled"})
    store.update_item(new, "actions", "act-3", {"status": "partly_done", "due_date": "2027-01-31"})
    overdue = lifecycle.actions(store, overdue_only=True, today=later)
    assert [(a.meeting_id, a.action_id) for a in overdue] == [(new, "act-4")]
    open_ = lifecycle.actions(store, today=later)
    assert [(a.action_id, a.status, a.overdue) for a in open_] == [
        ("act-4", "open", True),
        ("act-3", "partly_done", False),
    ]


def test_an_action_id_reused_in_an_unrelated_meeting_does_not_supersede(store, templates, new_meeting):
    mid = load(store, templates, _with_actions())
    other = new_meeting(case_ref="OTHER-1")
    store.add_item(
        other, "actions", {"description": "Unrelated", "carried_from_action_id": "act-1", "due_date": "2026-11-01"}
    )
    ids = {(a.meeting_id, a.action_id) for a in lifecycle.actions(store, today=TODAY)}
    assert (mid, "act-1") in ids and (other, "act-1") in ids


def test_undated_actions_are_open_but_never_overdue(store, new_meeting):
    mid = new_meeting()
    store.add_item(mid, "actions", {"description": "No date yet"})
    (a,) = lifecycle.actions(store, today=TODAY)
    assert a.due_date is None and not a.overdue
    assert lifecycle.actions(store, overdue_only=True, today=TODAY) == []


# -- the case view -------------------------------------------------------------------------------------
def test_case_view_lists_meetings_actions_and_carries_disagreement_forward(store, templates):
    first = complete(
        disagreement={
            "any": True,
            "summary": "Health and school disagree on the referral",
            "escalation": "Line managers by 1 Dec",
        }
    )
    first["meeting"]["id"] = "m-case-1"
    mid = load(store, templates, first)
    second = lifecycle.next_meeting(store, mid)
    view = lifecycle.case_meetings(store, "EH-2026-0001", today=TODAY)
    assert [m.id for m in view.meetings] == ["m-case-1", second]
    assert [(d.meeting_id, d.summary) for d in view.disagreements] == [
        ("m-case-1", "Health and school disagree on the referral")
    ]
    assert [(a.meeting_id, a.action_id) for a in view.open_actions] == [(second, "act-1")]
    # the review records nothing about disagreement yet: still carried forward; then "none remains" clears it
    store.set_fields(second, {"disagreement.any": False})
    assert lifecycle.case_meetings(store, "EH-2026-0001").disagreements == []
    assert lifecycle.case_meetings(store, "NO-SUCH-CASE").meetings == []


# -- bundles carry it all ------------------------------------------------------------------------------
def test_bundles_keep_overrides_amendments_and_distribution(store, templates, tmp_path):
    bundle = complete()
    del bundle["meeting"]["aim"]
    mid = load(store, templates, bundle)
    lifecycle.finalise(store, mid, "Jo Baker", [("G-20", "In the invitation")])
    lifecycle.reopen(store, mid, "Sarah Khan", "Review date")
    store.set_fields(mid, {"next_review.date": "2027-01-22"})
    lifecycle.finalise(store, mid, "Sarah Khan")
    lifecycle.record_distribution(store, mid, "Sam Teacher", "full", "Secure email", email="sam.t@example.org")
    lifecycle.record_distribution(store, mid, "Kerry Jones", "family", "By hand")
    exported = export_bundle(store, mid)
    assert list(bundle_validator().iter_errors(exported)) == []
    meeting = exported["meeting"]
    assert (
        len(meeting["finding_overrides"]) == 1 and len(meeting["amendments"]) == 3 and len(meeting["distribution"]) == 2
    )

    other = open_store(Path(tmp_path) / "other.db")
    try:
        assert import_bundle(other, exported, templates) == mid
        again = export_bundle(other, mid)["meeting"]
        for key in ("finding_overrides", "amendments", "distribution", "status", "finalised_at", "finalised_by"):
            assert again[key] == meeting[key], key
        # imported final: still locked, and a reopen there records amendments too
        with pytest.raises(MeetingLocked):
            other.set_fields(mid, {"aim": "x"})
        lifecycle.reopen(other, mid, "Someone", "Checking")
        other.set_fields(mid, {"aim": "Now recorded"})
        assert other.load_meeting(mid)["amendments"][-1]["field"] == "aim"
    finally:
        other.close()


def test_a_reopened_meeting_moved_by_bundle_keeps_amending_with_its_reason(store, templates, tmp_path):
    """The reopen's name and reason travel in the bundle (as its status amendment), so edits made after an
    import into another database are still amendments carrying them."""
    mid = load(store, templates, complete())
    lifecycle.finalise(store, mid, "Jo Baker")
    lifecycle.reopen(store, mid, "Sarah Khan", "Wrong venue")
    exported = export_bundle(store, mid)
    other = open_store(Path(tmp_path) / "elsewhere.db")
    try:
        import_bundle(other, exported, templates)
        other.set_fields(mid, {"next_review.venue": "Family centre"})
        last = other.load_meeting(mid)["amendments"][-1]
        assert (last["field"], last.get("old"), last["new"], last["by"], last["reason"]) == (
            "next_review.venue",
            "Northfield Primary School",
            "Family centre",
            "Sarah Khan",
            "Wrong venue",
        )
    finally:
        other.close()


def test_lifecycle_and_search_import_no_textual():
    import subprocess
    import sys

    code = (
        "import sys, mapm_tui.lifecycle, mapm_tui.search\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'screens', 'docx')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == "[]", result.stdout + result.stderr
