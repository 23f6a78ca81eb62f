"""What goes where in the minutes, without Word (mapm_tui.minutes.layout); G-11, G-12, G-50, G-52."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mapm_tui.minutes import build_layout, default_filename
from mapm_tui.minutes.layout import NOTHING, NOTHING_FAMILY, Fields, Para
from tests.minutes_fixtures import SHARED, UNSHARED, calderdale, calderdale_adult_meeting, full_meeting, hampshire


def test_importing_minutes_does_not_import_python_docx():
    code = "import sys, mapm_tui.minutes; assert 'docx' not in sys.modules, 'python-docx imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_steps_in_template_order_then_other_distribution_annex():
    lay = build_layout(full_meeting(), hampshire())
    keys = [s.key for s in lay.sections]
    assert keys == [s.key for s in hampshire().steps] + ["other", "checking", "distribution", "annex"]
    assert [s.number for s in lay.sections[:3]] == [1, 2, 3]
    assert lay.section("other").number is None


def test_entries_go_to_their_step_home_step_or_other_information():
    lay = build_layout(full_meeting(), hampshire())
    assert lay.section("known_before").entry_ids() == ["e1", "e2", "e3"]
    # e13 names a step the template does not have: its kind's home (referral -> new information)
    assert lay.section("new_information").entry_ids() == ["e4", "e5", "e6", "e7", "e13"]
    # e12 has no step: a strength during the meeting belongs to "identified during"
    assert lay.section("identified_during").entry_ids() == ["e12", "e8"]
    assert lay.section("plan").entry_ids() == ["e10"]
    assert lay.section("disagreement").entry_ids() == ["e11"]
    # family_view has no home in Hampshire
    assert lay.section("other").entry_ids() == ["e14"]
    placed = [i for s in lay.sections for i in s.entry_ids()]
    assert sorted(placed) == sorted(e["id"] for e in full_meeting()["entries"])  # nothing missing, nothing twice


def test_strengths_needs_risks_grouped_and_labelled_by_stage_with_source_and_basis():
    lay = build_layout(full_meeting(), hampshire())
    groups = lay.section("known_before").groups()
    assert [g.title for g in groups] == [
        "Strengths identified before the meeting",
        "Needs identified before the meeting",
        "Risks identified before the meeting",
    ]
    strength, need, risk = (g.items[0] for g in groups)
    assert strength.meta == "Source: Oak Primary School; fact"
    assert need.meta == "Source: Southern Health (Priya Shah); opinion"  # agency from the attendee
    assert risk.meta == "Source: Hampshire Constabulary (Paul Reid); fact; said in the professionals-only part"
    during = [g.title for g in lay.section("identified_during").groups()]
    assert during == ["Strengths identified during the meeting", "Risks identified during the meeting"]


def test_information_grouped_by_agency_and_voice_of_the_child_on_its_own():
    lay = build_layout(full_meeting(), hampshire())
    groups = {g.title: g for g in lay.section("new_information").groups()}
    assert list(groups) == [
        "Information from Hampshire Constabulary",
        "Information from Oak Primary School",
        "Voice of the child",
        "Referrals",
    ]
    assert [i.entry_id for i in groups["Voice of the child"].items] == ["e6", "e7"]
    assert groups["Information from Hampshire Constabulary"].items[0].meta.startswith("Source: Paul Reid; fact")


def test_voice_of_the_adult_for_an_adult_at_risk_and_home_steps_in_calderdale():
    lay = build_layout(calderdale_adult_meeting(), calderdale())
    assert [g.title for g in lay.section("individual_information").groups()] == ["Voice of the adult"]
    # c2 and c3 have no step: Calderdale's needs, strengths and risks step takes them
    assert lay.section("needs_strengths_risks").entry_ids() == ["c2", "c3"]
    assert lay.section("action_plan").blocks == [Para(NOTHING)]
    assert lay.details.get("Subject") == "Edith Marsh (adult at risk; born Wed 30 Jul 1941)"


def test_details_block_full_copy():
    d = build_layout(full_meeting(), hampshire()).details
    assert d.as_table
    assert d.get("Meeting type") == "Planning meeting"
    assert d.get("Case reference") == "CSC/2026/0412"
    assert d.get("Subjects") == "Amy Jones (born Sat 5 Mar 2016, aged 10)\nBen Jones (date of birth not recorded)"
    assert d.get("Date") == "Fri 20 Nov 2026"
    assert d.get("Time") == "10:00–11:30"
    assert d.get("Chair") == "Sarah Khan, Practice manager, Hampshire Children's Services"
    assert d.get("Minute-taker") == "Tom Price, Business support, Hampshire Children's Services"
    assert d.get("Convening agency") == "Hampshire Children's Services"
    assert d.get("Authorised by") == "Helen Ward, Team manager, Hampshire Children's Services"
    assert d.get("Reasons for holding the meeting") == (
        "Drift or no progress (a stuck case)\nProfessional disagreement\nDetails: " + UNSHARED["reasons_detail"]
    )
    told = d.get("Family told beforehand")
    assert told.startswith("No, the family was not told about the meeting beforehand.")
    assert UNSHARED["not_informed_reason"] in told and "The invited agencies agreed" in told
    assert UNSHARED["objection_response"] in told
    assert (
        d.get("Family attending")
        == "For the second part only\nWhy not throughout: " + UNSHARED["not_attending_rationale"]
    )
    assert UNSHARED["other_procedure_reason"] in d.get("Another procedure considered")
    assert d.get("Status of these minutes") == "Final: finalised on Sat 21 Nov 2026 09:15 by Sarah Khan"


def test_action_rows_owner_due_measure_addresses_status():
    lay = build_layout(full_meeting(), hampshire())
    (table,) = lay.section("plan").tables("actions")
    assert table.columns == ("No.", "Action", "Owner", "Due", "How we will know it is done", "Addresses", "Status")
    r1, r2, r3, r4 = table.rows
    assert r1[:5] == (
        "1",
        SHARED["action"],
        "Jo Baker\nHampshire Children's Services",
        "Fri 4 Dec 2026",
        SHARED["action_measure"],
    )
    assert r1[5] == (
        "• Need: Amy needs a stable bedtime routine (SHARED-NEED-2)\n• Risk: Mother's new partner has a "
        "conviction for assault (UNSHARED-RISK-1)"
    )
    assert r1[6] == "Open"
    # the actions shared with the family come first (one numbering in both copies)
    assert r2[2] == "Ian Ford\nWinchester City Council"
    assert r3[2] == "Paul Reid\nHampshire Constabulary"
    # an earlier action: its status here, its progress in the review of earlier actions
    assert r2[6] == "Partly done\nCarried over (see the review of earlier actions)"
    assert r4[2:5] == ("Oak Primary School", "Not set", "Not recorded")
    assert r4[6] == "Done"


def test_family_copy_keeps_only_what_is_shared():
    lay = build_layout(full_meeting(), hampshire(), family=True)
    keys = [s.key for s in lay.sections]
    assert "disagreement" not in keys and "minutes_sharing" not in keys
    assert "distribution" not in keys and "annex" not in keys
    assert keys[:3] == ["details", "attendance", "aim"]  # introductions: not on design.md's list, not shared
    assert [s.number for s in lay.sections if s.number] == list(range(1, len(keys)))  # renumbered, "other" last
    text = "\n".join(lay.texts())
    for marker in UNSHARED.values():
        assert marker not in text
    for marker in SHARED.values():
        assert marker in text
    assert "professionals-only part" not in text
    assert lay.details.get("Reasons for holding the meeting") is None
    assert lay.details.get("Family told beforehand") is None
    assert lay.title.endswith("the family's copy")


def test_family_copy_renumbers_actions_and_addresses_only_shared_entries():
    lay = build_layout(full_meeting(), hampshire(), family=True)
    (table,) = lay.section("plan").tables("actions")
    assert [r[0] for r in table.rows] == ["1", "2"]
    assert table.rows[0][1] == SHARED["action"]
    assert table.rows[0][5] == "Need: Amy needs a stable bedtime routine (SHARED-NEED-2)"
    assert table.rows[1][1] == "Landlord to treat the damp in the bedroom"


def test_family_copy_attendance_has_no_part_column_and_nothing_line_is_neutral():
    m = full_meeting()
    for e in m["entries"]:
        if e.get("step") == "addressing_needs":
            e["share_with_family"] = False
    lay = build_layout(m, hampshire(), family=True)
    (att,) = lay.section("attendance").tables("attendance")
    assert "Part attended" not in att.columns
    assert lay.section("addressing_needs").blocks == [Para(NOTHING_FAMILY)]


def test_lead_practitioner_note_is_left_out_of_the_family_copy_and_the_no_review_reason_kept():
    m = full_meeting()
    m["next_review"] = {"required": False, "reason_not_required": "Case closes (NO-REVIEW-REASON)"}
    full = build_layout(m, hampshire())
    fam = build_layout(m, hampshire(), family=True)
    assert full.section("next_review").blocks[0] == Fields(
        (("Next review", "No review meeting is needed."), ("Why none is needed", "Case closes (NO-REVIEW-REASON)"))
    )
    assert fam.section("next_review").blocks[0] == full.section("next_review").blocks[0]
    assert "Note" not in dict(fam.section("lead_practitioner").blocks[0].rows)


def test_feedback_step_left_out_of_family_copy_when_only_a_reason_is_recorded():
    m = full_meeting()
    m["feedback_to_family"] = {"not_needed_reason": "They were there throughout (FEEDBACK-WHY)"}
    fam = build_layout(m, hampshire(), family=True)
    assert fam.section("feedback_to_family") is None
    full = build_layout(m, hampshire())
    assert (
        full.section("feedback_to_family").blocks[0].get("Not needed because")
        == "They were there throughout (FEEDBACK-WHY)"
    )


def test_fields_without_a_step_and_closing_records_without_a_step_go_to_other_information():
    m = full_meeting()
    m["introductions"] = "Round the table (INTRO-TEXT)"
    lay = build_layout(m, calderdale())  # Calderdale has no introductions or family meeting step
    other = lay.section("other").texts()
    assert "Introductions" in other and "Round the table (INTRO-TEXT)" in other
    assert "Has a family meeting been considered?" in other
    assert "Legislation and statutory guidance considered" in other


def test_empty_step_says_so_in_one_line():
    m = full_meeting()
    m["actions"] = []
    lay = build_layout(m, hampshire())
    plan = lay.section("plan")
    assert plan.tables() == [] and plan.entry_ids() == ["e10"]
    m["entries"] = []
    assert build_layout(m, hampshire()).section("plan").blocks == [Para(NOTHING)]


def test_overridden_findings_are_made_readable():
    (overrides,) = build_layout(full_meeting(), hampshire()).section("annex").tables("overrides")
    assert overrides.rows[0][0] == "G-31 (SMART action), action 4 (Share the attendance record every month)"
    assert overrides.rows[1][0].startswith("G-22 (apologies), attendee Rita Moss: Sent apologies with neither")
    assert overrides.rows[1][3] == "—"


def test_distribution_lists_attendees_with_email_and_the_family_when_shared():
    lay = build_layout(full_meeting(), hampshire())
    dist = lay.section("distribution").tables("distribution")[0]
    assert [r[0] for r in dist.rows] == [a["name"] for a in full_meeting()["attendees"]]
    copies = {r[0]: r[2] for r in dist.rows}
    assert copies["Kerry Jones"] == "Family copy" and copies["Jo Baker"] == "Full minutes"
    assert copies["Priya Shah"] == "Minutes of the professionals-only part"  # at part one only
    m = full_meeting()
    m["minutes_sharing"] = {"share_with_family": False, "reason_not_shared": "x"}
    dist = build_layout(m, hampshire()).section("distribution").tables("distribution")[0]
    copies = {r[0]: r[2] for r in dist.rows}
    assert copies["Kerry Jones"] == "No copy (the chair decided not to share the minutes with the family (G-52))"


@pytest.mark.parametrize(
    ("meeting", "family", "expected"),
    [
        (
            {"case_ref": "CSC/2026/0412", "date": "2026-11-20", "id": "m1"},
            False,
            "minutes-CSC-2026-0412-2026-11-20.docx",
        ),
        (
            {"case_ref": "CSC/2026/0412", "date": "2026-11-20", "id": "m1"},
            True,
            "minutes-CSC-2026-0412-2026-11-20-family.docx",
        ),
        ({"case_ref": "  ", "date": "2026-11-20", "id": "m-0001"}, False, "minutes-m-0001-2026-11-20.docx"),
        (
            {"case_ref": "../../etc/passwd\x00", "date": "2026-11-20", "id": "x"},
            False,
            "minutes-etc-passwd-2026-11-20.docx",
        ),
        (
            {"case_ref": "ASC 77/2026 (b)", "date": "2026-10-02", "id": "x"},
            False,
            "minutes-ASC-77-2026-b-2026-10-02.docx",
        ),
        ({"id": "m9", "date": "2026-01-02"}, False, "minutes-m9-2026-01-02.docx"),
    ],
)
def test_default_filename(meeting, family, expected):
    assert default_filename(meeting, family) == expected


def test_default_filename_holds_no_subject_name():
    m = full_meeting()
    name = default_filename(m, False)
    assert "Amy" not in name and "Jones" not in name
