"""Defects found by using the integrated app as a chair would (QA, issue 10/11/17 promises), each with
the Pilot test that failed before its fix."""

from __future__ import annotations

from textual.widgets import Input

from tests.test_capture_sources import SIZE, STEP, meeting_with_people, open_step, type_keys

DRAFT = "Grandmother collects the boys from school every weekday and cooks tea"


async def test_a_key_typed_on_returning_to_a_draft_adds_to_it_rather_than_replacing_it(make_app, new_meeting, store):
    """The capture line's draft (kept when the terminal died mid-sentence, or when the chair left the
    step) came back selected: the next letter typed replaced the whole sentence, and the autosave
    then stored that letter in its place."""
    meeting_id, _ids = meeting_with_people(new_meeting, store)
    store.save_draft(meeting_id, f"capture:{STEP}", DRAFT)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, meeting_id)
        field = pilot.app.screen.query_one("#capture", Input)
        assert field.has_focus and field.value == DRAFT
        await type_keys(pilot, " at five")
        assert field.value == DRAFT + " at five"


async def test_a_key_typed_when_editing_an_entry_adds_to_its_text(make_app, new_meeting, store):
    """Enter on an entry puts its text in the capture line to correct it: the first key typed must not
    replace the whole entry."""
    meeting_id, _ids = meeting_with_people(new_meeting, store)
    store.add_item(meeting_id, "entries", {"kind": "strength", "text": DRAFT, "step": STEP})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, meeting_id)
        pilot.app.screen.query_one("#entries").focus()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        field = pilot.app.screen.query_one("#capture", Input)
        assert field.has_focus and field.value == DRAFT
        await type_keys(pilot, " daily")
        assert field.value == DRAFT + " daily"
