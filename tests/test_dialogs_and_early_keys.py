"""Two things a chair hits while typing live, by Pilot.

A Confirm that pops up while the chair is typing must not be answered by what they were typing: keys
within its grace period are ignored, and the destructive ones start on No so a stray Enter cancels.
An Enter typed straight after alt+right, before the next step's field has focus, is kept with the
letters before it and submits them, instead of leaving them unrecorded in the capture line."""

from __future__ import annotations

import pytest
from textual import events
from textual.app import App
from textual.widgets import DataTable, Input

from mapm_tui.bundle import import_bundle
from mapm_tui.screens.dialogs import Confirm
from tests.pilot_helpers import fill, screen_name
from tests.samples import load_sample

SIZE = (120, 40)
#: a little past Confirm.GRACE, moved on the app's (fixed) clock
PAST_GRACE = Confirm.GRACE + 0.1


async def open_at(pilot, meeting_id: str, step: str | None) -> None:
    await pilot.pause()
    pilot.app.open_meeting(meeting_id, step)
    await pilot.pause()


@pytest.fixture
def sample(store, templates):
    """The Hampshire sample, in review: entries, 6 actions, 9 people."""
    return import_bundle(store, load_sample("hampshire-planning.json"), templates)


# -- Confirm: the grace period ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "key,status",
    [("y", "in_review"), ("enter", "in_review"), ("n", "in_progress"), ("escape", "in_progress")],
)
async def test_end_meeting_ignores_keys_typed_as_it_appears_then_answers(
    make_app, new_meeting, store, clock, key, status
):
    meeting_id = new_meeting("hampshire")
    store.set_status(meeting_id, "in_progress")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "identified_during")
        await pilot.press("f3")
        await pilot.pause()
        assert screen_name(pilot) == "Confirm"
        # the chair was typing "yes we…" (or pressed Enter to add an entry) as the question appeared
        await pilot.press("y", "e", "s", "space", "w", "e", "enter", key)
        await pilot.pause()
        assert screen_name(pilot) == "Confirm"
        assert store.load_meeting(meeting_id)["status"] == "in_progress"
        clock.advance(PAST_GRACE)
        await pilot.press(key)
        await pilot.pause()
        assert screen_name(pilot) == "EntriesStep"
        assert app.screen.query_one("#capture", Input).value == ""  # what was ignored was not typed anywhere
    assert store.load_meeting(meeting_id)["status"] == status


async def test_enter_typed_straight_after_f3_does_not_end_the_meeting(make_app, new_meeting, store):
    """Typed in one burst, as a terminal delivers it: the keys after F3 reach the capture line before
    the dialog exists, and the Enter, bubbling up from there, would find the dialog's Yes button focused
    by the time the app looks up its binding. It must be ignored like any other key in the grace period."""
    meeting_id = new_meeting("hampshire")
    store.set_status(meeting_id, "in_progress")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "identified_during")
        assert app.focused.id == "capture"
        for name, character in [("f3", None), ("y", "y"), ("e", "e"), ("s", "s"), ("enter", "\r")]:
            app.post_message(events.Key(name, character))
        for _ in range(3):
            await pilot.pause()
        assert screen_name(pilot) == "Confirm"
        assert store.load_meeting(meeting_id)["status"] == "in_progress"


async def test_grace_period_starts_again_when_the_dialog_comes_back_from_the_blank_screen(
    make_app, new_meeting, store, clock
):
    meeting_id = new_meeting("hampshire")
    store.set_status(meeting_id, "in_progress")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "identified_during")
        await pilot.press("f3")
        await pilot.pause()
        clock.advance(PAST_GRACE)
        await pilot.press("f12")  # the blank screen works even under a dialog
        await pilot.pause()
        assert screen_name(pilot) == "PrivacyScreen"
        await pilot.press("x")
        await pilot.pause()
        assert screen_name(pilot) == "Confirm"
        await pilot.press("y")  # typed straight after coming back: ignored
        await pilot.pause()
        assert screen_name(pilot) == "Confirm" and store.load_meeting(meeting_id)["status"] == "in_progress"
        clock.advance(PAST_GRACE)
        await pilot.press("y")
        await pilot.pause()
    assert store.load_meeting(meeting_id)["status"] == "in_review"


@pytest.mark.parametrize("button,status", [("#yes", "in_review"), ("#no", "in_progress")])
async def test_clicking_a_button_answers_at_once(make_app, new_meeting, store, button, status):
    meeting_id = new_meeting("hampshire")
    store.set_status(meeting_id, "in_progress")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "identified_during")
        await pilot.press("f3")
        await pilot.pause()
        await pilot.click(button)  # a click is not typing: no grace period (the clock has not moved)
        await pilot.pause()
        assert screen_name(pilot) == "EntriesStep"
    assert store.load_meeting(meeting_id)["status"] == status


class BareApp(App):
    """An app with no `clock`: Confirm falls back to time.monotonic."""

    def __init__(self) -> None:
        super().__init__()
        self.answers: list = []

    def on_mount(self) -> None:
        self.push_screen(Confirm("Sure?"), self.answers.append)


@pytest.mark.parametrize("grace,answers", [(60.0, []), (0.0, [True])])
async def test_without_an_app_clock_the_grace_period_uses_real_time(monkeypatch, grace, answers):
    monkeypatch.setattr(Confirm, "GRACE", grace)
    app = BareApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.answers == answers


