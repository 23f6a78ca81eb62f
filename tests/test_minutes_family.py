"""The family's copy of the minutes (issue 14, "The family copy"; design.md "The family version"), read back
from the .docx: only what design.md lists and what the chair marked to share, in words a parent reads."""

from __future__ import annotations

import re

import pytest

from mapm_tui.agenda import shipped_templates
from mapm_tui.minutes import export_minutes
from mapm_tui.minutes.extras import set_family_field
from mapm_tui.minutes.layout import NOTHING, NOTHING_FAMILY
from mapm_tui.settings import Settings
from tests.minutes_fixtures import all_text, body_blocks, full_meeting, hampshire, open_docx, package_xml, table_with
from tests.samples import load_sample, sample_names


def family_copy(tmp_path, meeting, template=None, name="family.docx", **kw):
    path = tmp_path / name
    export_minutes(meeting, template or hampshire(), path, family=True, **kw)
    return path, open_docx(path)


def full_copy(tmp_path, meeting, template=None, name="full.docx", **kw):
    path = tmp_path / name
    export_minutes(meeting, template or hampshire(), path, **kw)
    return path, open_docx(path)


def shared_meeting() -> dict:
    m = full_meeting()
    m["minutes_sharing"] = {"share_with_family": True, "fii_concern": False}
    return m


def test_free_text_outside_the_list_needs_the_chairs_own_decision(tmp_path):
    m = shared_meeting()
    m["introductions"] = "This meeting is professionals-only because of FII concerns (INTRO-FII)"
    m["family_meeting"] = {"considered": True, "outcome": "Not appropriate while FII concerns are clarified (FGC-FII)"}
    path, doc = family_copy(tmp_path, m)
    xml = package_xml(path)
    assert "INTRO-FII" not in xml and "FGC-FII" not in xml
    assert "Family meeting considered: Yes" in all_text(doc)  # the decision itself is on design.md's list
    m["extensions"] = set_family_field(m, "introductions", True)
    m["extensions"] = set_family_field(m, "family_meeting.outcome", True)
    text = all_text(family_copy(tmp_path, m, name="shared.docx")[1])
    assert "INTRO-FII" in text and "FGC-FII" in text


def test_a_disagreement_meeting_is_named_neutrally_in_the_family_copy(tmp_path):
    m = shared_meeting()
    m["meeting_type"] = "professional_disagreement"
    path, doc = family_copy(tmp_path, m)
    assert "disagreement" not in package_xml(path).lower()
    details = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
    assert details["Meeting type"] == "Multi-agency professionals' meeting"
    assert "Meeting to resolve professional disagreement" in all_text(full_copy(tmp_path, m)[1])


def _section_text(doc, heading_end: str) -> list[str]:
    out, inside = [], False
    for kind, style, value in body_blocks(doc):
        if kind == "p" and style == "Heading 1":
            inside = value.endswith(heading_end)
        elif inside and kind == "p":
            out.append(value)
    return out


def test_nothing_recorded_is_said_as_in_the_full_copy(tmp_path):
    m = shared_meeting()
    # nothing at all recorded under "Additional or new information"; one unshared entry before the meeting
    m["entries"] = [{"id": "u1", "kind": "risk", "text": "Not for the family", "step": "known_before"}]
    m["actions"] = [a for a in m["actions"] if a.get("addresses") != ["e3"]]
    for a in m["actions"]:
        a["addresses"] = []
    _, fam = family_copy(tmp_path, m)
    _, full = full_copy(tmp_path, m)
    assert _section_text(full, "Additional or new information from all agencies") == [NOTHING]
    assert _section_text(fam, "Additional or new information from all agencies") == [NOTHING]
    # a step whose entries were all left out says so, and only then
    assert _section_text(fam, "Strengths, needs and risks identified before the meeting") == [NOTHING_FAMILY]


def test_actions_keep_one_numbering_in_both_copies(tmp_path):
    m = shared_meeting()
    _, full = full_copy(tmp_path, m)
    _, fam = family_copy(tmp_path, m)
    full_numbers = {r[1]: r[0] for r in table_with(full, "No.")[1:]}
    family_rows = table_with(fam, "No.")[1:]
    assert family_rows and all(full_numbers[r[1]] == r[0] for r in family_rows)
    assert [r[0] for r in family_rows] == [str(n) for n in range(1, len(family_rows) + 1)]  # no gaps


def test_the_family_copy_opens_with_plain_words_and_who_to_contact(tmp_path):
    m = shared_meeting()
    _, doc = family_copy(tmp_path, m)
    blocks = body_blocks(doc)
    assert blocks[2][2].startswith("These minutes are about your family")  # the handling statement (G-54)
    assert blocks[3] == ("p", "Heading 2", "About these minutes")
    opening = " ".join(b[2] for b in blocks[4:7])
    assert "the parts of the minutes that are shared with you" in opening
    assert "contact the chair of the meeting, Sarah Khan, Hampshire Children's Services" in opening
    assert "If you disagree with a decision" in opening
    settings = Settings(family_contact="the Early Help duty team on 01962 000000")
    _, doc = family_copy(tmp_path, m, name="contact.docx", settings=settings)
    assert "contact the Early Help duty team on 01962 000000" in all_text(doc)
    assert "About these minutes" not in all_text(full_copy(tmp_path, m)[1])


def test_no_jargon_tags_in_the_family_copy(tmp_path):
    _, doc = family_copy(tmp_path, shared_meeting())
    bullets = [b[2] for b in body_blocks(doc) if b[1] == "List Bullet"]
    assert bullets
    assert not [b for b in bullets if re.search(r"(— |; )(fact|opinion|unverified)\b", b)]
    assert any(b.endswith("; this is an opinion") for b in bullets)
    assert not any(" — Source: " in b for b in bullets)


