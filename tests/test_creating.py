"""Creating a meeting and opening its set-up: the new row and the form's fields are one transaction (all or
nothing), the screen reads what it needs in one go, and showing the set-up screen writes nothing the chair
did not change (each write is a transaction, a lock and a commit on a server: bench/new_meeting.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from mapm_tui.audit import events
from mapm_tui.live import LiveMeeting
from mapm_tui.store import StoreError
from tests.pilot_helpers import wait_until

DAY = dt.date(2026, 11, 24)

pytestmark = pytest.mark.both_dialects


def test_a_new_meeting_has_its_fields_and_one_created_event(store, templates):
    mid = store.create_meeting(templates["hampshire"], DAY, case_ref="CSC/1", title="About Sam")
    m = store.load_meeting(mid)
    assert (m["case_ref"], m["title"], m["date"], m["status"]) == ("CSC/1", "About Sam", "2026-11-24", "draft")
    assert [e.kind for e in events(store, mid)] == ["created"]


def test_a_field_refused_leaves_no_meeting_behind(store, templates):
    with pytest.raises(StoreError, match="was not saved"):
        store.create_meeting(templates["hampshire"], DAY, case_ref="x" * 301)
    assert store.list_meetings() == []


def test_the_live_meeting_reads_what_the_store_holds(store, templates, clock):
    mid = store.create_meeting(templates["calderdale"], DAY, case_ref="CSC/2")
    store.save_draft(mid, "capture:aim", "half typed")
    store.add_step_time(mid, "aim", 30)
    live = LiveMeeting(store, mid, clock)
    assert live.meeting == store.load_meeting(mid)
    assert live.template.key == "calderdale" and live.steps[0].key == templates["calderdale"].steps[0].key
    assert live.draft("capture:aim") == "half typed"
    assert live.step_seconds("aim") == 30
    assert live.status == "draft" and not live.part_two_started


def test_a_step_change_writes_what_was_typed_at_once_and_where_the_chair_is_with_the_next_save(store, templates, clock):
    """Leaving a step writes its half-typed line before the next step is drawn; the marker of which step
    the chair is on (saved on every step change) goes with the autosave timer instead of costing a commit
    of its own each time the chair pages through the agenda. A quit or a signal (save_progress) writes it."""
    mid = store.create_meeting(templates["hampshire"], DAY, case_ref="CSC/4")
    live = LiveMeeting(store, mid, clock)
    live.enter_step("aim")
    live.autosaver.flush()  # (the marker for "aim", as the timer would)
    assert LiveMeeting(store, mid, clock).resume_step == "aim"
    live.set_draft("capture:aim", "Mum said the school run")
    live.enter_step("known_before")
    reopened = LiveMeeting(store, mid, clock)
    assert reopened.draft("capture:aim") == "Mum said the school run"  # written on leaving the step
    assert reopened.resume_step == "aim"  # the new marker waits for the timer
    live.enter_step("new_information")
    assert LiveMeeting(store, mid, clock).resume_step == "aim"
    live.save_progress()  # the quit, a signal, the privacy key
    assert LiveMeeting(store, mid, clock).resume_step == "new_information"


async def test_showing_the_setup_screen_writes_nothing(store, templates, make_app, monkeypatch):
    mid = store.create_meeting(templates["hampshire"], DAY, case_ref="CSC/3", title="T", venue="Room 2")
    written = []
    original = type(store).set_fields

    def spy(self, meeting_id, values):
        written.append(values)
        return original(self, meeting_id, values)

    monkeypatch.setattr(type(store), "set_fields", spy)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.store is not None and app.screen.__class__.__name__ == "HomeScreen")
        app.open_meeting(mid)
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "SetupScreen" and app.screen.is_mounted)
        for _ in range(5):  # what the form's widgets say as they are filled has been handled
            await pilot.pause()
        assert written == []
        venue = app.screen.query_one("#f-venue")
        venue.focus()
        venue.value = "Room 3"  # a real change is still saved
        await wait_until(pilot, lambda: written == [{"venue": "Room 3"}] or len(written) > 1)
    assert written == [{"venue": "Room 3"}]
    assert store.load_meeting(mid)["venue"] == "Room 3"