# -- Confirm: destructive questions start on No -----------------------------------------------------
async def test_enter_on_delete_this_entry_keeps_it_and_y_deletes_it(make_app, new_meeting, store, clock):
    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "identified_during")
        await fill(pilot, "#capture", "n: Needs a GP", submit=True)
        await fill(pilot, "#capture", "r: Late nights", submit=True)
        app.screen.query_one("#entries", DataTable).focus()
        await pilot.press("ctrl+home", "delete")
        await pilot.pause()
        assert screen_name(pilot) == "Confirm" and app.focused.id == "no"
        clock.advance(PAST_GRACE)
        await pilot.press("enter")  # meant for the capture line
        await pilot.pause()
        assert screen_name(pilot) == "EntriesStep"
        assert len(store.load_meeting(meeting_id)["entries"]) == 2
        await pilot.press("delete")
        await pilot.pause()
        clock.advance(PAST_GRACE)
        await pilot.press("y")
        await pilot.pause()
    assert [e["text"] for e in store.load_meeting(meeting_id)["entries"]] == ["Late nights"]


@pytest.mark.parametrize(
    "step, table, items, screen",
    [("plan", "#actions", "actions", "ActionsStep"), ("attendance", "#people", "attendees", "AttendanceStep")],
    ids=["delete action", "remove person"],
)
async def test_enter_on_delete_keeps_the_row(make_app, sample, store, clock, step, table, items, screen):
    before = [row["id"] for row in store.load_meeting(sample)[items]]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, sample, step)
        app.screen.query_one(table, DataTable).focus()
        await pilot.press("delete")
        await pilot.pause()
        assert screen_name(pilot) == "Confirm" and app.focused.id == "no"
        clock.advance(PAST_GRACE)
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(pilot) == screen
    assert [row["id"] for row in store.load_meeting(sample)[items]] == before


async def test_enter_on_replace_the_minutes_file_keeps_it(make_app, sample, tmp_path, clock):
    target = tmp_path / "minutes.docx"
    target.write_bytes(b"the minute-taker's own edits")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, sample, None)
        assert screen_name(pilot) == "ReviewScreen"
        await pilot.press("f7")
        await pilot.pause()
        await fill(pilot, "#ask-input", str(target), submit=True)
        assert screen_name(pilot) == "Confirm" and app.focused.id == "no"
        clock.advance(PAST_GRACE)
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(pilot) == "ReviewScreen"
    assert target.read_bytes() == b"the minute-taker's own edits"


async def test_ending_the_meeting_is_not_destructive_so_starts_on_yes(make_app, new_meeting, store):
    meeting_id = new_meeting("hampshire")
    store.set_status(meeting_id, "in_progress")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "identified_during")
        await pilot.press("f3")
        await pilot.pause()
        assert screen_name(pilot) == "Confirm" and app.focused.id == "yes"


# -- an Enter typed during a step change ------------------------------------------------------------
def post_keys(app, text: str) -> None:
    """Queue keys as the terminal would send them, "⏎" for Enter, before the next screen has mounted."""
    names = {" ": "space", ":": "colon", "⏎": "enter"}
    for ch in text:
        app.post_message(events.Key(names.get(ch, ch), "\r" if ch == "⏎" else ch))


async def test_enter_typed_during_a_step_change_records_the_entry(make_app, new_meeting, store):
    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "details")
        app.goto_step("identified_during")
        post_keys(app, "r: x⏎")
        await pilot.pause()
        await pilot.pause()
        assert app.screen.query_one("#capture", Input).value == ""
    assert [(e["kind"], e["text"]) for e in store.load_meeting(meeting_id)["entries"]] == [("risk", "x")]


async def test_keys_after_an_early_enter_wait_for_the_entry_to_be_recorded(make_app, new_meeting, store):
    """The step clears the capture line when it records an entry: what was typed after the Enter
    must land in the line after that, not be wiped with it, and a second Enter records it too."""
    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "details")
        app.goto_step("identified_during")
        post_keys(app, "r: x⏎s: y⏎n: z")
        for _ in range(4):
            await pilot.pause()
        assert app.screen.query_one("#capture", Input).value == "n: z"
    entries = store.load_meeting(meeting_id)["entries"]
    assert [(e["kind"], e["text"]) for e in entries] == [("risk", "x"), ("strength", "y")]


async def test_enter_typed_during_a_step_change_is_a_newline_in_a_text_step(make_app, new_meeting):
    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "details")
        app.goto_step("introductions")
        post_keys(app, "Hello⏎all")
        await pilot.pause()
        await pilot.pause()
        assert app.screen.query_one("#text-field").text == "Hello\nall"


async def test_an_ordinary_enter_in_the_capture_line_still_records(make_app, new_meeting, store):
    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, meeting_id, "identified_during")
        await pilot.press("n", "colon", "space", "g", "p", "enter")
        await pilot.pause()
        assert app.screen.query_one("#capture", Input).value == ""
    assert [(e["kind"], e["text"]) for e in store.load_meeting(meeting_id)["entries"]] == [("need", "gp")]


async def test_a_long_question_wraps_instead_of_being_cut_off(make_app, sample):
    """ "Delete action 1? (Cancelling it keeps it in the minutes: …)" was cut at the dialog's edge, so
    the advice to cancel rather than delete could not be read."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, sample, "plan")
        app.screen.query_one("#actions", DataTable).focus()
        await pilot.press("delete")
        await pilot.pause()
        question = app.screen.query_one("#question")
        box = question.parent.content_region
        assert question.region.right <= box.right and question.region.height >= 2
        shown = "".join(
            "".join(segment.text for segment in line)
            for line in (question.render_line(y) for y in range(question.region.height))
        )
        assert "set its progress.)" in " ".join(shown.split())
