"""Bundles: import refuses every invalid one and changes nothing; export round-trips."""

from __future__ import annotations

import copy
import json

import pytest

from mapm_tui.bundle import BundleError, export_bundle, import_bundle, problems, read_bundle_file
from mapm_tui.schema import bundle_validator
from tests.samples import load_sample, sample_names


def minimal() -> dict:
    return {
        "format": "mapm-meeting",
        "version": 1,
        "meeting": {
            "id": "m-test-1",
            "template": "hampshire",
            "meeting_type": "planning",
            "status": "in_review",
            "date": "2026-11-20",
            "attendees": [{"id": "att-1", "name": "Sam Teacher", "attendance": "present"}],
            "entries": [{"id": "ent-1", "kind": "need", "text": "Needs glasses", "source_attendee_id": "att-1"}],
            "actions": [
                {"id": "act-1", "description": "Book an eye test", "owner_attendee_id": "att-1", "addresses": ["ent-1"]}
            ],
            "feedback_to_family": {"by_attendee_id": "att-1"},
        },
    }


def _count(store) -> int:
    return len(store.list_meetings())


def test_minimal_bundle_imports_and_keeps_its_ids(store, templates):
    mid = import_bundle(store, minimal(), templates)
    assert mid == "m-test-1"
    m = store.load_meeting(mid)
    assert m["actions"][0]["owner_attendee_id"] == "att-1" and m["entries"][0]["id"] == "ent-1"


BAD = {
    "not an object": (lambda b: [b], "must be a JSON object|must be object"),
    "wrong format": (lambda b: b.update(format="other"), "format"),
    "wrong version": (lambda b: b.update(version=2), "version"),
    "unknown key": (lambda b: b["meeting"].update(colour="blue"), "unknown key 'colour'"),
    "missing date": (lambda b: b["meeting"].pop("date"), "'date' is missing"),
    "bad enum": (lambda b: b["meeting"].update(status="closed"), "'closed' is not one of"),
    "impossible date": (lambda b: b["meeting"].update(date="2026-02-30"), "not a valid date"),
    "bad time": (lambda b: b["meeting"].update(start_time="25:00"), "start_time"),
    "too long": (lambda b: b["meeting"].update(venue="x" * 301), "longer than 300"),
    "empty text": (lambda b: b["meeting"]["entries"][0].update(text=""), "is empty"),
    "duplicate id": (lambda b: b["meeting"]["entries"].append(dict(b["meeting"]["entries"][0])), "used twice"),
    "dangling owner": (
        lambda b: b["meeting"]["actions"][0].update(owner_attendee_id="att-9"),
        "'att-9' is not an attendee",
    ),
    "dangling source": (
        lambda b: b["meeting"]["entries"][0].update(source_attendee_id="att-7"),
        "'att-7' is not an attendee",
    ),
    "dangling addresses": (lambda b: b["meeting"]["actions"][0].update(addresses=["ent-5"]), "'ent-5' is not an entry"),
    "dangling feedback": (
        lambda b: b["meeting"]["feedback_to_family"].update(by_attendee_id="x"),
        "'x' is not an attendee",
    ),
    "bad timestamp": (lambda b: b["meeting"]["entries"][0].update(created_at="yesterday"), "not a valid date-time"),
    "naive timestamp": (lambda b: b["meeting"]["entries"][0].update(created_at="2026-11-20T10:00:00"), "offset"),
    "unknown template": (
        lambda b: b["meeting"].update(template="westshire"),
        "'westshire' is not an installed agenda template",
    ),
    "wrong type": (lambda b: b["meeting"].update(reasons="drift"), "must be array"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_invalid_bundles_are_refused_and_change_nothing(store, templates, case):
    change, message = BAD[case]
    bundle = copy.deepcopy(minimal())
    result = change(bundle)
    if isinstance(result, list):  # the case that replaces the whole bundle
        bundle = result
    before = _count(store)
    with pytest.raises(BundleError, match=message) as info:
        import_bundle(store, bundle, templates)
    assert "nothing was imported" in str(info.value)
    assert "\n" not in str(info.value)
    assert _count(store) == before


def test_a_meeting_id_already_stored_is_refused(store, templates):
    import_bundle(store, minimal(), templates)
    changed = minimal()
    changed["meeting"]["aim"] = "A different aim"
    with pytest.raises(BundleError, match="already stored"):
        import_bundle(store, changed, templates)
    assert "aim" not in store.load_meeting("m-test-1")


def test_a_failure_half_way_writes_nothing(store, templates, monkeypatch):
    """All or nothing: if a row fails after the meeting row was written, the meeting is gone too."""
    from mapm_tui import convert

    real = convert.child_rows

    def broken(meeting_id, data):
        rows = real(meeting_id, data)
        rows["actions"][0].id = rows["entries"][0].id = "dup"
        rows["entries"].append(convert.child_rows(meeting_id, data)["entries"][0])
        rows["entries"][-1].id = "dup"
        return rows

    monkeypatch.setattr("mapm_tui.edits.child_rows", broken)  # insert_meeting lives in edits.py
    with pytest.raises(BundleError):
        import_bundle(store, minimal(), templates)
    assert _count(store) == 0


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\xff\xfe not utf-8", "not UTF-8"),
        (b"{ not json", "not valid JSON .* line 1"),
    ],
)
def test_unreadable_files_get_one_sentence(tmp_path, content, message):
    path = tmp_path / "b.json"
    path.write_bytes(content)
    with pytest.raises(BundleError, match=message):
        read_bundle_file(path)


