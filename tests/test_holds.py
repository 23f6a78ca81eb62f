"""Two windows on one meeting: one editor at a time, never last-writer-wins (issue 17).

Two stores on one file stand for two app windows (each its own engine and token, as two processes
have); the second app is the real one, driven with Pilot.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import text
from textual.widgets import Input, Label

from mapm_tui import audit, holds
from mapm_tui.app import MapmApp
from mapm_tui.holds import HeldElsewhere, Holder
from mapm_tui.store import open_store
from tests.pilot_helpers import fill, wait_until
from tests.samples import load_sample

MEETING = "m-2026-hants-001"
SIZE = (120, 40)


@pytest.fixture
def db(tmp_path, templates):
    from mapm_tui.bundle import import_bundle

    path = tmp_path / "meetings.db"
    store = open_store(path)
    import_bundle(store, load_sample("hampshire-planning.json"), templates)
    store.close()
    return path


@pytest.fixture
def two(db, clock):
    first, second = open_store(db, clock), open_store(db, clock)
    first.hold_token, second.hold_token = holds.new_token(), holds.new_token()
    yield first, second
    first.close()
    second.close()


def other_window(pid: int | None = None) -> Holder:
    """Another window on this host: a process that is alive (our parent) unless told otherwise."""
    here = Holder.here("Sam Chair")
    return Holder(here.name, here.os_user, here.host, pid or os.getppid())


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_the_second_window_cannot_overwrite_the_first_ones_text(two, clock):
    first, second = two
    holds.acquire(first.engine, MEETING, other_window(), first.hold_token, clock.utcnow())
    first.set_fields(MEETING, {"aim": "The first window's aim."})
    with pytest.raises(HeldElsewhere) as raised:
        second.set_fields(MEETING, {"aim": "The second window's aim."})
    assert "Sam Chair" in str(raised.value) and "since Tue 24 Nov 2026" in str(raised.value)
    with pytest.raises(HeldElsewhere):
        second.save_draft(MEETING, "capture:known_before", "half typed")
    with pytest.raises(HeldElsewhere):
        holds.acquire(second.engine, MEETING, Holder.here(), second.hold_token, clock.utcnow())
    assert second.load_meeting(MEETING)["aim"] == "The first window's aim."


def test_a_live_hold_cannot_be_taken_over_a_stale_one_can_with_a_reason(two, clock):
    first, second = two
    mine = holds.acquire(first.engine, MEETING, other_window(), first.hold_token, clock.utcnow())
    with pytest.raises(HeldElsewhere):
        holds.take_over(second.engine, MEETING, Holder.here(), second.hold_token, clock.utcnow(), "mine now")
    clock.advance(holds.STALE_AFTER.total_seconds() + 1)
    with pytest.raises(ValueError):
        holds.take_over(second.engine, MEETING, Holder.here(), second.hold_token, clock.utcnow(), "  ")
    taken = holds.take_over(
        second.engine, MEETING, Holder.here(), second.hold_token, clock.utcnow(), "the other laptop froze"
    )
    assert taken.takeover_reason == "the other laptop froze" and "Sam Chair" in taken.taken_over_from
    second.set_fields(MEETING, {"aim": "Taken over."})
    # the first window finds out at its next heartbeat, and cannot write any more
    assert holds.heartbeat(first.engine, mine, clock.utcnow()) is False
    with pytest.raises(HeldElsewhere):
        first.set_fields(MEETING, {"aim": "Too late."})
    assert first.load_meeting(MEETING)["aim"] == "Taken over."


def test_a_hold_whose_process_has_ended_is_stale_at_once(two, clock):
    first, _second = two
    hold = holds.acquire(first.engine, MEETING, other_window(dead_pid()), first.hold_token, clock.utcnow())
    assert hold.stale(clock.utcnow())
    holds.release(first.engine, hold)
    alive = holds.acquire(first.engine, MEETING, other_window(), first.hold_token, clock.utcnow())
    assert not alive.stale(clock.utcnow())


def test_a_released_hold_frees_the_meeting(two, clock):
    first, second = two
    hold = holds.acquire(first.engine, MEETING, other_window(), first.hold_token, clock.utcnow())
    holds.release(first.engine, hold)
    second.set_fields(MEETING, {"aim": "Free now."})
    assert holds.acquire(second.engine, MEETING, Holder.here(), second.hold_token, clock.utcnow())


async def test_the_app_opens_a_held_meeting_read_only_saying_who_has_it(two, clock):
    first, second = two
    holds.acquire(first.engine, MEETING, other_window(), first.hold_token, clock.utcnow())
    first.set_fields(MEETING, {"aim": "The first window's aim."})
    app = MapmApp(db=None, clock=clock, store=second, save_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        app.open_meeting(MEETING, "aim")
        await pilot.pause()
        assert not app.live.editable
        assert "being edited in another window" in app.live.read_only and "Sam Chair" in app.live.read_only
        assert app.screen.query_one("#text-field").read_only
        assert "READ-ONLY" in str(app.screen.query_one("#save-state").render())
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert second.load_meeting(MEETING)["aim"] == "The first window's aim."
    # the first window's hold is untouched by the second window quitting
    with first.engine.connect() as conn:
        assert holds.current(conn, MEETING).token == first.hold_token


async def test_a_held_draft_says_read_only_and_who_has_it_for_as_long_as_it_is_open(two, clock, templates):
    """A draft opens on its set-up screen: that screen too says READ-ONLY, and who holds the meeting and
    since when stays on it (not only in a message that goes after a few seconds)."""
    first, second = two
    draft = first.create_meeting(templates["hampshire"], clock.utcnow().date())
    holds.acquire(first.engine, draft, other_window(), first.hold_token, clock.utcnow())
    app = MapmApp(db=None, clock=clock, store=second, save_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        app.open_meeting(draft)
        await pilot.pause()
        assert type(app.screen).__name__ == "SetupScreen" and not app.live.editable
        assert "READ-ONLY" in str(app.screen.query_one("#save-state").render())
        held = app.screen.query_one("#held-by")
        assert held.display and "Sam Chair" in str(held.render()) and "since" in str(held.render())
        app.clear_notifications()
        await pilot.pause()
        assert "Sam Chair" in str(app.screen.query_one("#held-by").render())


async def test_the_app_offers_to_take_over_a_stale_hold_and_then_edits(two, clock):
    first, second = two
    holds.acquire(first.engine, MEETING, other_window(dead_pid()), first.hold_token, clock.utcnow())
    app = MapmApp(db=None, clock=clock, store=second, save_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        app.open_meeting(MEETING, "aim")
        await pilot.pause()
        await pilot.pause()
        assert type(app.screen).__name__ == "AskText"
        await fill(pilot, "#ask-input", "The laptop that had it open crashed.", submit=True)
        await pilot.pause()
        assert app.live.editable and app.live.read_only is None
        await fill(pilot, "#text-field", "Written after taking over.")
        app.live.flush()
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert second.load_meeting(MEETING)["aim"] == "Written after taking over."
    from mapm_tui import audit

    taken = [e for e in audit.events(second, MEETING) if e.kind == "taken_over"]
    assert len(taken) == 1 and "The laptop that had it open crashed." in taken[0].detail
    with second.engine.connect() as conn:
        row = conn.execute(text("SELECT count(*) FROM editor_hold")).scalar()
    assert row == 0, "the hold was not let go on quitting"


async def test_reopening_after_the_window_was_killed_takes_it_back_with_enter(two, clock):
    """The chair's own window was killed (or the laptop lost power): reopening the meeting says so, and the
    facts are offered as the audited reason, so one Enter takes it back (nothing to think up mid-meeting)."""
    first, second = two
    killed = dead_pid()
    holds.acquire(first.engine, MEETING, other_window(killed), first.hold_token, clock.utcnow())
    app = MapmApp(db=None, clock=clock, store=second, save_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        app.open_meeting(MEETING, "aim")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "AskText", "the offer to take it over")
        asked = app.screen
        assert "ended without closing" in str(asked.query_one(Label).render())
        assert f"process {killed}" in asked.query_one("#ask-input", Input).value
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.live is not None and app.live.editable, "the meeting to be editable")
        await pilot.pause()
        # (the read-only notice given on opening it stayed on screen beside the editable meeting)
        assert not any("read-only" in n.message for n in app._notifications), [n.message for n in app._notifications]
        await pilot.press("ctrl+q")
        await pilot.pause()
    taken = [e for e in audit.events(second, MEETING) if e.kind == "taken_over"]
    assert len(taken) == 1 and f"process {killed}" in taken[0].detail and "ended without closing" in taken[0].detail


async def test_a_stale_hold_of_another_computer_asks_why(two, clock):
    """A hold gone quiet on another computer may still be in use there: no reason is offered for it."""
    first, second = two
    elsewhere = Holder("Sam Chair", "sam", "LAPTOP-ELSEWHERE", 4242)
    holds.acquire(first.engine, MEETING, elsewhere, first.hold_token, clock.utcnow() - holds.STALE_AFTER * 2)
    app = MapmApp(db=None, clock=clock, store=second, save_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        app.open_meeting(MEETING, "aim")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "AskText", "the offer to take it over")
        assert app.screen.query_one("#ask-input", Input).value == ""
        await pilot.press("enter")  # nothing said: still read-only
        await pilot.pause()
        assert not app.live.editable


async def test_quitting_lets_go_of_the_hold(db, clock):
    store = open_store(db, clock)
    app = MapmApp(db=None, clock=clock, store=store)
    try:
        async with app.run_test(size=SIZE) as pilot:
            app.open_meeting(MEETING, "aim")
            await pilot.pause()
            with store.engine.connect() as conn:
                assert holds.current(conn, MEETING).token == store.hold_token
            await pilot.press("ctrl+q")
            await pilot.pause()
        with store.engine.connect() as conn:
            assert holds.current(conn, MEETING) is None
    finally:
        store.close()


def test_finalise_and_status_changes_are_refused_while_another_window_edits(two, clock, capsys):
    from mapm_tui import cli
    from mapm_tui.clock import Clock

    first, second = two
    # the real time: the CLI below runs on the real clock, and a hold from the fixed past would be stale
    holds.acquire(first.engine, MEETING, other_window(), first.hold_token, Clock().utcnow())
    with pytest.raises(HeldElsewhere):
        second.set_status(MEETING, "in_progress")
    code = cli.main(["--db", str(second.path), "finalise", MEETING, "--by", "A Minute-taker"])
    err = capsys.readouterr().err
    assert code == 1 and "being edited in another window" in err and "Sam Chair" in err
    assert first.meeting_row(MEETING).status == "in_review"
