"""The Word minutes as written: each exported document opened with python-docx and checked field by field
(issue 3; G-50..G-53)."""

from __future__ import annotations

import json
import os
import re
import time
import zipfile
from importlib import resources
from pathlib import Path

import pytest

from mapm_tui.agenda import shipped_templates
from mapm_tui.minutes import ExportError, MinutesWithheld, default_filename, export_minutes
from mapm_tui.settings import Settings
from tests.minutes_fixtures import (
    SHARED,
    UNSHARED,
    all_text,
    big_meeting,
    body_blocks,
    by_heading,
    calderdale,
    calderdale_adult_meeting,
    full_meeting,
    hampshire,
    open_docx,
    package_xml,
    part_xml,
    table_with,
    tables,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def full_doc(tmp_path_factory):
    path = tmp_path_factory.mktemp("full") / "minutes.docx"
    export_minutes(full_meeting(), hampshire(), path)
    return path, open_docx(path)


@pytest.fixture(scope="module")
def family_doc(tmp_path_factory):
    path = tmp_path_factory.mktemp("family") / "minutes-family.docx"
    export_minutes(full_meeting(), hampshire(), path, family=True)
    return path, open_docx(path)


def details(doc) -> dict[str, str]:
    """The title block: the first table, label -> value."""
    first = tables(doc)[0]
    return {row[0]: row[1] for row in first}


# ------------------------------------------------------------------------------------ the full minutes


def test_title_and_details_block(full_doc):
    _, doc = full_doc
    blocks = body_blocks(doc)
    assert blocks[0] == ("p", "Heading", "Minutes of a multi-agency professionals' meeting")
    assert blocks[1] == ("p", "Normal", "Planning meeting about Amy and Ben")
    d = details(doc)
    assert d["Meeting type"] == "Planning meeting"
    assert d["Case reference"] == "CSC/2026/0412"
    assert d["Subjects"] == "Amy Jones (born Sat 5 Mar 2016, aged 10)\nBen Jones (date of birth not recorded)"
    assert d["Date"] == "Fri 20 Nov 2026"
    assert d["Time"] == "10:00–11:30"
    assert d["Venue"] == "Meeting room 2, Civic Offices, Winchester"
    assert d["Chair"] == "Sarah Khan, Practice manager, Hampshire Children's Services"
    assert d["Minute-taker"] == "Tom Price, Business support, Hampshire Children's Services"
    assert d["Convening agency"] == "Hampshire Children's Services"
    assert d["Authorised by"] == "Helen Ward, Team manager, Hampshire Children's Services"
    assert "Drift or no progress (a stuck case)\nProfessional disagreement" in d["Reasons for holding the meeting"]
    assert UNSHARED["reasons_detail"] in d["Reasons for holding the meeting"]
    assert d["Family told beforehand"].startswith("No, the family was not told")
    assert UNSHARED["not_informed_reason"] in d["Family told beforehand"]
    assert (
        d["Family attending"] == "For the second part only\nWhy not throughout: " + UNSHARED["not_attending_rationale"]
    )
    assert "a strategy discussion" in d["Another procedure considered"]
    assert d["Status of these minutes"].startswith("Final: finalised on Sat 21 Nov 2026")


def test_agenda_steps_are_heading_1_in_template_order(full_doc):
    _, doc = full_doc
    h1 = [b[2] for b in body_blocks(doc) if b[0] == "p" and b[1] == "Heading 1"]
    expected = [f"{n}. {s.title}" for n, s in enumerate(hampshire().steps, start=1)]
    assert h1 == expected + [
        "Other information",
        "Checking these minutes",
        "Distribution",
        "Annex: amendments and overridden findings",
    ]


def test_attendance_table(full_doc):
    _, doc = full_doc
    rows = table_with(doc, "Name")
    assert rows[0] == ["Name", "Role", "Agency", "Taking part as", "Attendance", "Part attended"]
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["Jo Baker"][1:] == [
        "Social worker",
        "Hampshire Children's Services",
        "Professional",
        "Present",
        "Both parts",
    ]
    assert by_name["Paul Reid"][4] == "Written contribution (not present)"
    assert by_name["Mark Owen"][4] == "Present as substitute for Anne Hill"
    assert by_name["Dr Lee Chan"][3] == "Expert adviser"
    assert by_name["Kerry Jones"][3:] == ["Family", "Present", "Part with the family"]
    assert by_name["Sam Green"][3] == "Advocate or supporter"  # is_family, with a role that says so
    assert by_name["Rita Moss"][4] == "Apologies"
    assert by_name["Ian Ford"][4] == "Absent"
    assert len(rows) == 1 + len(full_meeting()["attendees"])


def test_every_entry_is_under_the_right_heading_with_source_and_basis(full_doc):
    _, doc = full_doc
    sections = by_heading(doc)
    steps = {s.key: f"{n}. {s.title}" for n, s in enumerate(hampshire().steps, start=1)}
    where = {
        "e1": "known_before",
        "e2": "known_before",
        "e3": "known_before",
        "e4": "new_information",
        "e5": "new_information",
        "e6": "new_information",
        "e7": "new_information",
        "e13": "new_information",
        "e8": "identified_during",
        "e12": "identified_during",
        "e9": "addressing_needs",
        "e15": "addressing_needs",
        "e10": "plan",
        "e11": "disagreement",
    }
    entries = {e["id"]: e for e in full_meeting()["entries"]}
    for eid, key in where.items():
        texts = [b[2] for b in sections[steps[key]] if b[0] == "p"]
        assert any(t.startswith(entries[eid]["text"]) for t in texts), (eid, key)
    other = [b[2] for b in sections["Other information"] if b[0] == "p"]
    assert any(t.startswith(entries["e14"]["text"]) for t in other)
    known = sections[steps["known_before"]]
    assert ("p", "Heading 2", "Risks identified before the meeting") in known
    assert (
        "p",
        "List Bullet",
        UNSHARED["risk"] + " — Source: Hampshire Constabulary (Paul Reid); fact; said in the professionals-only part",
    ) in known
    assert ("p", "List Bullet", SHARED["need"] + " — Source: Southern Health (Priya Shah); opinion") in known
    new = sections[steps["new_information"]]
    assert ("p", "Heading 2", "Voice of the child") in new
    assert ("p", "Heading 2", "Information from Hampshire Constabulary") in new
    assert ("p", "Heading 2", "Referrals") in new


def test_action_plan_table(full_doc):
    _, doc = full_doc
    rows = table_with(doc, "No.")
    assert rows[0] == ["No.", "Action", "Owner", "Due", "How we will know it is done", "Addresses", "Status"]
    assert rows[1] == [
        "1",
        SHARED["action"],
        "Jo Baker\nHampshire Children's Services",
        "Fri 4 Dec 2026",
        SHARED["action_measure"],
        "• Need: Amy needs a stable bedtime routine (SHARED-NEED-2)\n"
        "• Risk: Mother's new partner has a conviction for assault (UNSHARED-RISK-1)",
        "Open",
    ]
    assert rows[2][6] == "Partly done\nCarried over (see the review of earlier actions)"
    assert rows[4][:4] == ["4", "Share the attendance record every month", "Oak Primary School", "Not set"]
    assert len(rows) == 5


def test_closing_records(full_doc):
    _, doc = full_doc
    sections = by_heading(doc)
    steps = {s.key: f"{n}. {s.title}" for n, s in enumerate(hampshire().steps, start=1)}

    def paras(key):
        return [b[2] for b in sections[steps[key]] if b[0] == "p"]

    assert paras("family_meeting") == [
        "Family meeting considered: Yes",
        "Outcome: A family group conference will be offered (FGC-OUTCOME)",
    ]
    assert paras("lead_practitioner") == [
        "Lead practitioner: Jo Baker, Hampshire Children's Services",
        "Change: No change.",
        "Note: " + UNSHARED["lead_note"],
    ]
    assert paras("next_review") == ["Next review: Fri 19 Feb 2027 at 14:00", "Venue: Civic Offices"]
    dis = paras("disagreement")
    assert dis[:3] == [
        "Any disagreement between professionals: Yes",
        "Summary: " + UNSHARED["disagreement_summary"],
        "Escalation: " + UNSHARED["escalation"],
    ]
    assert any("line manager" in p for p in dis)
    assert paras("feedback_to_family")[:3] == [
        "Who tells the family: Jo Baker, Hampshire Children's Services",
        "By: Mon 23 Nov 2026",
        "How: Home visit",
    ]
    assert paras("minutes_sharing") == [
        "Minutes shared with the family: Yes",
        "Concerns of fabricated or induced illness: No",
        "Senior manager or named doctor consulted: Helen Ward",
    ]


def test_distribution_and_annex(full_doc):
    _, doc = full_doc
    sections = by_heading(doc)
    dist = [b[2] for b in sections["Distribution"] if b[0] == "t"]
    # everyone on the attendance list (G-51), with or without an email address, and how and when it went
    assert dist[0][0] == ["Name", "Agency", "Copy", "How", "Sent"]
    assert ["Jo Baker", "Hampshire Children's Services", "Full minutes", "Secure email", "Sat 21 Nov 2026 10:00"] in (
        dist[0]
    )
    assert ["Kerry Jones", "Family", "Family copy", "By hand", "Sun 22 Nov 2026 11:00"] in dist[0]
    assert ["Rita Moss", "Itchen Surgery", "Full minutes", "By hand or post (no email address)", "Not yet"] in dist[0]
    assert len(dist[0]) == 1 + len(full_meeting()["attendees"])
    annex = [b[2] for b in sections["Annex: amendments and overridden findings"] if b[0] == "t"]
    assert annex[0][1] == [
        "Tue 24 Nov 2026 14:05",
        "Sarah Khan",
        "Next review: date",
        "Fri 12 Feb 2027",
        "Fri 19 Feb 2027",
        "Reopened: the venue was not free on the 12th (AMEND-REASON)",
    ]
    assert annex[1][1][:3] == [
        "G-31 (SMART action), action 4 (Share the attendance record every month)",
        "The school shares it anyway; no date needed (OVERRIDE-REASON)",
        "Sarah Khan",
    ]


def test_marking_case_reference_and_page_x_of_y_on_every_page(full_doc):
    path, doc = full_doc
    section = doc.sections[0]
    header = [p.text for p in section.header.paragraphs]
    footer = [p.text for p in section.footer.paragraphs]
    # the meeting's own marking ("official-sensitive") wins over the setting, in capitals
    assert header[0] == "OFFICIAL-SENSITIVE"
    assert "Case reference CSC/2026/0412" in header[1]
    assert footer[-1] == "OFFICIAL-SENSITIVE"
    assert footer[0].startswith("Page 1 of 1") and "CSC/2026/0412" in footer[0]
    footer_xml = "".join(part_xml(path, "word/footer"))
    instr = re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", footer_xml)
    assert [i.split()[0] for i in instr] == ["PAGE", "NUMPAGES"]
    assert footer_xml.count('w:fldCharType="begin"') == 2 and footer_xml.count('w:fldCharType="end"') == 2


def test_marking_from_settings_when_the_meeting_has_none(tmp_path):
    m = full_meeting()
    del m["protective_marking"]
    path = export_minutes(m, hampshire(), tmp_path / "m.docx", settings=Settings(protective_marking="official"))
    doc = open_docx(path)
    assert doc.sections[0].header.paragraphs[0].text == "OFFICIAL"
    assert doc.sections[0].footer.paragraphs[-1].text == "OFFICIAL"


def test_tables_have_a_repeating_header_row_and_a_real_style(full_doc):
    _, doc = full_doc
    for table in doc.tables[1:]:  # the details block has no header row
        assert table.style.name == "Table Grid"
        first = table.rows[0]._tr
        assert first.find(f"{W}trPr/{W}tblHeader") is not None
        assert all(r._tr.find(f"{W}trPr/{W}tblHeader") is None for r in table.rows[1:])
    assert doc.tables[0].style.name == "Table Grid"


def test_core_properties_and_page_size(full_doc):
    _, doc = full_doc
    cp = doc.core_properties
    assert cp.title == "Minutes of a multi-agency professionals' meeting, CSC/2026/0412, Fri 20 Nov 2026"
    assert cp.author == "Sarah Khan"
    assert cp.last_modified_by == "Sarah Khan"
    assert "Amy" not in cp.title
    sec = doc.sections[0]
    assert (round(sec.page_width.cm, 1), round(sec.page_height.cm, 1)) == (21.0, 29.7)


def test_nothing_captured_is_missing_from_the_full_minutes(full_doc):
    _, doc = full_doc
    text = all_text(doc)
    m = full_meeting()
    for e in m["entries"]:
        assert e["text"] in text, e["id"]
    for a in m["actions"]:
        assert a["description"] in text, a["id"]
    for field in ("aim", "introductions", "existing_plan_reviewed", "legislation_considered"):
        for line in m[field].split("\n"):
            assert line in text, field


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_file_is_owner_only(full_doc):
    path, _ = full_doc
    assert path.stat().st_mode & 0o777 == 0o600


# ------------------------------------------------------------------------------------ the family copy


def test_family_copy_title_and_header(family_doc):
    _, doc = family_doc
    blocks = body_blocks(doc)
    assert blocks[0] == ("p", "Heading", "Minutes of a multi-agency professionals' meeting: the family's copy")
    assert blocks[1] == ("p", "Normal", "Planning meeting")  # not the chair's free-text title
    assert "Family copy" in doc.sections[0].header.paragraphs[1].text
    assert doc.core_properties.title.endswith("(family copy)")


def test_family_copy_shows_what_design_lists(family_doc):
    _, doc = family_doc
    d = details(doc)
    assert list(d) == ["Meeting type", "Case reference", "Subjects", "Date", "Time", "Venue", "Chair"]
    h1 = [b[2] for b in body_blocks(doc) if b[0] == "p" and b[1] == "Heading 1"]
    assert h1 == [
        "1. Date, time and venue",
        "2. Attendance and apologies",
        "3. Aim of the meeting",
        "4. Strengths, needs and risks identified before the meeting",
        "5. Additional or new information from all agencies",
        "6. Other strengths, needs and risks identified during the meeting",
        "7. How to address these needs, and what has already been tried",
        "8. Plan: who does what, by when",
        "9. Has a family meeting been considered?",
        "10. Lead practitioner",
        "11. Date of next review",
        "12. Who tells the family the outcome",
        "Other information",
    ]  # no introductions: a free-text field outside design.md's list, not shared by the chair
    att = table_with(doc, "Name")
    assert att[0] == ["Name", "Role", "Agency", "Taking part as", "Attendance"]
    text = all_text(doc)
    for marker in SHARED.values():
        assert marker in text
    assert "To agree a plan that keeps Amy and Ben safe at home." in text
    assert "Who tells the family: Jo Baker, Hampshire Children's Services" in text
    assert "Next review: Fri 19 Feb 2027 at 14:00" in text
    assert ("p", "List Bullet", SHARED["need"] + " — Shared by Southern Health (Priya Shah); this is an opinion") in (
        body_blocks(doc)
    )


def test_family_copy_holds_nothing_unshared_anywhere_in_the_file(family_doc):
    path, _ = family_doc
    xml = package_xml(path)
    for key, text in UNSHARED.items():
        marker = re.search(r"\(([A-Z0-9-]+)\)$", text)
        needle = marker.group(1) if marker else text
        if key == "partner_source":
            needle = "Hampshire Constabulary (Paul Reid)"  # the source of an unshared entry
        assert needle not in xml, key
    for words in (
        "Reasons for holding",
        "Family told beforehand",
        "Family attending",
        "Authorised by",
        "Minute-taker",
        "professionals-only part",
        "Professional disagreement",
        "Sharing the minutes",
        "Distribution",
        "Annex",
        "fabricated",
        "Helen Ward",
        "Part attended",
    ):
        assert words not in xml, words


def test_family_copy_actions_renumbered_and_address_only_shared_entries(family_doc):
    _, doc = family_doc
    rows = table_with(doc, "No.")
    assert [r[0] for r in rows[1:]] == ["1", "2"]
    assert rows[1][5] == "Need: Amy needs a stable bedtime routine (SHARED-NEED-2)"


def test_withheld_minutes_refuse_the_family_copy_with_the_chairs_reason(tmp_path):
    path = tmp_path / "family.docx"
    with pytest.raises(MinutesWithheld) as err:
        export_minutes(calderdale_adult_meeting(), calderdale(), path, family=True)
    msg = str(err.value)
    assert "Edith asked that her son does not see them" in msg
    assert msg.endswith(".") and msg.count(". ") == 0 and "\n" not in msg
    assert not path.exists() and list(tmp_path.iterdir()) == []


def test_family_copy_refused_while_sharing_is_not_decided(tmp_path):
    m = full_meeting()
    del m["minutes_sharing"]
    with pytest.raises(MinutesWithheld, match="has not been recorded"):
        export_minutes(m, hampshire(), tmp_path / "f.docx", family=True)
    assert list(tmp_path.iterdir()) == []


def test_withheld_meeting_still_exports_its_full_minutes(tmp_path):
    path = export_minutes(calderdale_adult_meeting(), calderdale(), tmp_path / "full.docx")
    doc = open_docx(path)
    text = all_text(doc)
    assert "Edith Marsh (adult at risk; born Wed 30 Jul 1941)" in text
    assert "The chair's reason for not sharing: Edith asked that her son does not see them." in text
    assert "Next review: No review meeting is needed." in text
    assert ("p", "Heading 2", "Voice of the adult") in body_blocks(doc)
    sections = by_heading(doc)
    assert sections["7. Action plan, timescales and responsible agency"] == [
        ("p", "Normal", "Nothing was recorded under this item.")
    ]
    assert "Draft: not yet finalised" in details(doc)["Status of these minutes"]


# ------------------------------------------------------------------------------------ robustness

BAD = {
    "C0 control": ("\x01\x00\x0b\x1f", " "),
    "DEL": ("\x7f", " "),
    "lone surrogate": ("\ud800", "\ufffd"),
    "noncharacter U+FFFE": ("\ufffe\uffff", " "),
}


def _poison(m: dict, bad: str) -> dict:
    m["case_ref"] = f"CSC{bad}1"
    m["venue"] = f"Room{bad}2"
    m["chair"]["name"] = f"Sarah{bad}Khan"
    m["aim"] = f"Aim{bad}text"
    m["attendees"][0]["name"] = f"Jo{bad}Baker"
    m["attendees"][0]["role"] = f"Social{bad}worker"
    for e in m["entries"]:
        e["text"] = f"{e['text']}{bad}!"
        e["share_with_family"] = True
    for a in m["actions"]:
        a["description"] = f"{a['description']}{bad}!"
        a["share_with_family"] = True
    m["family"]["not_informed_reason"] = f"Reason{bad}here"
    m["finding_overrides"][0]["reason"] = f"Override{bad}reason"
    m["protective_marking"] = f"official{bad}sensitive"
    return m


@pytest.mark.parametrize("kind", list(BAD))
def test_bad_characters_export_fine(tmp_path, kind):
    bad, replacement = BAD[kind]
    m = _poison(full_meeting(), bad)
    for family in (False, True):
        path = tmp_path / default_filename(m, family)
        export_minutes(m, hampshire(), path, family=family)
        doc = open_docx(path)
        text = all_text(doc)
        assert "Aim" in text and "text" in text
        for ch in bad:
            assert ch not in text
        assert replacement in text
        assert doc.core_properties.author.startswith("Sarah")
        header = doc.sections[0].header.paragraphs[0].text
        assert header.startswith("OFFICIAL") and header.endswith("SENSITIVE")


def test_existing_file_is_not_overwritten_without_force(tmp_path):
    path = tmp_path / "minutes.docx"
    path.write_bytes(b"precious")
    with pytest.raises(ExportError, match="--force") as err:
        export_minutes(full_meeting(), hampshire(), path)
    assert "\n" not in str(err.value)
    assert path.read_bytes() == b"precious"
    assert [p.name for p in tmp_path.iterdir()] == ["minutes.docx"]
    export_minutes(full_meeting(), hampshire(), path, force=True)
    assert open_docx(path).core_properties.author == "Sarah Khan"


def test_a_file_that_appears_while_writing_is_not_replaced(tmp_path, monkeypatch):
    from mapm_tui.minutes import docx_writer

    path = tmp_path / "minutes.docx"
    real = docx_writer.render

    def render(*args, **kwargs):
        document = real(*args, **kwargs)
        path.write_bytes(b"someone else's minutes")
        return document

    monkeypatch.setattr(docx_writer, "render", render)
    with pytest.raises(ExportError, match="--force"):
        export_minutes(full_meeting(), hampshire(), path)
    assert path.read_bytes() == b"someone else's minutes"
    assert [p.name for p in tmp_path.iterdir()] == ["minutes.docx"]


def test_a_crash_while_writing_leaves_no_file(tmp_path, monkeypatch):
    import docx.document

    def broken_save(self, stream):
        stream.write(b"PK\x03\x04 half a file")
        raise RuntimeError("disk gone")

    monkeypatch.setattr(docx.document.Document, "save", broken_save)
    with pytest.raises(RuntimeError):
        export_minutes(full_meeting(), hampshire(), tmp_path / "minutes.docx")
    assert list(tmp_path.iterdir()) == []


def test_a_crash_while_replacing_keeps_the_old_file(tmp_path, monkeypatch):
    import docx.document

    path = tmp_path / "minutes.docx"
    path.write_bytes(b"old minutes")

    def broken_save(self, stream):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(docx.document.Document, "save", broken_save)
    with pytest.raises(ExportError, match="the disk is full"):
        export_minutes(full_meeting(), hampshire(), path, force=True)
    assert path.read_bytes() == b"old minutes"
    assert [p.name for p in tmp_path.iterdir()] == ["minutes.docx"]


@pytest.mark.parametrize(
    ("name", "message"),
    [("minutes.pdf", "ending in .docx"), ("no-such-folder/minutes.docx", "does not exist")],
)
def test_bad_targets_are_refused_in_one_sentence(tmp_path, name, message):
    with pytest.raises(ExportError, match=message):
        export_minutes(full_meeting(), hampshire(), tmp_path / name)


# ------------------------------------------------------------------------------------ letterhead


def _letterhead(path: Path, *, drop_heading_styles: bool = False, first_page: bool = False) -> Path:
    import docx

    doc = docx.Document()
    sec = doc.sections[0]
    sec.header.paragraphs[0].text = "Hampshire County Council · Children's Services (LETTERHEAD-HEADER)"
    sec.footer.paragraphs[0].text = "Elizabeth II Court, Winchester (LETTERHEAD-FOOTER)"
    if first_page:
        sec.different_first_page_header_footer = True
        sec.first_page_header.paragraphs[0].text = "Big logo on the first page (LETTERHEAD-FIRST)"
    doc.add_paragraph("Letterhead body on the first page (LETTERHEAD-BODY)")
    if drop_heading_styles:
        styles = doc.styles.element
        for style in list(styles):
            if style.get(f"{W}styleId") in ("Heading1", "Heading2", "Title", "Subtitle", "TableGrid", "ListBullet"):
                styles.remove(style)
    doc.save(str(path))
    return path


def test_letterhead_content_comes_first_and_ours_follows(tmp_path):
    lh = _letterhead(tmp_path / "letterhead.docx")
    out = export_minutes(full_meeting(), hampshire(), tmp_path / "out.docx", letterhead=lh)
    doc = open_docx(out)
    blocks = body_blocks(doc)
    assert blocks[0][2] == "Letterhead body on the first page (LETTERHEAD-BODY)"
    assert blocks[1] == ("p", "Heading", "Minutes of a multi-agency professionals' meeting")
    header = [p.text for p in doc.sections[0].header.paragraphs]
    assert header[0].endswith("(LETTERHEAD-HEADER)") and header[1] == "OFFICIAL-SENSITIVE"
    footer = [p.text for p in doc.sections[0].footer.paragraphs]
    assert (
        footer[0].endswith("(LETTERHEAD-FOOTER)")
        and footer[1].startswith("Page ")
        and footer[2] == "OFFICIAL-SENSITIVE"
    )
    assert doc.core_properties.author == "Sarah Khan"


def test_letterhead_first_page_header_gets_the_marking_too(tmp_path):
    lh = _letterhead(tmp_path / "letterhead.docx", first_page=True)
    out = export_minutes(full_meeting(), hampshire(), tmp_path / "out.docx", letterhead=lh)
    sec = open_docx(out).sections[0]
    first = [p.text for p in sec.first_page_header.paragraphs]
    assert first[0].endswith("(LETTERHEAD-FIRST)") and first[1] == "OFFICIAL-SENSITIVE"
    assert any("PAGE" in x for x in part_xml(out, "word/footer"))
    assert [p.text for p in sec.first_page_footer.paragraphs][-1] == "OFFICIAL-SENSITIVE"


def test_letterhead_without_our_styles_gets_them(tmp_path):
    lh = _letterhead(tmp_path / "letterhead.docx", drop_heading_styles=True)
    out = export_minutes(full_meeting(), hampshire(), tmp_path / "out.docx", letterhead=lh)
    doc = open_docx(out)
    styles = {b[1] for b in body_blocks(doc)}
    assert {"Heading", "Heading 1", "Heading 2"} <= styles
    assert doc.tables[1].style.name == "Table Grid"
    # no List Bullet in the letterhead: the entries still read as a list
    assert any(b[2].startswith("•\t" + SHARED["need"]) for b in body_blocks(doc) if b[0] == "p")


def test_letterhead_from_settings(tmp_path):
    lh = _letterhead(tmp_path / "letterhead.docx")
    out = export_minutes(full_meeting(), hampshire(), tmp_path / "out.docx", settings=Settings(letterhead=str(lh)))
    assert body_blocks(open_docx(out))[0][2].endswith("(LETTERHEAD-BODY)")


def test_dotx_letterhead_is_refused(tmp_path):
    lh = _letterhead(tmp_path / "letterhead.docx")
    dotx = tmp_path / "letterhead.dotx"
    dotx.write_bytes(lh.read_bytes())
    with pytest.raises(ExportError, match="template") as err:
        export_minutes(full_meeting(), hampshire(), tmp_path / "out.docx", letterhead=dotx)
    assert "\n" not in str(err.value)
    assert not (tmp_path / "out.docx").exists()


def test_template_renamed_to_docx_is_refused(tmp_path):
    lh = _letterhead(tmp_path / "letterhead.docx")
    renamed = tmp_path / "renamed.docx"
    with zipfile.ZipFile(lh) as src, zipfile.ZipFile(renamed, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            dst.writestr(item, data)
    with pytest.raises(ExportError, match="template"):
        export_minutes(full_meeting(), hampshire(), tmp_path / "out.docx", letterhead=renamed)
    assert not (tmp_path / "out.docx").exists()


@pytest.mark.parametrize("content", [b"not a zip at all", None])
def test_unreadable_letterhead_is_refused(tmp_path, content):
    lh = tmp_path / "letterhead.docx"
    if content is not None:
        lh.write_bytes(content)
    with pytest.raises(ExportError) as err:
        export_minutes(full_meeting(), hampshire(), tmp_path / "out.docx", letterhead=lh)
    assert "letterhead" in str(err.value) and "\n" not in str(err.value)
    assert not (tmp_path / "out.docx").exists()


# ------------------------------------------------------------------------------------ size and samples


def test_a_big_meeting_exports_everything_quickly(tmp_path):
    m = big_meeting(40, 300, 80)
    start = time.perf_counter()
    path = export_minutes(m, hampshire(), tmp_path / "big.docx")
    elapsed = time.perf_counter() - start
    doc = open_docx(path)
    text = all_text(doc)
    for e in m["entries"]:
        assert e["text"] in text
    actions = table_with(doc, "No.")
    assert [r[0] for r in actions[1:]] == [str(n) for n in range(1, 81)]
    assert len(table_with(doc, "Name")) == 41
    assert elapsed < 10, f"export took {elapsed:.1f}s"


def _samples() -> list[str]:
    try:
        root = resources.files("mapm_tui.sample_data")
        return sorted(p.name for p in root.iterdir() if p.name.endswith(".json"))
    except (ModuleNotFoundError, FileNotFoundError):
        return []


@pytest.mark.parametrize(
    "name", _samples() or [pytest.param("none", marks=pytest.mark.skip(reason="no sample bundles yet"))]
)
def test_sample_bundles_export(tmp_path, name):
    bundle = json.loads(resources.files("mapm_tui.sample_data").joinpath(name).read_text(encoding="utf-8"))
    m = bundle["meeting"]
    template = shipped_templates()[m["template"]]
    path = export_minutes(m, template, tmp_path / default_filename(m, False))
    text = all_text(open_docx(path))
    for e in m.get("entries", []):
        assert e["text"].split("\n")[0] in text
    for a in m.get("actions", []):
        assert a["description"].split("\n")[0] in text
    try:
        fam = export_minutes(m, template, tmp_path / default_filename(m, True), family=True)
    except MinutesWithheld as exc:
        assert (m.get("minutes_sharing") or {}).get("share_with_family") is not True
        assert str(exc).endswith(".")
    else:
        fam_text = all_text(open_docx(fam))
        for e in m.get("entries", []):
            if e.get("share_with_family") is not True and len(e["text"]) > 20:
                assert e["text"] not in fam_text


# ------------------------------------------------------------------------------------ thin and odd meetings


def test_a_meeting_with_only_the_required_fields_exports(tmp_path):
    m = {"id": "m-thin", "template": "hampshire", "meeting_type": "planning", "status": "draft", "date": "2026-11-20"}
    path = export_minutes(m, hampshire(), tmp_path / default_filename(m, False))
    assert path.name == "minutes-m-thin-2026-11-20.docx"
    doc = open_docx(path)
    sections = by_heading(doc)
    for heading, blocks in sections.items():
        assert blocks, f"{heading} is empty"  # no empty sections
    assert sections["10. Plan: who does what, by when"] == [("p", "Normal", "Nothing was recorded under this item.")]
    d = details(doc)
    assert d["Case reference"] == "Not recorded" and d["Family told beforehand"] == "Not recorded"
    assert doc.core_properties.author == ""
    assert doc.sections[0].header.paragraphs[1].text.startswith("Case reference not recorded")


def test_none_and_wrong_types_do_not_crash(tmp_path):
    m = full_meeting()
    m.update(
        {"venue": None, "chair": "Sarah Khan", "reasons": "drift", "family": None, "subjects": [None, {"name": "X"}]}
    )
    m["attendees"].append({"id": 5, "name": None, "attendance": None})
    m["entries"].append({"id": "odd", "kind": "mystery", "text": 12345, "step": None})
    m["actions"].append({"id": "oa", "description": "Odd action", "addresses": ["nope", 3], "due_date": "next week"})
    path = export_minutes(m, hampshire(), tmp_path / "odd.docx")
    text = all_text(open_docx(path))
    assert "12345" in text  # an unknown kind still lands under Other information
    assert "next week" in text and "Odd action" in text


def test_a_template_without_attendance_or_actions_steps_still_holds_them(tmp_path):
    from mapm_tui.agenda import Template

    tpl = Template.from_dict(
        {"key": "tiny", "name": "Tiny", "steps": [{"key": "aim", "title": "Aim", "kind": "text", "field": "aim"}]}
    )
    path = export_minutes(full_meeting(), tpl, tmp_path / "tiny.docx")
    doc = open_docx(path)
    h1 = [b[2] for b in body_blocks(doc) if b[0] == "p" and b[1] == "Heading 1"]
    assert h1 == [
        "Attendance",
        "1. Aim",
        "Action plan",
        "Other information",
        "Checking these minutes",
        "Distribution",
        "Annex: amendments and overridden findings",
    ]
    text = all_text(doc)
    for e in full_meeting()["entries"]:
        assert e["text"] in text
    for title in (
        "Has a family meeting been considered?",
        "Lead practitioner",
        "Professional disagreement",
        "Who tells the family the outcome",
        "Sharing the minutes",
        "Date of next review",
        "Introductions",
    ):
        assert ("p", "Heading 2", title) in body_blocks(doc)


def test_an_existing_file_is_a_typed_refusal_that_names_it(tmp_path):
    """The app, which has no --force, says its own sentence from `MinutesExist.path` (it used to cut
    " or use --force to replace it" out of the message); the CLI's sentence is unchanged."""
    from mapm_tui.minutes import MinutesExist

    path = tmp_path / "minutes.docx"
    path.write_bytes(b"kept")
    with pytest.raises(MinutesExist) as refused:
        export_minutes(full_meeting(), hampshire(), path)
    assert refused.value.path == path and isinstance(refused.value, ExportError)
    assert str(refused.value) == f"{path} already exists; choose another name or use --force to replace it."
    assert path.read_bytes() == b"kept"
