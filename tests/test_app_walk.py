"""A whole meeting on each shipped template, from the home screen to the end of the last step, by keys
(long text is set in the field directly, as if typed; the keys that move, add and choose are pressed).
Afterwards the database must hold exactly what was typed, and the completeness check must find nothing.
"""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, SelectionList

from mapm_tui import rules
from tests.pilot_helpers import choose, fill, screen_name

SIZE = (120, 40)


async def new_meeting(pilot, case_ref: str, template: str) -> str:
    await pilot.pause()
    await pilot.press("n")
    await pilot.pause()
    assert screen_name(pilot) == "NewMeetingDialog"
    await choose(pilot, "#new-template", template)
    await fill(pilot, "#new-date", "today")
    await fill(pilot, "#new-case", case_ref)
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert screen_name(pilot) == "SetupScreen"
    return pilot.app.live.id


async def set_up(pilot, subject: str) -> None:
    await choose(pilot, "#f-meeting_type", "planning")
    await fill(pilot, "#f-venue", "Room 2, Example Family Centre")
    await fill(pilot, "#f-chair--name", "Ann Chair")
    reasons = pilot.app.screen.query_one("#reasons", SelectionList)
    reasons.focus()
    await pilot.press("space")  # the first reason: uncertainty
    await fill(pilot, "#f-authorised_by--name", "Dee Lead")
    await fill(pilot, "#subject-input", subject, submit=True)
    await choose(pilot, "#f-family--informed_beforehand", True)
    await choose(pilot, "#f-family--attending", "whole")
    await fill(pilot, "#person-input", "Ann Chair, chair, Children's Services", submit=True)
    await fill(pilot, "#person-input", "Ben Nurse, school nurse, Health", submit=True)
    await fill(pilot, "#person-input", "Cal Teacher, class teacher, Example Primary", submit=True)
    await pilot.press("f3")
    await pilot.pause()
    assert pilot.app.live.status == "in_progress"


async def next_step(pilot) -> None:
    await pilot.press("alt+right")
    await pilot.pause()


#: What the chair types at each step kind (and at each entries step, by its key).
ENTRIES = {
    "known_before": ["n: Attendance this term is 60%."],
    "needs_strengths_risks": ["n: Attendance this term is 60%.", "s: Mum has kept every appointment."],
    "new_information": ["v: Sam says mornings are hard @Ben", "i: The GP has no concerns."],
    "identified_during": ["r: Late nights at the weekend."],
    "addressing_needs": ["h: A morning routine agreed with Mum."],
    "individual_information": ["v: Sam says mornings are hard @Ben"],
    "plan_views": ["f: Mum agrees with the plan."],
}


async def do_step(pilot, typed: dict) -> None:
    screen = pilot.app.screen
    step = screen.step
    kind = step.kind
    if kind == "details":
        await fill(pilot, "#f-start_time", "10:05")
    elif kind == "text":
        text = f"{step.title}: typed by the chair."
        await fill(pilot, "#text-field", text)
        typed[step.field] = text
    elif kind == "attendance":
        table = screen.query_one("#people", DataTable)
        table.focus()
        await pilot.press("p", "down", "p", "down", "w")
    elif kind == "entries":
        for line in ENTRIES[step.key]:
            await fill(pilot, "#capture", line, submit=True)
    elif kind == "actions":
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen_name(pilot) == "ActionForm"
        await fill(pilot, "#a-description", "Meet Sam and Mum to agree a written morning routine.")
        await fill(pilot, "#a-owner", "Ben")
        await fill(pilot, "#a-due", "next fri")
        await fill(pilot, "#a-success_measure", "A routine both have signed.")
        addresses = pilot.app.screen.query_one("#a-addresses", SelectionList)
        addresses.focus()
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen_name(pilot).endswith("Step")
    elif kind == "family_meeting":
        await choose(pilot, "#f-family_meeting--considered", False)
    elif kind == "lead_practitioner":
        await fill(pilot, "#f-lead_practitioner--name", "Ben Nurse")
        await fill(pilot, "#f-lead_practitioner--agency", "Health")
        await choose(pilot, "#f-lead_practitioner--changed", True)
    elif kind == "disagreement":
        await choose(pilot, "#f-disagreement--any", False)
    elif kind == "feedback_to_family":
        await fill(pilot, "#f-feedback_to_family--not_needed_reason", "The family attended the whole meeting.")
    elif kind == "minutes_sharing":
        await choose(pilot, "#f-minutes_sharing--share_with_family", True)
    elif kind == "next_review":
        await choose(pilot, "#f-next_review--required", True)
        await fill(pilot, "#f-next_review--date", "in 6 weeks")
    else:  # pragma: no cover - a new step kind needs its line here
        raise AssertionError(f"no walk for step kind {kind}")


