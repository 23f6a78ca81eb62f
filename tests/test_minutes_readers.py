"""What readers of the Word minutes tripped on (issue 14, "Reading them"): each case writes the minutes and
reads the .docx back with python-docx (and mammoth for its warnings)."""

from __future__ import annotations

import re
import zipfile

import pytest

from mapm_tui.agenda import shipped_templates
from mapm_tui.minutes import export_minutes
from tests.minutes_fixtures import all_text, body_blocks, full_meeting, hampshire, open_docx, table_with
from tests.samples import load_sample, sample_names

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LONG_DATE = re.compile(
    r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d{1,2} (January|February|March|April|May|June|"
    r"July|August|September|October|November|December) \d{4}\b"
)


def write(tmp_path, meeting, *, family=False, name="m.docx", **kw):
    path = tmp_path / name
    export_minutes(meeting, hampshire(), path, family=family, **kw)
    return path, open_docx(path)


def attendance(doc) -> dict[str, str]:
    """Name -> 'Taking part as'."""
    rows = table_with(doc, "Name")
    col = rows[0].index("Taking part as")
    return {r[0]: r[col] for r in rows[1:]}


def docx_tables(doc, first_header: str):
    return [t for t in doc.tables if t.rows and t.rows[0].cells[0].text == first_header]


# ------------------------------------------------------------------ family members decided from relationship


def test_family_members_without_the_flag_are_family_by_their_relationship(tmp_path):
    m = full_meeting()
    m["attendees"] += [
        {"id": "f1", "name": "Dan Jones", "role": "Son", "agency": "Family", "attendance": "present"},
        {"id": "f2", "name": "Rob Jones", "role": "Amy's father", "attendance": "present"},
        {"id": "f3", "name": "Lisa Grey", "role": "Parent support adviser", "agency": "Oak School"},
        {"id": "f4", "name": "Kim Jones", "role": "Mother", "is_family": False},  # set in the app: it wins
    ]
    _, doc = write(tmp_path, m)
    who = attendance(doc)
    assert who["Dan Jones"] == "Family"  # an advocate is "Advocate or supporter" (participants.is_advocate)
    assert who["Rob Jones"] == "Family"
    assert who["Lisa Grey"] == "Professional"
    assert who["Kim Jones"] == "Professional"


# ------------------------------------------------------------------------------------ one house date style


@pytest.mark.parametrize("family", [False, True])
def test_dates_in_the_cover_and_next_review_are_the_short_house_style(tmp_path, family):
    m = full_meeting()
    m["minutes_sharing"]["share_with_family"] = True
    _, doc = write(tmp_path, m, family=family)
    details = {r[0]: r[1] for r in [[c.text for c in row.cells] for row in doc.tables[0].rows]}
    assert details["Date"] == "Fri 20 Nov 2026"
    text = all_text(doc)
    assert "Next review: Fri 19 Feb 2027 at 14:00" in text
    # the long form only in a sentence ("The meeting was held on Friday 20 November 2026 …")
    long_lines = [line for line in text.split("\n") if LONG_DATE.search(line)]
    assert all(line.startswith("The meeting was held on ") for line in long_lines), long_lines


# ------------------------------------------------------------------------------------------- action table

LONG_ACTION = " ".join(
    f"Step {n}: the family support worker visits the home, checks the bedtime routine with mother and writes "
    "down what went well and what did not, then shares it with the school and the health visitor."
    for n in range(1, 25)
)


def _long_meeting():
    m = full_meeting()
    m["entries"].append(
        {
            "id": "e-long",
            "kind": "need",
            "text": "Mother needs help with the bedtime routine because the parent using the evening to work "
            "cannot be at home before nine, and Amy is then put to bed by her older cousin",
            "share_with_family": True,
        }
    )
    m["actions"][0]["description"] = LONG_ACTION
    m["actions"][0]["addresses"] = ["e-long"]
    return m


def test_action_table_widths_come_from_the_content_and_dates_stay_on_one_line(tmp_path):
    path, doc = write(tmp_path, _long_meeting())
    (table,) = docx_tables(doc, "No.")
    header = [c.text for c in table.rows[0].cells]
    grid = [int(g.get(f"{W}w")) for g in table._tbl.tblGrid.findall(f"{W}gridCol")]
    due = grid[header.index("Due")]
    # "Wed 15 Dec 2027" at 9 pt Arial is about 2.4 cm; the column is wider (1 cm = 567 twips)
    assert due >= 2.5 * 567, due
    assert grid[header.index("Addresses")] >= 2.7 * 567  # 16% before, beside a much longer action
    assert grid[header.index("No.")] < grid[header.index("Action")]


def test_action_table_never_cuts_text(tmp_path):
    path, doc = write(tmp_path, _long_meeting())
    rows = [[c.text for c in r.cells] for r in docx_tables(doc, "No.")[0].rows]
    addresses = "\n".join(r[5] for r in rows)
    assert "and Amy is then put to bed by her older cousin" in addresses
    assert "…" not in addresses
    action = " ".join(r[1].removeprefix("(continued) ") for r in rows[1:] if r[0] == "1")
    assert " ".join(action.split()) == " ".join(LONG_ACTION.split())


def test_a_long_action_continues_on_rows_that_repeat_its_number_and_owner(tmp_path):
    path, doc = write(tmp_path, _long_meeting())
    table = docx_tables(doc, "No.")[0]
    rows = [[c.text for c in r.cells] for r in table.rows]
    first = [r for r in rows if r[0] == "1"]
    assert len(first) >= 2 and first[1][1].startswith("(continued) Step ")
    assert all(r[2] == first[0][2] != "" for r in first)  # owner on every row of the action
    assert all(r[3] == first[0][3] != "" for r in first)  # and the due date
    # each row stays whole on its page, so no page shows a row's end with empty No. and Owner cells;
    # the pieces are short (at most a third of a page), so moving one leaves little blank
    body_rows = table._tbl.findall(f"{W}tr")[1:]
    assert all(tr.find(f"{W}trPr/{W}cantSplit") is not None for tr in body_rows)
    assert max(len(r[1]) for r in first) < 1500
    assert table._tbl.findall(f"{W}tr")[0].find(f"{W}trPr/{W}tblHeader") is not None


# ------------------------------------------------------------------------------------------------- annex


def _annex_meeting():
    m = full_meeting()
    m["actions"][2].pop("due_date")
    m["actions"][2].pop("success_measure")
    m["amendments"] = [
        {"at": "2026-11-24T14:00:00+00:00", "by": "Sarah Khan", "field": "status", "old": "final", "new": "in review"},
        {
            "at": "2026-11-24T14:05:00+00:00",
            "by": "Sarah Khan",
            "field": "actions[x3].status",
            "old": "open",
            "new": "partly_done",
            "reason": "Surveyor's visit",
        },
    ]
    m["finding_overrides"] = [
        {"rule": "G-31:action:x3:due_date", "reason": "Depends on the landlord", "by": "Sarah Khan"},
        {"rule": "G-31:action:x3:success_measure", "reason": "Obvious when done", "by": "Sarah Khan"},
    ]
    return m


def test_annex_says_what_changed_in_words_not_raw_values(tmp_path):
    _, doc = write(tmp_path, _annex_meeting())
    rows = [[c.text for c in r.cells] for r in docx_tables(doc, "When")[0].rows]
    assert rows[1][2:5] == ["Status of the minutes", "Final", "Reopened for amendment"]
    assert rows[2][2:5] == ["Action 2: status", "Open", "Partly done"]
    text = all_text(doc)
    assert "in review" not in text and "partly_done" not in text and "actions[" not in text


def test_each_override_says_which_finding(tmp_path):
    _, doc = write(tmp_path, _annex_meeting())
    rows = [[c.text for c in r.cells] for r in docx_tables(doc, "Finding")[0].rows][1:]
    assert len({r[0] for r in rows}) == 2  # two findings of one action: two different rows
    assert rows[0][0].startswith("G-31 (SMART action), action 2 (Landlord to treat the damp in the bedroom)")
    assert "due date" in rows[0][0].lower() and "measur" in rows[1][0].lower()


def test_both_annex_tables_are_one_size(tmp_path):
    _, doc = write(tmp_path, _annex_meeting())
    for first in ("When", "Finding"):
        (table,) = docx_tables(doc, first)
        sizes = {sz.get(f"{W}val") for sz in table._tbl.iter(f"{W}sz")}
        runs = list(table._tbl.iter(f"{W}r"))
        assert sizes == {"18"} and all(r.find(f"{W}rPr/{W}sz") is not None for r in runs), first


# ------------------------------------------------------------------------------------ complex-script sizes


def test_every_sized_run_sizes_complex_scripts_too(tmp_path):
    m = full_meeting()
    m["actions"][0]["description"] = "زيارة منزلية أسبوعية — weekly home visit"
    path, _ = write(tmp_path, m)
    with zipfile.ZipFile(path) as z:
        parts = [z.read(n).decode() for n in z.namelist() if re.match(r"word/(document|header\d*|footer\d*)\.xml", n)]
    sized = 0
    for xml in parts:
        for rpr in re.findall(r"<w:rPr>.*?</w:rPr>", xml):
            sz = re.search(r'<w:sz w:val="(\d+)"/>', rpr)
            if sz:
                sized += 1
                assert f'<w:szCs w:val="{sz.group(1)}"/>' in rpr, rpr
    assert sized > 50


# --------------------------------------------------------------------------------------------- small items


def test_an_online_venue_is_not_at_online(tmp_path):
    m = full_meeting()
    m["venue"] = "Online (Teams)"
    text = all_text(write(tmp_path, m)[1])
    assert "was held on Friday 20 November 2026 from 10:00 to 11:30 online (Teams)." in text
    assert "at Online" not in text


def test_a_family_that_did_not_attend_is_not_asked_why_not_throughout(tmp_path):
    m = full_meeting()
    m["family"]["attending"] = "no"
    _, doc = write(tmp_path, m)
    details = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
    assert "throughout" not in details["Family attending"]
    assert details["Family attending"].startswith("No\nWhy the family did not attend: ")


def test_lead_practitioner_change_says_from_whom(tmp_path):
    m = full_meeting()
    m["lead_practitioner"] = {"name": "Kirsty Lane", "agency": "Early Help", "changed": True}
    m["previous_meeting_id"] = "m-0000"
    earlier = {"id": "m-0000", "lead_practitioner": {"name": "Martin Ellis", "agency": "Oak Primary School"}}
    text = all_text(write(tmp_path, m, previous=earlier)[1])
    assert "Change: Yes: from Martin Ellis, Oak Primary School, to Kirsty Lane." in text
    text = all_text(write(tmp_path, m, name="no-previous.docx")[1])
    assert "Change: Yes: Kirsty Lane takes over as lead practitioner" in text


# ------------------------------------------------------------------------------------------------ mammoth


@pytest.mark.parametrize("name", sample_names())
@pytest.mark.parametrize("family", [False, True])
def test_mammoth_reads_the_samples_without_warnings(tmp_path, name, family):
    mammoth = pytest.importorskip("mammoth")
    meeting = load_sample(name)["meeting"]
    if family and (meeting.get("minutes_sharing") or {}).get("share_with_family") is not True:
        pytest.skip("the chair did not share these minutes with the family")
    path = tmp_path / "m.docx"
    export_minutes(meeting, shipped_templates()[meeting["template"]], path, family=family)
    with path.open("rb") as fh:
        result = mammoth.convert_to_html(fh)
    assert result.messages == []
    assert "<h1>Minutes of a multi-agency professionals&#x27; meeting" in result.value or "<h1>Minutes" in result.value
    assert body_blocks(open_docx(path))[0][1] == "Heading"


# ------------------------------------------------------------------------ review of earlier actions (G-34)


def _review_meeting():
    """A review meeting: three actions carried over from the meeting before, one new."""
    m = full_meeting()
    m["previous_meeting_id"] = "m-0000"
    base = {"owner_attendee_id": "a1", "success_measure": "Seen to be done", "share_with_family": True}
    m["actions"] = [
        {
            **base,
            "id": "r1",
            "description": "Book the GP check",
            "due_date": "2026-11-13",
            "status": "done",
            "progress_note": "Booked and attended on 10 Nov",
            "carried_from_action_id": "old-1",
        },
        {
            **base,
            "id": "r2",
            "description": "Nursery attendance plan",
            "due_date": "2027-01-08",
            "status": "partly_done",
            "progress_note": "Met once; Poppy was ill",
            "carried_from_action_id": "old-2",
        },
        {
            **base,
            "id": "r3",
            "description": "Referral to speech therapy",
            "due_date": "2026-12-01",
            "status": "not_done",
            "carried_from_action_id": "old-3",
        },
        {**base, "id": "n1", "description": "A new action of this meeting", "due_date": "2026-12-18", "status": "open"},
    ]
    earlier = {
        "id": "m-0000",
        "actions": [
            {
                "id": "old-1",
                "description": "Book the GP check",
                "due_date": "2026-11-13",
                "status": "open",
                "owner_attendee_id": "a1",
                "success_measure": "Seen to be done",
            },
            {
                "id": "old-2",
                "description": "Nursery attendance plan",
                "due_date": "2026-12-11",
                "status": "open",
                "owner_attendee_id": "a1",
                "success_measure": "Seen to be done",
            },
            {
                "id": "old-3",
                "description": "Referral to speech therapy",
                "due_date": "2026-12-01",
                "status": "partly_done",
                "owner_attendee_id": "a1",
                "success_measure": "Seen to be done",
            },
        ],
    }
    return m, earlier


def test_a_review_meeting_shows_each_earlier_action_then_and_now_and_what_was_decided(tmp_path):
    m, earlier = _review_meeting()
    _, doc = write(tmp_path, m, previous=earlier)
    blocks = body_blocks(doc)
    heading = blocks.index(("p", "Heading 2", "Review of earlier actions"))
    review = blocks[heading + 1][2]
    assert review[0] == ["Earlier action", "Owner", "Status then", "Status now", "Progress", "The meeting decided"]
    by_action = {r[0]: r for r in review[1:]}
    assert by_action["Book the GP check"][2:] == ["Open", "Done", "Booked and attended on 10 Nov", "Done: closed"]
    plan = table_with(doc, "No.")
    numbers = {r[1]: r[0] for r in plan[1:]}
    assert "Book the GP check" not in numbers  # closed by this meeting: not in the plan any more
    nursery = by_action["Nursery attendance plan"]
    assert nursery[2:5] == ["Open", "Partly done", "Met once; Poppy was ill"]
    assert nursery[5] == f"Changed as action {numbers['Nursery attendance plan']}: new due date Fri 8 Jan 2027"
    speech = by_action["Referral to speech therapy"]
    assert speech[2:] == [
        "Partly done",
        "Not done",
        "No progress recorded",
        f"Continues as action {numbers['Referral to speech therapy']}",
    ]
    # the Status cells of the plan hold a status, not the review squeezed in
    assert all("Earlier status" not in r[6] and "Progress" not in r[6] for r in plan[1:])


def test_the_review_table_without_the_earlier_meeting_still_reads(tmp_path):
    m, _ = _review_meeting()
    _, doc = write(tmp_path, m)
    blocks = body_blocks(doc)
    review = blocks[blocks.index(("p", "Heading 2", "Review of earlier actions")) + 1][2]
    assert [r[2] for r in review[1:]] == ["Not finished (carried over)"] * 3
    assert review[2][5].startswith("Continues as action ")
