"""Issue 10, part 3: every part of the record enterable through the screens, in the subject's words.

Pilot for what a chair types; the store and the exported bundle for what is kept.
"""

from __future__ import annotations

from textual.widgets import Label

from mapm_tui import bundle, rules
from mapm_tui.subject_words import words_for
from tests.pilot_helpers import choose, fill, screen_name

#: a two-part meeting (the family attends the second part only): the person form asks which part
TWO_PART = {"family.attending": "part_two"}
SIZE = (120, 40)


async def open_at(pilot, meeting_id: str, step: str | None) -> None:
    await pilot.pause()
    pilot.app.open_meeting(meeting_id, step)
    await pilot.pause()


def first_line(svg: str) -> str:
    """The top line of a screenshot (SVG) as plain text."""
    import html
    import re

    cells = []
    for m in re.finditer(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        cells.append((float(m.group(2)), float(m.group(1)), html.unescape(m.group(3))))
    top = min(y for y, _x, _t in cells)
    return "".join(t for y, _x, t in sorted(cells) if y == top).replace("\xa0", " ")


def labels(screen) -> list[str]:
    return [str(label.content) for label in screen.query(Label)]


# -- chair, minute-taker, who authorised it: people, not one line -----------------------------------
async def test_chair_minute_taker_and_authoriser_are_entered_as_name_role_agency(make_app, new_meeting, store):
    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, None)
        assert screen_name(pilot) == "SetupScreen"
        await fill(pilot, "#f-chair--name", "Dawn Ashcroft")
        await fill(pilot, "#f-chair--role", "Early help team manager, east")
        await fill(pilot, "#f-chair--agency", "Children's Services")
        await fill(pilot, "#f-minute_taker--name", "Sam Patel")
        await fill(pilot, "#f-minute_taker--role", "Business support")
        await fill(pilot, "#f-minute_taker--agency", "Children's Services")
        await fill(pilot, "#f-authorised_by--name", "Ruth Okafor")
        await fill(pilot, "#f-authorised_by--role", "Designated safeguarding lead")
        await fill(pilot, "#f-authorised_by--agency", "Oakfield Primary School")
        await pilot.press("tab")
        await pilot.pause()
    meeting = bundle.export_bundle(store, meeting_id)["meeting"]
    assert meeting["chair"] == {
        "name": "Dawn Ashcroft",
        "role": "Early help team manager, east",
        "agency": "Children's Services",
    }
    assert meeting["minute_taker"] == {"name": "Sam Patel", "role": "Business support", "agency": "Children's Services"}
    assert meeting["authorised_by"] == {
        "name": "Ruth Okafor",
        "role": "Designated safeguarding lead",
        "agency": "Oakfield Primary School",
    }


async def test_the_details_step_takes_the_chairs_role_and_agency_too(make_app, new_meeting, store):
    meeting_id = new_meeting("hampshire")
    store.set_fields(meeting_id, {"chair.name": "Dawn Ashcroft"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "details")
        await fill(pilot, "#f-chair--role", "PC, early intervention")
        await fill(pilot, "#f-chair--agency", "Police")
        await pilot.press("tab")
        await pilot.pause()
    assert store.load_meeting(meeting_id)["chair"] == {
        "name": "Dawn Ashcroft",
        "role": "PC, early intervention",
        "agency": "Police",
    }


# -- G-33: the review of an existing plan has a place in the Hampshire agenda ------------------------
async def test_existing_plan_review_is_a_hampshire_step_in_the_palette_and_the_minutes(
    make_app, new_meeting, store, templates, tmp_path
):
    from docx import Document

    from mapm_tui.minutes import export_minutes

    step = templates["hampshire"].step("existing_plan")
    assert step is not None and step.kind == "text" and step.field == "existing_plan_reviewed"
    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "details")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert any("Review of the existing plan" in str(t) for t in titles)
        app.goto_step("existing_plan")
        await pilot.pause()
        await fill(pilot, "#text-field", "The Child in Need plan of March was reviewed: two actions still open.")
        await pilot.press("alt+right")
        await pilot.pause()
    meeting = store.load_meeting(meeting_id)
    assert meeting["existing_plan_reviewed"].startswith("The Child in Need plan of March")
    path = export_minutes(meeting, templates["hampshire"], tmp_path / "m.docx")
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "Review of the existing plan" in text and "two actions still open" in text