def test_the_reason_no_review_is_needed_is_kept(tmp_path):
    m = shared_meeting()
    m["next_review"] = {"required": False, "reason_not_required": "The family is now supported by the school"}
    text = all_text(family_copy(tmp_path, m)[1])
    assert "Next review: No review meeting is needed." in text
    assert "Why none is needed: The family is now supported by the school" in text


# ----------------------------------------------------------------------------------------------- leak test

#: Keys whose strings are not free text (ids, enums, dates, times, references): they get no marker.
NOT_TEXT = {
    "id", "kind", "stage", "basis", "part", "status", "attendance", "parts", "template", "meeting_type",
    "reasons", "other_procedure", "step", "addresses", "date", "due_date", "by_date", "date_of_birth", "time",
    "start_time", "end_time", "created_at", "finalised_at", "at", "sent_at", "version", "rule", "field",
    "source_attendee_id", "owner_attendee_id", "by_attendee_id", "carried_from_action_id", "previous_meeting_id",
    "protective_marking", "extensions", "step_timings",
}  # fmt: skip

#: What design.md lets the family copy show, by field path (entries and actions: only shared ones).
ALLOWED = (
    r"case_ref", r"venue", r"chair\.(name|role|agency)", r"subjects\[\d+\]\.name",
    r"attendees\[\d+\]\.(name|role|agency|substitute_for)", r"aim",
    r"lead_practitioner\.(name|agency)", r"feedback_to_family\.(by_name|method)",
    r"next_review\.(venue|reason_not_required)",
)  # fmt: skip
SHARED_ITEM = (
    r"entries\[(\d+)\]\.(text|source_agency)",
    r"actions\[(\d+)\]\.(description|success_measure|owner_name|agency|progress_note)",
)


def _mark(value, path: str, markers: dict[str, str]):
    """Every free-text string replaced by a unique marker; `markers` maps marker -> field path."""
    if isinstance(value, dict):
        return {k: v if k in NOT_TEXT else _mark(v, f"{path}.{k}" if path else k, markers) for k, v in value.items()}
    if isinstance(value, list):
        return [_mark(v, f"{path}[{n}]", markers) for n, v in enumerate(value)]
    if isinstance(value, str):
        marker = f"MK{len(markers):04d}X"
        markers[marker] = path
        return f"{marker} {value}"[:300]
    return value


def _allowed(path: str, meeting: dict) -> bool:
    if any(re.fullmatch(p, path) for p in ALLOWED):
        return True
    for pattern in SHARED_ITEM:
        m = re.fullmatch(pattern, path)
        if m:
            kind = path.split("[", 1)[0]
            item = meeting[kind][int(m.group(1))]
            return item.get("share_with_family") is True and item.get("kind") != "disagreement"
    return False


def _everything_recorded(meeting: dict) -> dict:
    """The meeting with every free-text field of the bundle filled in (those the sample leaves empty too)."""
    m = dict(meeting)
    for name in ("aim", "introductions", "existing_plan_reviewed", "legislation_considered", "reasons_detail",
                 "other_procedure_reason", "title", "convening_agency"):  # fmt: skip
        m.setdefault(name, f"{name} text")
    m["family_meeting"] = {"considered": False, "outcome": "Not appropriate while FII concerns are clarified"}
    m["lead_practitioner"] = {**(m.get("lead_practitioner") or {}), "note": "a note", "changed": True}
    m["disagreement"] = {"any": True, "summary": "summary", "escalation": "escalation"}
    fam = dict(m.get("family") or {})
    fam.update(not_informed_reason="why not told", objection_response="response", not_attending_rationale="why")
    m["family"] = fam
    m["minutes_sharing"] = {
        "share_with_family": True, "reason_not_shared": "was not shared", "fii_concern": True,
        "senior_consulted": "Dr Named",
    }  # fmt: skip
    m["feedback_to_family"] = {"by_name": "Jo", "method": "visit", "not_needed_reason": "not needed because"}
    for person in ("minute_taker", "authorised_by"):
        m[person] = {"name": f"{person} name", "role": "role", "agency": "agency"}
    m["distribution"] = [{"name": "Someone", "email": "someone@example.org", "version": "full"}]
    m["amendments"] = [{"at": "2026-11-24T10:00:00+00:00", "by": "Chair", "field": "aim", "old": "a", "new": "b",
                        "reason": "why"}]  # fmt: skip
    m["finding_overrides"] = [{"rule": "G-40:family_meeting", "reason": "why", "by": "Chair"}]
    for a in m.get("actions") or []:
        a.setdefault("progress_note", "progress")
    return m


MEETINGS = {
    "full": lambda: full_meeting(),
    **{name: (lambda name=name: load_sample(name)["meeting"]) for name in sample_names()},
}


@pytest.mark.parametrize("name", sorted(MEETINGS))
@pytest.mark.parametrize("no_review", [False, True])
def test_no_marker_that_design_md_does_not_allow_reaches_the_family_copy(tmp_path, name, no_review):
    meeting = _everything_recorded(MEETINGS[name]())
    if no_review:
        meeting["next_review"] = {"required": False, "reason_not_required": "no review because"}
    markers: dict[str, str] = {}
    marked = _mark(meeting, "", markers)
    path = tmp_path / "family.docx"
    export_minutes(marked, shipped_templates()[meeting["template"]], path, family=True)
    xml = package_xml(path)
    found = {markers[m] for m in re.findall(r"MK\d{4}X", xml)}
    leaked = sorted(p for p in found if not _allowed(p, meeting))
    assert leaked == []
    # and the test sees what it should: the allowed fields that hold text do reach the family
    assert "aim" in found and any(p.startswith("entries[") for p in found)
