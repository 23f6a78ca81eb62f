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


async def _answering(pilot) -> None:
    """Until the app sees the database answer again: a save that failed on a lost server holds the others,
    and keys that change the meeting are refused at once, until the thread asking the server hears it."""
    await wait_until(pilot, lambda: not pilot.app.live.autosaver.held, "the server answering again")


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
        await _answering(pilot)
        await _end(pilot)
        await wait_until(pilot, lambda: app.live.status == "in_review", "the meeting ended")
    assert app.return_code in (None, 0)
    assert store.load_meeting(running)["status"] == "in_review"


@pytest.mark.both_dialects
async def test_the_family_joining_while_the_database_fails_is_taken_and_written_when_it_can_be(
    make_app, store, running, clock
):
    """F4 is taken like an entry: what is said from then on is part two's (G-08) whether or not the database
    takes the mark at once; it is written, with the time F4 was pressed, once the database takes writes.
    (Refused, it left the words said with the family in the room marked as said before they came in.)"""
    faults = _faults(store)
    app = make_app(save_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, running, "identified_during")
        faults.fail()
        pressed = clock.utcnow()
        await pilot.press("f4")
        await pilot.pause()
        assert app.is_running and app.live.part_two_started and not app.live.may_mark_part_two
        assert "NOT SAVED" in str(app.screen.query_one("#save-state").render())
        await fill(pilot, "#capture", "r: Dad said he drives after drinking", submit=True)
        await wait_until(pilot, lambda: app.live.entries, "the entry taken")
        assert app.live.entries[-1]["part"] == "family"
        clock.advance(120)
        faults.clear()
        await wait_until(pilot, lambda: (app._autosave_tick(), not app.live.autosaver.pending)[1], "all saved")
    assert app.return_code in (None, 0)
    assert store.meeting_row(running).part_two_started_at.replace(tzinfo=None) == pressed.replace(tzinfo=None)
    assert [e["part"] for e in store.load_meeting(running)["entries"]] == ["family"]


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
        said = str(on_show(app, "#person-error").render())
        assert said.startswith("Not changed. ") and "kept" not in said  # (a mark waits in no queue)
        assert app.live.attendee(app.live.meeting["attendees"][0]["id"])["attendance"] == "invited"
        faults.clear()
        await _answering(pilot)
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
        await _answering(pilot)
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: app.live.entries[0].get("share_with_family") == (not shared), "changed")
    assert app.return_code in (None, 0)


@pytest.mark.both_dialects
async def test_the_family_joining_not_yet_written_goes_to_the_recovery_file_and_back(make_app, store, running, clock):
    """Quitting while F4 waits to be written keeps it (with its time) in the recovery file beside the text,
    and putting the file back marks part two as it was pressed."""
    from mapm_tui import recovery

    faults = _faults(store)
    app = make_app(save_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, running, "aim")
        faults.fail()
        pressed = clock.utcnow()
        await pilot.press("f4")
        await pilot.pause()
        assert app.live.part_two_started
        await pilot.press("ctrl+q")  # (the database still failing: the quit offers a recovery file)
        await _confirm(pilot)
    assert not app.is_running
    target = app.recovery_target()
    faults.clear()
    assert store.meeting_row(running).part_two_started_at is None
    (kept,) = recovery.find(target)
    assert recovery.restore(store, kept) >= 1
    started = store.meeting_row(running).part_two_started_at
    assert started is not None and started.replace(tzinfo=None) == pressed.replace(tzinfo=None)


@pytest.mark.both_dialects
async def test_time_on_a_step_not_yet_written_goes_to_the_recovery_file_and_back(make_app, store, running, clock):
    """The minutes spent on a step that the database did not take were kept only in the app, and lost with
    it when the chair quit before the database came back; they now wait with the text, in the file too."""
    from mapm_tui import recovery

    faults = _faults(store)
    app = make_app(save_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, running, "aim")
        clock.advance(90)
        faults.fail()
        await pilot.press("alt+right")  # the 90 s on the aim are banked on leaving it: refused
        await wait_until(pilot, lambda: app.live.current_step != "aim", "the next step")
        await pilot.press("ctrl+q")
        await _confirm(pilot)
    assert not app.is_running
    target = app.recovery_target()
    faults.clear()
    assert "aim" not in store.opened(running).progress
    (kept,) = recovery.find(target)
    assert kept.changes.get("step_time:aim", 0) >= 90
    recovery.restore(store, kept)
    assert store.opened(running).progress["aim"].seconds >= 90