# -- every prompt follows the subject ----------------------------------------------------------------
def _adult_meeting(store, new_meeting) -> str:
    meeting_id = new_meeting("calderdale")
    store.add_item(meeting_id, "subjects", {"name": "Owen Evans", "kind": "adult_at_risk"})
    return meeting_id


async def test_setup_for_an_adult_asks_no_parents(make_app, new_meeting, store):
    meeting_id = _adult_meeting(store, new_meeting)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, None)
        shown = "\n".join(labels(app.screen))
    assert "parents" not in shown.lower()
    assert "Were the adult and their family or carers told about the meeting beforehand? (G-06)" in shown
    assert "Does the adult or their family attend? (G-07, G-08)" in shown
    assert "(G-05: the adult(s) at risk)" in shown


async def test_setup_rewords_the_family_questions_when_an_adult_is_added(make_app, new_meeting, store):
    meeting_id = new_meeting("calderdale")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, None)
        await fill(pilot, "#subject-input", "Owen Evans, adult", submit=True)
        await pilot.pause()
        await pilot.pause()
        shown = "\n".join(labels(app.screen))
    assert store.load_meeting(meeting_id)["subjects"][0]["kind"] == "adult_at_risk"
    assert "Were the adult and their family or carers told" in shown and "parents" not in shown.lower()


async def test_setup_for_a_child_still_asks_about_the_parents(make_app, new_meeting, store):
    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, None)
        shown = "\n".join(labels(app.screen))
    assert "Were the parents or carers told about the meeting beforehand? (G-06)" in shown
    assert "(G-05: the child(ren))" in shown


def test_findings_for_an_adult_never_say_the_adult_did_what_the_family_did(store, new_meeting, templates):
    meeting_id = _adult_meeting(store, new_meeting)
    store.set_fields(meeting_id, {"family.attending": "part_two", "family.informed_beforehand": False})
    messages = [f.message for f in rules.check_meeting(store.load_meeting(meeting_id), templates["calderdale"])]
    g07 = next(m for m in messages if "part two" in m)
    assert g07.startswith("The adult or their family attends part two only")
    assert any(m.startswith("The adult or their family was not told beforehand") for m in messages)
    assert any("Record the adult's lived experience" in m for m in messages)
    assert any("who will tell the adult or their family" in m for m in messages)
    assert not any(m.startswith("The adult attends") or "the child" in m for m in messages)


def test_words_follow_the_subjects_else_the_template(templates):
    calder, hants = templates["calderdale"], templates["hampshire"]
    assert words_for({}, calder).subject == "the child or adult"
    assert words_for({}, hants).subject == "the child"
    adult = {"subjects": [{"name": "A", "kind": "adult_at_risk"}]}
    assert words_for(adult, calder).voice_title == "Voice of the adult"
    both = {"subjects": [{"name": "A", "kind": "adult_at_risk"}, {"name": "B", "kind": "child"}]}
    assert words_for(both, calder).kind == "both"
    assert words_for(adult, calder).fill("Wishes of {subject}; tell {family}.") == (
        "Wishes of the adult; tell the adult or their family."
    )
    assert words_for(adult, calder).fill("A {brace} left alone") == "A {brace} left alone"


async def test_the_calderdale_prompt_names_the_adult_in_an_adult_meeting(make_app, new_meeting, store):
    meeting_id = _adult_meeting(store, new_meeting)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "individual_information")
        prompt = str(app.screen.query_one("#prompt").content)
    assert "wishes and feelings of the adult?" in prompt and "{" not in prompt


async def test_closing_questions_for_an_adult_name_the_adult_or_their_family(make_app, new_meeting, store):
    meeting_id = _adult_meeting(store, new_meeting)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "feedback_to_family")
        shown = "\n".join(labels(app.screen))
    assert "Who tells the adult or their family the outcome?" in shown