@pytest.mark.both_dialects  # and on a team's PostgreSQL server (issue 13)
@pytest.mark.parametrize(
    "template,subject",
    [("hampshire", "Sam Example, 12/03/2015"), ("calderdale", "Sam Example, 12/03/2015")],
)
async def test_a_whole_meeting_by_keys(make_app, store, clock, template, subject):
    app = make_app()
    typed: dict = {}
    async with app.run_test(size=SIZE) as pilot:
        meeting_id = await new_meeting(pilot, f"CASE-{template}", template)
        await set_up(pilot, subject)
        steps = app.live.steps
        for number, step in enumerate(steps):
            assert pilot.app.screen.step.key == step.key, f"expected step {number + 1} {step.key}"
            await do_step(pilot, typed)
            clock.advance(30)
            if number < len(steps) - 1:
                await next_step(pilot)
        await pilot.press("f3")  # end the meeting
        await pilot.pause()
        clock.advance(0.5)  # past the dialog's grace period (keys sooner than that are ignored)
        await pilot.press("y")
        await pilot.pause()
        assert app.live.status == "in_review"

    m = store.load_meeting(meeting_id)
    assert m["status"] == "in_review"
    assert m["case_ref"] == f"CASE-{template}"
    assert m["venue"] == "Room 2, Example Family Centre"
    assert m["chair"] == {"name": "Ann Chair"}
    assert m["reasons"] == ["uncertainty"]
    assert m["authorised_by"] == {"name": "Dee Lead"}
    assert m["subjects"] == [{"name": "Sam Example", "kind": "child", "date_of_birth": "2015-03-12"}]
    assert m["family"] == {"informed_beforehand": True, "attending": "whole"}
    assert [(a["name"], a.get("agency"), a["attendance"]) for a in m["attendees"]] == [
        ("Ann Chair", "Children's Services", "present"),
        ("Ben Nurse", "Health", "present"),
        ("Cal Teacher", "Example Primary", "written_contribution"),
    ]
    for field, text in typed.items():
        assert m[field] == text
    expected_entries = [line for s in app.live.steps if s.kind == "entries" for line in ENTRIES[s.key]]
    assert [e["text"] for e in m["entries"]] == [line.split(": ", 1)[1].split(" @")[0] for line in expected_entries]
    voice = next(e for e in m["entries"] if e["kind"] == "voice_of_subject")
    assert voice["source_attendee_id"] == "att-2" and voice["source_agency"] == "Health"
    # the family was there throughout, so everything said defaults to shared (design.md)
    assert all(e["share_with_family"] for e in m["entries"])
    [action] = m["actions"]
    need = next(e for e in m["entries"] if e["kind"] == "need")
    assert action["owner_attendee_id"] == "att-2" and action["agency"] == "Health"
    assert action["due_date"] == "2026-12-04"  # "next fri" from Tue 24 Nov 2026
    assert action["addresses"] == [need["id"]]
    assert m["lead_practitioner"] == {"name": "Ben Nurse", "agency": "Health", "changed": True}
    assert m["next_review"] == {"required": True, "date": "2027-01-05"}
    assert m["minutes_sharing"] == {"share_with_family": True}
    assert m["disagreement"] == {"any": False}
    assert m["start_time"] == "10:05"
    # everything the guidance asks for was captured: nothing left to find
    assert rules.check_meeting(m, store.template_of(meeting_id)) == []
    # and the time on each step was kept (30 s a step on the test clock)
    progress = store.step_progress(meeting_id)
    assert progress["details"].seconds == 30 and progress["aim"].seconds == 30


async def test_the_agenda_ticks_steps_as_they_get_content(make_app, new_meeting):
    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_meeting(meeting_id, "aim")
        await pilot.pause()
        label = lambda: app.screen.query_one("#agenda").label_of("aim")  # noqa: E731
        assert label().startswith("  ")
        await fill(pilot, "#text-field", "Agree a plan.")
        app.live.flush()
        app.screen.show_save_state()
        await pilot.pause()
        assert label().startswith("✓")


async def test_f2_and_enter_jump_to_a_step(make_app, new_meeting):
    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_meeting(meeting_id, "details")
        await pilot.pause()
        await pilot.press("f2", "down", "down", "down", "enter")
        await pilot.pause()
        assert app.screen.step.key == "aim"


async def test_the_palette_lists_every_step(make_app, new_meeting):
    from mapm_tui.screens.commands import system_commands

    meeting_id = new_meeting("calderdale")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_meeting(meeting_id, "details")
        await pilot.pause()
        titles = [c.title for c in system_commands(app, app.screen)]
        assert [t for t in titles if t.startswith("Step ")] == [
            f"Step {n}: {s.title}" for n, s in enumerate(app.live.steps, 1)
        ]
        [go] = [c for c in system_commands(app, app.screen) if c.title.startswith("Step 3:")]
        go.callback()
        await pilot.pause()
        assert app.screen.step.key == app.live.steps[2].key
