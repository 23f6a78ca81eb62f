"""Getting the minutes right and out (issue 14: G-53 checking, G-54 handling, G-51 who gets which version),
read back from the .docx, and the records kept through the store and a bundle."""

from __future__ import annotations

import datetime as dt

import pytest

from mapm_tui.minutes import export_minutes, export_version
from mapm_tui.minutes.accuracy import AccuracyError, accuracy, add_correction, agree_final_text, request_check
from mapm_tui.minutes.extras import save_extras
from mapm_tui.settings import Settings
from tests.minutes_fixtures import (
    all_text,
    body_blocks,
    calderdale,
    calderdale_adult_meeting,
    full_meeting,
    hampshire,
    open_docx,
    table_with,
)

TODAY = dt.date(2026, 11, 24)  # Tue 24 Nov 2026


def docx(tmp_path, meeting, name="m.docx", template=None, **kw):
    path = tmp_path / name
    export_minutes(meeting, template or hampshire(), path, **kw)
    return open_docx(path)


def section(doc, title: str) -> list[str]:
    out, inside = [], False
    for kind, style, value in body_blocks(doc):
        if kind == "p" and style == "Heading 1":
            inside = value == title
        elif inside:
            out.append(value if kind == "p" else value)
    return out


def draft():
    m = full_meeting()
    m["status"] = "in_review"
    return m


# ------------------------------------------------------------------------------------------------- G-53


def test_draft_minutes_ask_for_corrections_by_a_date_in_working_days(tmp_path):
    m = draft()
    text = all_text(docx(tmp_path, m))
    assert (
        "Please check these minutes for accuracy, and the actions that are yours, and send any corrections to "
        "Sarah Khan, Hampshire Children's Services within 10 working days of receiving them." in text
    )
    m["extensions"] = request_check(m, TODAY, Settings(corrections_days="10"))
    assert accuracy(m)["corrections_by"] == "2026-12-08"
    text = all_text(docx(tmp_path, m, name="requested.docx"))
    assert "send any corrections to Sarah Khan, Hampshire Children's Services by Tue 8 Dec 2026." in text
    assert "Sent for checking on Tue 24 Nov 2026." in text
    # in Scotland St Andrew's Day (Mon 30 Nov) is not a working day
    scot = request_check(m, TODAY, Settings(corrections_days="10", nation="scotland"))
    assert scot["mapm_minutes"]["accuracy"]["corrections_by"] == "2026-12-09"


def test_corrections_received_and_who_agreed_the_text_are_recorded(tmp_path):
    m = draft()
    m["extensions"] = add_correction(m, "Priya Shah", "2026-11-30", "Amy's date of birth is 5 March", True)
    m["extensions"] = add_correction(m, "Paul Reid", dt.date(2026, 12, 1), "The police visit was in September")
    m["extensions"] = agree_final_text(m, "Sarah Khan", "Chair", "2026-12-02")
    doc = docx(tmp_path, m)
    rows = table_with(doc, "From")
    assert rows[1:] == [
        ["Priya Shah", "Mon 30 Nov 2026", "Amy's date of birth is 5 March", "Yes"],
        ["Paul Reid", "Tue 1 Dec 2026", "The police visit was in September", "Not recorded"],
    ]
    assert "The final text was agreed by Sarah Khan, Chair on Wed 2 Dec 2026." in all_text(doc)
    assert "Sign-off" not in all_text(doc)  # not final yet


def test_final_minutes_carry_a_sign_off(tmp_path):
    m = full_meeting()  # final, finalised by Sarah Khan
    m["extensions"] = agree_final_text(m, "Sarah Khan", "Practice manager (chair)", "2026-12-02")
    lines = section(docx(tmp_path, m), "Checking these minutes")
    assert lines[:4] == [
        "Sign-off",
        "Approved by: Sarah Khan",
        "Role: Practice manager (chair)",
        "Date: Wed 2 Dec 2026",
    ]
    assert not any("Please check" in x for x in lines)  # no request in final minutes
    m.pop("extensions")
    lines = section(docx(tmp_path, m, name="no-agreement.docx"), "Checking these minutes")
    assert lines[1] == "Approved by: Sarah Khan" and lines[2] == "Role: Not recorded"


@pytest.mark.parametrize(
    ("call", "says"),
    [
        (lambda m: add_correction(m, "", "2026-11-30", "x"), "Give who sent the correction"),
        (lambda m: add_correction(m, "Jo", "30/11/2026", "x"), "'30/11/2026' is not a date such as 2026-11-30"),
        (lambda m: add_correction(m, "Jo", "2026-11-30", "  "), "Say what the correction is"),
        (lambda m: agree_final_text(m, "Sarah", "", "2026-12-02"), "Give their role"),
    ],
)
def test_bad_accuracy_records_are_refused_with_one_sentence(call, says):
    m = draft()
    with pytest.raises(AccuracyError, match=says):
        call(m)
    assert "extensions" not in m  # nothing half-changed


def test_the_records_survive_the_store_and_a_bundle(store, new_meeting, templates):
    from mapm_tui.bundle import export_bundle

    meeting_id = new_meeting("hampshire")
    m = store.load_meeting(meeting_id)
    save_extras(store, meeting_id, add_correction(m, "Jo Baker", "2026-11-30", "Spelling of a name", True))
    again = store.load_meeting(meeting_id)
    assert accuracy(again)["corrections"][0]["from"] == "Jo Baker"
    bundle = export_bundle(store, meeting_id)  # validated against the schema on the way out
    assert bundle["meeting"]["extensions"]["mapm_minutes"]["accuracy"]["corrections"][0]["accepted"] is True


# ------------------------------------------------------------------------------------------------- G-54


def test_a_handling_statement_under_the_marking_names_the_lawful_basis(tmp_path):
    blocks = body_blocks(docx(tmp_path, full_meeting()))
    handling = blocks[2][2]
    assert handling.startswith("Handle as OFFICIAL-SENSITIVE. These minutes are shared between the agencies")
    assert "safeguard and promote the welfare of Amy Jones and Ben Jones" in handling
    assert "Article 6(1)(e)" in handling and "not consent" in handling
    adult = body_blocks(docx(tmp_path, calderdale_adult_meeting(), name="adult.docx", template=calderdale()))[2][2]
    assert "with their consent where possible" in adult
    own = Settings(handling_statement="Handle as {marking}: Westmoor information sharing agreement applies.")
    blocks = body_blocks(docx(tmp_path, full_meeting(), name="own.docx", settings=own))
    assert blocks[2][2] == "Handle as OFFICIAL-SENSITIVE: Westmoor information sharing agreement applies."


# ------------------------------------------------------------------------------------------------- G-51


def test_someone_at_one_part_only_gets_the_minutes_of_that_part(tmp_path):
    m = full_meeting()
    path = export_version(m, hampshire(), tmp_path / "part-one.docx", "part_professionals")
    doc = open_docx(path)
    text = all_text(doc)
    assert body_blocks(doc)[0][2].endswith(": the professionals-only part")
    part_two = [e["text"] for e in m["entries"] if e.get("part") == "family"]
    part_one = [e["text"] for e in m["entries"] if e.get("part") == "professionals"]
    assert part_two and part_one
    assert not any(t in text for t in part_two)
    assert all(t in text for t in part_one)