def test_minutes_say_who_was_told_in_the_subjects_words(store, new_meeting, templates):
    from mapm_tui.minutes.layout import build_layout

    meeting_id = _adult_meeting(store, new_meeting)
    store.set_fields(meeting_id, {"family.informed_beforehand": True})
    layout = build_layout(store.load_meeting(meeting_id), templates["calderdale"], family=False)
    assert "Yes, the adult or their family was told about the meeting beforehand." in repr(layout)


def test_a_template_with_an_unknown_subject_kind_is_refused_by_name(tmp_path):
    import pytest

    from mapm_tui.agenda import TemplateError, load_file

    path = tmp_path / "ours.toml"
    path.write_text(
        'key = "ours"\nname = "Ours"\nsubject_kind = "adult_at_risk"\n'
        '[[steps]]\nkey = "aim"\ntitle = "Aim"\nkind = "text"\nfield = "aim"\n',
        encoding="utf-8",
    )
    with pytest.raises(TemplateError, match="subject_kind"):
        load_file(path)


# -- an action may address any entry ------------------------------------------------------------------
async def test_an_action_can_address_a_strength_and_something_already_tried(make_app, new_meeting, store):
    from textual.widgets import SelectionList

    meeting_id = new_meeting("hampshire")
    need = store.add_item(meeting_id, "entries", {"kind": "need", "text": "Nobody takes him to the dentist"})
    strength = store.add_item(meeting_id, "entries", {"kind": "strength", "text": "Gran visits every Sunday"})
    tried = store.add_item(meeting_id, "entries", {"kind": "already_tried", "text": "School offered a breakfast club"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "plan")
        await pilot.press("ctrl+n")
        await pilot.pause()
        picker = app.screen.query_one("#a-addresses", SelectionList)
        offered = [picker.get_option_at_index(i).value for i in range(picker.option_count)]
        assert offered == [need, strength, tried]  # needs and risks first, then what it may build on
        await fill(pilot, "#a-description", "Gran takes him to the dentist on a Sunday visit")
        picker.focus()
        await pilot.pause()
        await pilot.press("down", "space", "down", "space")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
    (action,) = store.load_meeting(meeting_id)["actions"]
    assert action["addresses"] == [strength, tried]


def test_addressing_only_a_strength_still_warns_that_no_need_or_risk_is_met(store, new_meeting, templates):
    meeting_id = new_meeting("hampshire")
    need = store.add_item(meeting_id, "entries", {"kind": "need", "text": "Nobody takes him to the dentist"})
    strength = store.add_item(meeting_id, "entries", {"kind": "strength", "text": "Gran visits every Sunday"})
    meeting = store.load_meeting(meeting_id)
    base = {"description": "Gran takes him to the dentist", "owner_name": "Gran", "due_date": "2026-12-01"}
    only_strength = rules.check_action({**base, "addresses": [strength]}, meeting, 1, templates["hampshire"])
    assert [f.field for f in only_strength if f.rule == "G-31" and f.field == "addresses"] == ["addresses"]
    with_need = rules.check_action({**base, "addresses": [strength, need]}, meeting, 1, templates["hampshire"])
    assert not [f for f in with_need if f.field == "addresses"]


# -- a person, field by field ------------------------------------------------------------------------
async def test_a_person_is_added_with_fields_and_a_comma_in_the_role_stays_whole(make_app, new_meeting, store):
    meeting_id = new_meeting("hampshire", **TWO_PART)  # the part is asked only then (G-08)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "attendance")
        app.screen.query_one("#person-input").focus()
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen_name(pilot) == "PersonForm"
        await fill(pilot, "#p-name", "Tom Hart")
        await fill(pilot, "#p-role", "PC, early intervention")
        await fill(pilot, "#p-agency", "Hampshire Constabulary")
        await fill(pilot, "#p-email", "tom.hart@example.org")
        await choose(pilot, "#p-parts", "professionals")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen_name(pilot) == "AttendanceStep"
    (person,) = bundle.export_bundle(store, meeting_id)["meeting"]["attendees"]
    assert {k: person.get(k) for k in ("name", "role", "agency", "email", "parts")} == {
        "name": "Tom Hart",
        "role": "PC, early intervention",
        "agency": "Hampshire Constabulary",
        "email": "tom.hart@example.org",
        "parts": "professionals",
    }
    assert "is_family" not in person


async def test_a_quick_line_with_more_commas_is_shown_in_the_form_before_it_is_stored(make_app, new_meeting, store):
    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "attendance")
        await fill(pilot, "#person-input", "Tom Hart, PC, early intervention, Police", submit=True)
        assert screen_name(pilot) == "PersonForm"  # nothing stored on a guess
        assert store.load_meeting(meeting_id).get("attendees", []) == []
        await fill(pilot, "#p-role", "PC, early intervention")
        await fill(pilot, "#p-agency", "Police", submit=True)
        await pilot.pause()
    (person,) = store.load_meeting(meeting_id)["attendees"]
    assert (person["role"], person["agency"]) == ("PC, early intervention", "Police")


