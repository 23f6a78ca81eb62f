"""The shipped sample meetings (sample_data/*.json, installed as mapm_tui.sample_data).

They are read through importlib.resources, the way `mapm demo` reads them, so these tests also prove the
samples ship inside the package. Each must be a valid bundle whose in-bundle references resolve, whose
entries sit under steps of its own template, and which still exercises what it was written to exercise
(the gaps the completeness check should find are deliberate: see DELIBERATE below).
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from mapm_tui.agenda import shipped_templates

EXPECTED = {"hampshire-planning.json", "calderdale-adult-disagreement.json", "hampshire-two-part.json"}

#: Gaps left in on purpose, so the completeness check has something to find (G-31/G-32).
DELIBERATE = {
    # vague wording, an agency with no named person, no need or risk addressed, due after the next review
    ("hampshire-planning.json", "act-4"),
    # no due date ("as soon as possible" in the description): blocks finalising
    ("calderdale-adult-disagreement.json", "act-4"),
}

SHARED_SCHEMA = Path(__file__).parents[2] / "shared" / "meeting-bundle.schema.json"


def _root():
    return resources.files("mapm_tui.sample_data")


def _names() -> list[str]:
    return sorted(p.name for p in _root().iterdir() if p.name.endswith(".json"))


def _load(name: str) -> dict:
    return json.loads(_root().joinpath(name).read_text(encoding="utf-8"))


def _schema() -> dict:
    return json.loads(resources.files("mapm_tui").joinpath("meeting-bundle.schema.json").read_text(encoding="utf-8"))


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


NAMES = _names()


def test_the_samples_ship_in_the_package():
    assert set(NAMES) >= EXPECTED, f"missing: {sorted(EXPECTED - set(NAMES))}"


def test_the_packaged_schema_is_the_shared_contract():
    if not SHARED_SCHEMA.exists():
        pytest.skip(f"{SHARED_SCHEMA} is not beside this clone")
    packaged = resources.files("mapm_tui").joinpath("meeting-bundle.schema.json").read_text(encoding="utf-8")
    assert json.loads(packaged) == json.loads(SHARED_SCHEMA.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", NAMES)
def test_sample_is_a_valid_bundle(name):
    validator = Draft202012Validator(_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(_load(name)), key=lambda e: list(map(str, e.absolute_path)))
    assert [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors] == []


@pytest.mark.parametrize("name", NAMES)
def test_ids_are_unique_and_references_resolve(name):
    meeting = _load(name)["meeting"]
    ids = {}
    for key in ("attendees", "entries", "actions"):
        listed = [item["id"] for item in meeting.get(key, [])]
        assert len(listed) == len(set(listed)), f"{key}: duplicate ids"
        ids[key] = set(listed)
    # and no id is shared between lists, so "act-1" or "ent-3" in the minutes means one thing
    assert not (
        ids["attendees"] & ids["entries"] or ids["entries"] & ids["actions"] or ids["attendees"] & ids["actions"]
    )
    for entry in meeting.get("entries", []):
        if "source_attendee_id" in entry:
            assert entry["source_attendee_id"] in ids["attendees"], entry["id"]
    for action in meeting.get("actions", []):
        if "owner_attendee_id" in action:
            assert action["owner_attendee_id"] in ids["attendees"], action["id"]
        for ref in action.get("addresses", []):
            assert ref in ids["entries"], (action["id"], ref)
    by = (meeting.get("feedback_to_family") or {}).get("by_attendee_id")
    if by is not None:
        assert by in ids["attendees"]


@pytest.mark.parametrize("name", NAMES)
def test_entries_sit_under_steps_of_their_template(name):
    meeting = _load(name)["meeting"]
    template = shipped_templates()[meeting["template"]]
    keys = {s.key for s in template.steps}
    for entry in meeting["entries"]:
        assert entry.get("step") in keys, (entry["id"], entry.get("step"))
        step = template.step(entry["step"])
        if step.kind == "entries" and step.stage is not None:
            assert entry.get("stage") == step.stage, entry["id"]
    for key in meeting.get("step_timings", {}):
        assert key in keys
    if template.subject_kind == "child":
        assert {s["kind"] for s in meeting["subjects"]} == {"child"}


@pytest.mark.parametrize("name", NAMES)
def test_dates_fit_together(name):
    """Meetings in November 2026 (the tests' today is Tue 24 Nov 2026); reviews and due dates after them."""
    meeting = _load(name)["meeting"]
    day = _day(meeting["date"])
    assert (day.year, day.month) == (2026, 11) and day <= dt.date(2026, 11, 24)
    assert meeting["start_time"] < meeting["end_time"]
    review = meeting["next_review"]
    assert review["required"] is True and _day(review["date"]) > day
    for action in meeting["actions"]:
        if "due_date" in action:
            assert _day(action["due_date"]) > day, action["id"]
    for subject in meeting["subjects"]:
        born = _day(subject["date_of_birth"])
        age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        assert (age < 18) == (subject["kind"] == "child"), subject["name"]
    for item in meeting["entries"] + meeting["actions"]:
        stamp = dt.datetime.fromisoformat(item["created_at"])
        assert stamp.tzinfo is not None and stamp.date() <= day


@pytest.mark.parametrize("name", NAMES)
def test_actions_are_smart_except_the_deliberate_gaps(name):
    meeting = _load(name)["meeting"]
    kinds = {e["id"]: e["kind"] for e in meeting["entries"]}
    present = {a["id"] for a in meeting["attendees"] if a["attendance"] in ("present", "substitute")}
    owners = set()
    for action in meeting["actions"]:
        if (name, action["id"]) in DELIBERATE:
            continue
        assert action["owner_attendee_id"] in present, action["id"]
        owners.add(action["owner_attendee_id"])
        assert action.get("due_date") and action.get("success_measure"), action["id"]
        assert _day(action["due_date"]) <= _day(meeting["next_review"]["date"]), action["id"]
        assert any(kinds[ref] in ("need", "risk") for ref in action["addresses"]), action["id"]
        lowered = action["description"].lower()
        assert not any(w in lowered for w in ("monitor", "continue to", "as soon as possible", "asap", "ongoing"))
    assert len(owners) > 1  # not one owner for everything (G-32)


def test_the_deliberate_gaps_are_still_there():
    weak = {a["id"]: a for a in _load("hampshire-planning.json")["meeting"]["actions"]}["act-4"]
    assert "monitor" in weak["description"].lower()
    assert weak.get("agency") and "owner_attendee_id" not in weak and "owner_name" not in weak
    assert not weak.get("addresses")
    assert weak["due_date"] > _load("hampshire-planning.json")["meeting"]["next_review"]["date"]
    undated = {a["id"]: a for a in _load("calderdale-adult-disagreement.json")["meeting"]["actions"]}["act-4"]
    assert "due_date" not in undated and "as soon as possible" in undated["description"]


# ------------------------------------------------------------------------------ what each sample is for


def test_hampshire_planning():
    m = _load("hampshire-planning.json")["meeting"]
    assert (m["id"], m["template"], m["meeting_type"], m["status"]) == (
        "m-2026-hants-001",
        "hampshire",
        "planning",
        "in_review",
    )
    assert len(m["subjects"]) == 1
    assert m["family"]["informed_beforehand"] is True and m["family"]["attending"] == "no"
    assert m["family"]["not_attending_rationale"]
    assert m["feedback_to_family"]["by_attendee_id"] and m["feedback_to_family"]["by_date"]
    assert m["family_meeting"]["considered"] is True
    assert m["lead_practitioner"]["name"] and m["minutes_sharing"]["share_with_family"] is True
    attendance = [a["attendance"] for a in m["attendees"]]
    assert 8 <= len(attendance) <= 10
    assert "written_contribution" in attendance and "substitute" in attendance
    assert any(a["attendance"] == "apologies" for a in m["attendees"])  # G-22: neither substitute nor contribution
    assert {e.get("stage") for e in m["entries"]} >= {"before_meeting", "during_meeting"}
    assert any(e["kind"] == "voice_of_subject" for e in m["entries"])
    assert any(e.get("share_with_family") is False for e in m["entries"])
    assert {e.get("basis") for e in m["entries"]} >= {"fact", "opinion", "unverified"}
    assert len(m["entries"]) >= 14 and len(m["actions"]) >= 5


def test_calderdale_adult_disagreement():
    m = _load("calderdale-adult-disagreement.json")["meeting"]
    assert (m["template"], m["meeting_type"]) == ("calderdale", "professional_disagreement")
    assert m["status"] in ("in_progress", "in_review")
    assert [s["kind"] for s in m["subjects"]] == ["adult_at_risk"]
    assert m["disagreement"]["any"] is True and m["disagreement"]["summary"] and m["disagreement"]["escalation"]
    assert any(a.get("is_expert") for a in m["attendees"])
    assert any(a.get("is_family") for a in m["attendees"])  # the advocate
    steps = {e["step"] for e in m["entries"]}
    assert {"individual_information", "plan_views"} <= steps  # G-21
    assert any(e["kind"] == "voice_of_subject" for e in m["entries"])  # G-12 blocks on Calderdale
    assert m["minutes_sharing"]["share_with_family"] is False and m["minutes_sharing"]["reason_not_shared"]
    assert m["legislation_considered"]


def test_hampshire_two_part():
    m = _load("hampshire-two-part.json")["meeting"]
    assert (m["template"], m["status"], m["family"]["attending"]) == ("hampshire", "in_review", "part_two")
    assert len(m["subjects"]) == 2 and m["previous_meeting_id"]
    family = [a for a in m["attendees"] if a.get("is_family")]
    assert family and all(a["parts"] == "family" for a in family)
    assert any(a.get("parts") == "professionals" for a in m["attendees"])
    parts = {"professionals": [], "family": []}
    for e in m["entries"]:
        if "part" in e:
            parts[e["part"]].append(e)
    assert parts["professionals"] and all(e["share_with_family"] is False for e in parts["professionals"])
    shared = [e for e in parts["family"] if e["share_with_family"]]
    assert len(shared) > len(parts["family"]) / 2 and len(shared) < len(parts["family"])
    carried = [a for a in m["actions"] if a.get("carried_from_action_id")]
    assert {a["status"] for a in carried} == {"done", "partly_done", "not_done"}
    assert all(a.get("progress_note") for a in carried)


@pytest.mark.parametrize("name", NAMES)
def test_samples_are_fictional_and_traceable(name):
    """Invented people and organisations only: e-mail addresses on the reserved .example domain; every entry
    names its source (G-11) and every entry and action says whether the family sees it (G-52)."""
    m = _load(name)["meeting"]
    for attendee in m["attendees"]:
        if "email" in attendee:
            assert attendee["email"].endswith(".example"), attendee["email"]
    for entry in m["entries"]:
        assert (
            entry.get("source_attendee_id")
            or entry.get("source_agency")
            or entry["kind"] in ("how_to_address", "decision")
        ), entry["id"]
        assert isinstance(entry.get("share_with_family"), bool), entry["id"]
    for action in m["actions"]:
        assert isinstance(action.get("share_with_family"), bool), action["id"]
