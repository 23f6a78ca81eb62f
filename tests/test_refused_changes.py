"""A change the chair asks for by a key, when the database will not take it (a full disk, a lost server),
is refused in one sentence and the meeting goes on; once the database takes writes again the same key
works. Ending the meeting (F3), the family joining (F4), an attendance mark and an entry's family flag
each stopped the whole app as an "unexpected error" instead (found by trying each with the database failing).
"""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from tests.pilot_helpers import fill, on_show, step_on_show, wait_until
from tests.test_unsaved_entries import SIZE, Faults, open_step

PERSON = {"name": "Dana Kim", "role": "Social worker", "agency": "Children's Services", "attendance": "invited"}


@pytest.fixture
def running(store, new_meeting):
    """A two-part meeting under way (the family joins for part two), with one person invited."""
    meeting = new_meeting("hampshire", case_ref="EH-2026-0999")
    store.set_fields(
        meeting,
        {
            "family.informed_beforehand": True,
            "family.attending": "part_two",
            "family.not_attending_rationale": "Part one is for the professionals only.",
        },
    )
    store.add_item(meeting, "attendees", PERSON)
    store.set_status(meeting, "in_progress")
    return meeting


def _faults(store) -> Faults:
    return Faults(store, "lost" if store.engine.dialect.name == "postgresql" else "full")


async def _confirm(pilot) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: type(app.screen).__name__ == "Confirm", "the question")
    app.screen.GRACE = 0
    await pilot.press("y")
    await pilot.pause()


def _said(app, words: str) -> bool:
    return any(words in n.message for n in app._notifications)


async def _end(pilot) -> None:
    await pilot.press("f3")
    await _confirm(pilot)


@pytest.mark.both_dialects
async def test_ending_the_meeting_while_the_database_fails(make_app, store, running):
    faults = _faults(store)
    app = make_app(save_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, running, "aim")
        faults.fail()
        await _end(pilot)
        await wait_until(pilot, lambda: _said(app, "The meeting was not ended."), "the refusal")
        assert app.is_running and app.live.status == "in_progress"
        assert app.live.current_step == "aim"  # the step clock runs on
        faults.clear()
        await _end(pilot)
        await wait_until(pilot, lambda: app.live.status == "in_review", "the meeting ended")
    assert app.return_code in (None, 0)
    assert store.load_meeting(running)["status"] == "in_review"


@pytest.mark.both_dialects
async def test_the_family_joining_while_the_database_fails(make_app, store, running):
    faults = _faults(store)
    app = make_app(save_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, running, "aim")
        faults.fail()
        await pilot.press("f4")
        await wait_until(pilot, lambda: _said(app, "The family's joining was not recorded"), "the refusal")
        assert app.is_running and not app.live.part_two_started
        faults.clear()
        await pilot.press("f4")
        await wait_until(pilot, lambda: app.live.part_two_started, "part two marked")
    assert app.return_code in (None, 0)


@pytest.mark.both_dialects
async def test_an_attendance_mark_while_the_database_fails(make_app, store, running):
    faults = _faults(store)
    app = make_app(save_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, running, "attendance")
        on_show(app, "#people", DataTable).focus()
        await pilot.pause()
        faults.fail()
        await pilot.press("p")
        await pilot.pause()
        assert app.is_running
        assert str(on_show(app, "#person-error").render()).startswith("Not changed. ")
        assert app.live.attendee(app.live.meeting["attendees"][0]["id"])["attendance"] == "invited"
        faults.clear()
        await pilot.press("p")
        await wait_until(pilot, lambda: app.live.meeting["attendees"][0]["attendance"] == "present", "marked")
        assert str(on_show(app, "#person-error").render()) == ""
    assert app.return_code in (None, 0)


@pytest.mark.both_dialects
async def test_an_entrys_family_flag_while_the_database_fails(make_app, store, running):
    faults = _faults(store)
    app = make_app(save_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, running, "identified_during")
        await fill(pilot, "#capture", "n: Maisie needs a bus pass to get to school", submit=True)
        await wait_until(pilot, lambda: not app.live.entries_waiting and app.live.entries, "the entry saved")
        table = on_show(app, "#entries", DataTable)
        table.focus()
        await wait_until(pilot, lambda: step_on_show(app), "the list focused")
        shared = app.live.entries[0].get("share_with_family")
        faults.fail()
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: _said(app, "The entry was not changed."), "the refusal")
        assert app.is_running and app.live.entries[0].get("share_with_family") == shared
        faults.clear()
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: app.live.entries[0].get("share_with_family") == (not shared), "changed")
    assert app.return_code in (None, 0)