async def test_an_advocate_is_recorded_with_the_family_and_shown_as_an_advocate(make_app, new_meeting, store):
    from textual.widgets import DataTable

    meeting_id = new_meeting("hampshire", **TWO_PART)  # the part is asked only then (G-08)
    parent = store.add_item(
        meeting_id, "attendees", {"name": "Lisa Evans", "role": "Mother", "attendance": "present", "is_family": True}
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "attendance")
        await pilot.press("ctrl+n")
        await pilot.pause()
        await fill(pilot, "#p-name", "Rae Lloyd")
        await fill(pilot, "#p-agency", "Family Rights Group")
        await choose(pilot, "#p-as", "advocate")
        await choose(pilot, "#p-parts", "family")
        await pilot.press("ctrl+s")
        await pilot.pause()
        table = app.screen.query_one("#people", DataTable)
        flags = [str(table.get_row_at(i)[-1]) for i in range(table.row_count)]
    advocate = next(a for a in store.load_meeting(meeting_id)["attendees"] if a["id"] != parent)
    assert advocate["is_family"] is True and advocate["role"] == "Advocate" and advocate["parts"] == "family"
    assert flags == ["family", "advocate, part 2 only"]


async def test_enter_on_a_person_edits_every_field_and_keeps_the_others(make_app, new_meeting, store):
    meeting_id = new_meeting("hampshire")
    store.add_item(
        meeting_id,
        "attendees",
        {"name": "Tom Hart", "role": "PC", "agency": "Police", "attendance": "present", "is_expert": True},
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "attendance")
        app.screen.query_one("#people").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(pilot) == "PersonForm"
        await fill(pilot, "#p-role", "PC, early intervention")
        await fill(pilot, "#p-email", "tom.hart@example.org", submit=True)
        await pilot.pause()
    (person,) = store.load_meeting(meeting_id)["attendees"]
    assert person["role"] == "PC, early intervention" and person["email"] == "tom.hart@example.org"
    assert person["is_expert"] is True and person["attendance"] == "present"


# -- section 4: where the meeting is ------------------------------------------------------------------
async def test_reopening_a_running_meeting_lands_on_the_step_in_progress_with_its_own_clock(
    make_app, new_meeting, store, clock
):
    meeting_id = new_meeting("hampshire")
    store.set_status(meeting_id, "in_progress")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, None)
        assert app.screen.step.key == "details"
        clock.advance(177)  # 02:57 on the first step
        app.goto_step("identified_during")
        await pilot.pause()
        clock.advance(65)
        await pilot.press("f10")  # back to the meetings list
        await pilot.pause()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, None)
        assert screen_name(pilot) == "EntriesStep" and app.screen.step.key == "identified_during"
        app.screen.refresh_header()
        assert str(app.screen.query_one("#step-clock", Label).content) == "This step 01:05 / 10:00"


def test_ending_before_the_recorded_start_writes_no_end_time_and_says_why(store, new_meeting, clock):
    meeting_id = new_meeting("hampshire")
    store.set_fields(meeting_id, {"start_time": "14:00"})  # the planned time, typed in set-up
    store.set_status(meeting_id, "in_progress")
    clock.advance(55 * 60)  # 10:55 by the fixed clock
    note = store.set_status(meeting_id, "in_review")
    meeting = store.load_meeting(meeting_id)
    assert meeting["status"] == "in_review" and meeting["start_time"] == "14:00"
    assert "end_time" not in meeting
    assert note and "10:55" in note and "14:00" in note and "no end time was written" in note