def test_missing_file(tmp_path):
    with pytest.raises(BundleError, match="no such file"):
        read_bundle_file(tmp_path / "missing.json")


def _strip_volatile(meeting: dict) -> dict:
    return json.loads(json.dumps(meeting))


@pytest.mark.parametrize("name", sample_names())
def test_every_sample_round_trips(store, templates, name, tmp_path):
    original = load_sample(name)
    assert problems(original, templates) == []
    mid = import_bundle(store, original, templates)
    exported = export_bundle(store, mid)
    assert list(bundle_validator().iter_errors(exported)) == []
    assert _normalise(exported["meeting"]) == _normalise(original["meeting"])
    # and once more through a second database: the same meeting again
    from mapm_tui.store import open_store

    other = open_store(tmp_path / "other.db")  # beside the test's own file (a SQLite file whatever `store` is)
    import_bundle(other, exported, templates)
    assert _normalise(export_bundle(other, mid)["meeting"]) == _normalise(exported["meeting"])
    other.close()


def _normalise(meeting: dict) -> dict:
    """Timestamps compare as instants (the store keeps UTC)."""
    import datetime as dt

    def fix(value):
        if isinstance(value, dict):
            return {k: fix(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fix(v) for v in value]
        if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T":
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        return value

    return fix(meeting)


def test_export_of_an_app_made_meeting_validates(store, templates, new_meeting):
    mid = new_meeting(case_ref="C-1", aim="Agree a plan", **{"family.attending": "no"})
    att = store.add_item(mid, "attendees", {"name": "Jo Nurse", "attendance": "present"})
    ent = store.add_item(mid, "entries", {"kind": "risk", "text": "Bad\x00 paste \ud800", "source_attendee_id": att})
    store.add_item(mid, "actions", {"description": "Visit", "owner_attendee_id": att, "addresses": [ent]})
    store.add_step_time(mid, "aim", 95)
    bundle = export_bundle(store, mid)
    assert list(bundle_validator().iter_errors(bundle)) == []
    assert bundle["meeting"]["step_timings"] == {"aim": 95}
    json.dumps(bundle, ensure_ascii=False).encode("utf-8")  # no lone surrogates left to fail encoding


def test_root_extensions_are_kept(store, templates):
    bundle = minimal()
    bundle["extensions"] = {"org.example": {"x": 1}}
    bundle["meeting"]["extensions"] = {"org.example": {"y": 2}}
    import_bundle(store, bundle, templates)
    out = export_bundle(store, "m-test-1")
    assert out["extensions"] == {"org.example": {"x": 1}}
    assert out["meeting"]["extensions"] == {"org.example": {"y": 2}}


def test_a_final_bundle_imports_locked(store, templates):
    bundle = minimal()
    bundle["meeting"]["status"] = "final"
    import_bundle(store, bundle, templates)
    from mapm_tui.store import MeetingLocked

    with pytest.raises(MeetingLocked):
        store.set_fields("m-test-1", {"aim": "x"})