def test_ending_after_the_start_writes_the_end_time(store, new_meeting, clock):
    meeting_id = new_meeting("hampshire")
    store.set_status(meeting_id, "in_progress")
    clock.advance(75 * 60)
    assert store.set_status(meeting_id, "in_review") is None
    meeting = store.load_meeting(meeting_id)
    assert (meeting["start_time"], meeting["end_time"]) == ("10:00", "11:15")


async def test_the_details_step_shows_the_end_time_written_by_f3(make_app, new_meeting, store, clock):
    from textual.widgets import Input

    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "details")
        await pilot.press("f3")
        await pilot.pause()
        clock.advance(3600)
        await pilot.press("f3")
        await pilot.pause()
        clock.advance(1)
        await pilot.press("y")
        await pilot.pause()
        await pilot.pause()
        assert store.load_meeting(meeting_id)["end_time"] == "11:00"
        assert app.screen.query_one("#f-end_time", Input).value == "11:00"


async def test_ending_before_the_start_tells_the_chair(make_app, new_meeting, store, clock):
    meeting_id = new_meeting("hampshire")
    store.set_fields(meeting_id, {"start_time": "14:00"})
    store.set_status(meeting_id, "in_progress")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "aim")
        await pilot.press("f3")
        await pilot.pause()
        clock.advance(1)
        await pilot.press("y")
        await pilot.pause()
        said = [n.message for n in app._notifications]
    assert any("before its recorded start time of 14:00" in m for m in said)


async def test_the_header_says_which_part_is_running_after_f4(make_app, new_meeting, store):
    meeting_id = new_meeting("hampshire")
    store.set_fields(meeting_id, {"family.attending": "part_two", "family.not_attending_rationale": "Pros first."})
    store.set_status(meeting_id, "in_progress")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "aim")
        part = app.screen.query_one("#meeting-part", Label)
        assert part.display and str(part.content) == "Part 1"
        await pilot.press("f4")
        await pilot.pause()
        assert str(part.content) == "Part 2"
        app.goto_step("identified_during")  # every step's header says so
        await pilot.pause()
        await pilot.pause()
        assert str(app.screen.query_one("#meeting-part", Label).content) == "Part 2"
        header = first_line(app.export_screenshot())
        assert "Part 2" in header and "This step 00:00 / 10:00" in header  # it fits beside the step clock


async def test_a_one_part_meeting_shows_no_part(make_app, new_meeting, store):
    meeting_id = new_meeting("hampshire")
    store.set_fields(meeting_id, {"family.attending": "whole"})
    store.set_status(meeting_id, "in_progress")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "aim")
        assert not app.screen.query_one("#meeting-part", Label).display


def test_minutes_closing_rows_name_the_adult_or_their_family(store, new_meeting, templates):
    from mapm_tui.minutes.layout import build_layout

    meeting_id = _adult_meeting(store, new_meeting)
    store.set_fields(
        meeting_id,
        {"feedback_to_family.by_name": "Claire Foster", "minutes_sharing.share_with_family": True},
    )
    text = repr(build_layout(store.load_meeting(meeting_id), templates["calderdale"], family=False))
    assert "Who tells the adult or their family" in text and "Minutes shared with the adult or their family" in text


def test_every_shipped_prompt_fills_for_a_child_an_adult_and_both(templates):
    from mapm_tui.subject_words import WORDS

    for template in templates.values():
        for step in template.steps:
            for words in WORDS.values():
                assert "{" not in words.fill(step.prompt), (template.key, step.key)
    hants = templates["hampshire"].step("new_information").prompt
    assert WORDS["child"].fill(hants).startswith("Each agency shares what it knows that is new. What is the child's")
    assert "the adult's lived experience" in WORDS["adult"].fill(hants)


def test_person_form_at_80x24(snap_compare, make_app, new_meeting, store):
    """The whole form fits a small terminal: every field and the keys that save and cancel."""
    meeting_id = new_meeting("hampshire", case_ref="EH-2026-0999", **TWO_PART)
    store.add_item(
        meeting_id,
        "attendees",
        {
            "name": "Rae Lloyd",
            "role": "Advocate",
            "agency": "Family Rights Group",
            "email": "rae.lloyd@example.org",
            "attendance": "invited",
            "is_family": True,
            "parts": "family",
        },
    )

    async def run_before(pilot):
        await pilot.pause()
        pilot.app.open_meeting(meeting_id, "attendance")
        await pilot.pause()
        pilot.app.screen.query_one("#people").focus()
        await pilot.press("enter")
        await pilot.pause()
        for widget in pilot.app.screen.query("Input"):
            widget.cursor_blink = False
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


async def test_a_half_typed_time_stays_on_screen_when_the_step_is_shown_again(make_app, new_meeting, store):
    from textual.widgets import Input

    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "details")
        await fill(pilot, "#f-start_time", "9:3")
        await fill(pilot, "#f-venue", "Room 2")  # the meeting changes, so the step redraws when shown again
        await pilot.press("alt+right")
        await pilot.pause()
        await pilot.press("alt+left")
        await pilot.pause()
        await pilot.pause()
        assert app.screen.query_one("#f-start_time", Input).value == "9:3"
        assert app.screen.query_one("#f-venue", Input).value == "Room 2"


def test_a_role_without_a_name_keeps_the_bundle_valid(store, new_meeting, templates):
    """The bundle's person needs a name: a role typed while the name is empty is kept in the database
    (it comes back with the name) but exported only with one."""
    meeting_id = new_meeting("hampshire")
    store.set_fields(meeting_id, {"chair.name": "Dawn Ashcroft", "chair.role": "Team manager, east"})
    store.set_fields(meeting_id, {"chair.name": None})  # the chair cleared the name to retype it
    exported = bundle.export_bundle(store, meeting_id)
    assert "chair" not in exported["meeting"]
    assert bundle.problems(exported, templates) == []
    store.set_fields(meeting_id, {"chair.name": "Dawn Ashby"})
    assert store.load_meeting(meeting_id)["chair"] == {"name": "Dawn Ashby", "role": "Team manager, east"}


def test_an_end_time_typed_before_the_start_is_a_finding(store, new_meeting, templates):
    meeting_id = new_meeting("hampshire")
    store.set_fields(meeting_id, {"start_time": "14:00", "end_time": "09:05"})
    found = [
        f
        for f in rules.check_meeting(store.load_meeting(meeting_id), templates["hampshire"])
        if "end time" in f.message
    ]
    assert [(f.rule, f.severity, f.step) for f in found] == [("G-20", "warn", "details")]
    assert "09:05" in found[0].message and "14:00" in found[0].message
    store.set_fields(meeting_id, {"end_time": "15:05"})
    assert not [
        f
        for f in rules.check_meeting(store.load_meeting(meeting_id), templates["hampshire"])
        if "end time" in f.message
    ]


async def test_a_form_step_shown_again_survives_its_chosen_attendee_being_removed(make_app, new_meeting, store):
    from textual.widgets import Select

    meeting_id = new_meeting("hampshire")
    kept = store.add_item(meeting_id, "attendees", {"name": "Ben Adair", "attendance": "present"})
    gone = store.add_item(meeting_id, "attendees", {"name": "Tom Hart", "attendance": "present"})
    store.set_fields(meeting_id, {"feedback_to_family.by_attendee_id": gone})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "feedback_to_family")
        app.live.delete_item("attendees", gone)  # the record still names them
        await pilot.press("alt+left")
        await pilot.pause()
        await pilot.press("alt+right")
        await pilot.pause()
        await pilot.pause()
        select = app.screen.query_one("#f-feedback_to_family--by_attendee_id", Select)
        assert [v for _label, v in select._options if v is not Select.NULL] == [kept]
        assert app.live.field("feedback_to_family.by_attendee_id") == gone  # nothing changed behind the chair
