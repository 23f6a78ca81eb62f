"""How the screens look, as SVG snapshots (tests/__snapshots__/): every screen at 80x24 (the smallest
terminal a chair may have) and at 120x40, a fixed clock, cursor blink off, the data folder in tmp, plus
a few screens without colour (NO_COLOR: Textual's monochrome filter) to show that the focused widget, the
highlighted row and every tick box read without colour. After a deliberate change of look, review the new
pictures and run `pytest tests/test_snapshots.py --snapshot-update`."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from mapm_tui.bundle import import_bundle
from tests.pilot_helpers import step_on_show, wait_until
from tests.samples import load_sample

SMALL, LARGE = (80, 24), (120, 40)
SIZES = pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])


@pytest.fixture(autouse=True)
def login_name(monkeypatch):
    """The operating-system user the audit trail names when settings name nobody: the same on every machine."""
    monkeypatch.setenv("LOGNAME", "chair")


@pytest.fixture
def samples(store, templates):
    return [
        import_bundle(store, load_sample(n), templates)
        for n in ("hampshire-planning.json", "calderdale-adult-disagreement.json")
    ]


@pytest.fixture
def no_colour(monkeypatch):
    """NO_COLOR as a chair's terminal may set it: Textual reads it when the app is made."""
    monkeypatch.setenv("NO_COLOR", "1")


def still(pilot) -> None:
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False


def at(meeting_id: str | None, step: str | None, then=None, *, review: bool = False):
    async def run_before(pilot) -> None:
        await pilot.pause()
        if meeting_id is not None:
            pilot.app.open_meeting(meeting_id, step)
            await pilot.pause()
            if review:
                pilot.app.open_review()
                await pilot.pause()
        else:
            await pilot.pause()
        await wait_until(pilot, lambda: step_on_show(pilot.app), "the step's body to be built and shown")
        if then is not None:
            await then(pilot)
            await pilot.pause()
        still(pilot)
        await pilot.pause()

    return run_before


async def _press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()


@SIZES
def test_home(snap_compare, make_app, samples, size):
    assert snap_compare(make_app(), terminal_size=size, run_before=at(None, None))


@SIZES
def test_setup(snap_compare, make_app, new_meeting, store, size):
    meeting_id = new_meeting("hampshire", case_ref="EH-2026-0999", venue="Room 2, Example Family Centre")
    store.set_fields(
        meeting_id, {"meeting_type": "planning", "other_procedure": "team_around_the_child", "reasons": ["drift"]}
    )
    store.add_item(meeting_id, "subjects", {"name": "Sam Example", "kind": "child", "date_of_birth": "2015-03-12"})
    assert snap_compare(make_app(), terminal_size=size, run_before=at(meeting_id, None))


@SIZES
def test_attendance_step(snap_compare, make_app, samples, size):
    async def to_substitute(pilot):
        table = pilot.app.screen.query_one("#people")
        table.move_cursor(row=5)  # Priya Lal, substitute for Neil Barton

    assert snap_compare(make_app(), terminal_size=size, run_before=at(samples[0], "attendance", to_substitute))


@SIZES
def test_entries_step(snap_compare, make_app, samples, size):
    async def typing(pilot):
        pilot.app.screen.query_one("#capture", Input).value = "r: Dad drives after drinking @adair"

    assert snap_compare(make_app(), terminal_size=size, run_before=at(samples[0], "identified_during", typing))


@SIZES
def test_actions_step(snap_compare, make_app, samples, size):
    async def to_third(pilot):
        pilot.app.screen.query_one("#actions").move_cursor(row=2)

    assert snap_compare(make_app(), terminal_size=size, run_before=at(samples[0], "plan", to_third))


@SIZES
def test_action_form_with_findings(snap_compare, make_app, samples, size):
    async def open_vague_action(pilot):
        table = pilot.app.screen.query_one("#actions")
        table.move_cursor(row=3)  # act-4: vague, agency only, no need addressed, due after the review
        await _press(pilot, "enter")

    assert snap_compare(make_app(), terminal_size=size, run_before=at(samples[0], "plan", open_vague_action))


@SIZES
def test_read_only_step(snap_compare, make_app, store, templates, size):
    """A final meeting's step: the field disabled, the note saying why, and at 80x24 the agenda as narrow as
    when editing (its titles only while it has the focus)."""
    data = load_sample("hampshire-two-part.json")
    data["meeting"]["status"] = "final"
    meeting_id = import_bundle(store, data, templates)
    assert snap_compare(make_app(), terminal_size=size, run_before=at(meeting_id, "identified_during"))


@SIZES
def test_closing_step(snap_compare, make_app, samples, size):
    assert snap_compare(make_app(), terminal_size=size, run_before=at(samples[1], "disagreement"))


@SIZES
def test_next_review_step(snap_compare, make_app, samples, size):
    assert snap_compare(make_app(), terminal_size=size, run_before=at(samples[0], "next_review"))


@SIZES
def test_review(snap_compare, make_app, samples, size):
    assert snap_compare(make_app(), terminal_size=size, run_before=at(samples[0], None, review=True))


@SIZES
def test_case_screen(snap_compare, make_app, samples, size):
    async def case(pilot):
        await _press(pilot, "c")

    assert snap_compare(make_app(), terminal_size=size, run_before=at(samples[0], None, case, review=True))


@SIZES
def test_search(snap_compare, make_app, samples, size):
    async def search(pilot):
        await _press(pilot, "slash")
        pilot.app.screen.query_one("#search-input", Input).value = "gas"
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=size, run_before=at(None, None, search))


@SIZES
def test_new_meeting_dialog(snap_compare, make_app, samples, size):
    async def new(pilot):
        await _press(pilot, "n")

    assert snap_compare(make_app(), terminal_size=size, run_before=at(None, None, new))


@SIZES
def test_help(snap_compare, make_app, samples, size):
    async def help_(pilot):
        await _press(pilot, "f1")

    assert snap_compare(make_app(), terminal_size=size, run_before=at(samples[0], "identified_during", help_))


def test_action_form_without_colour(snap_compare, no_colour, make_app, samples):
    async def open_vague_action(pilot):
        pilot.app.screen.query_one("#actions").move_cursor(row=3)
        await _press(pilot, "enter")

    assert snap_compare(make_app(), terminal_size=LARGE, run_before=at(samples[0], "plan", open_vague_action))


def test_attendance_without_colour(snap_compare, no_colour, make_app, samples):
    async def to_substitute(pilot):
        pilot.app.screen.query_one("#people").move_cursor(row=5)

    assert snap_compare(make_app(), terminal_size=SMALL, run_before=at(samples[0], "attendance", to_substitute))


# -- the screens and dialogs that open over the others ----------------------------------------------
@SIZES
def test_overdue_actions(snap_compare, make_app, samples, size):
    async def actions(pilot):
        await _press(pilot, "a")

    assert snap_compare(make_app(), terminal_size=size, run_before=at(None, None, actions))


@SIZES
def test_audit_trail(snap_compare, make_app, samples, size):
    async def audit(pilot):
        await _press(pilot, "a")

    assert snap_compare(make_app(), terminal_size=size, run_before=at(samples[0], None, audit, review=True))


@SIZES
def test_distribution(snap_compare, make_app, samples, size):
    async def distribution(pilot):
        await _press(pilot, "d")

    assert snap_compare(make_app(), terminal_size=size, run_before=at(samples[0], None, distribution, review=True))


@SIZES
def test_send(snap_compare, make_app, samples, size):
    async def send(pilot):
        await _press(pilot, "s")

    assert snap_compare(make_app(), terminal_size=size, run_before=at(samples[0], None, send, review=True))


@SIZES
def test_password(snap_compare, make_app, samples, size):
    async def password(pilot):
        from mapm_tui.screens.password import AskPassword

        pilot.app.push_screen(AskPassword("the Word minutes", True))
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=size, run_before=at(None, None, password))


@SIZES
def test_person_form(snap_compare, make_app, samples, size):
    async def person(pilot):
        from mapm_tui.screens.person_form import PersonForm

        pilot.app.push_screen(
            PersonForm({"name": "Priya Lal", "role": "Housing officer", "agency": "Brookvale Homes"}, two_part=True)
        )
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=size, run_before=at(None, None, person))


@SIZES
def test_confirm(snap_compare, make_app, samples, size):
    async def confirm(pilot):
        from mapm_tui.screens.dialogs import Confirm

        pilot.app.push_screen(Confirm("Text typed while the disk was full was kept in a file. Put it back?"))
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=size, run_before=at(None, None, confirm))


@SIZES
def test_ask_text(snap_compare, make_app, samples, size):
    async def ask(pilot):
        from mapm_tui.screens.dialogs import AskText

        question = "This meeting is open in another window. Why take it over?"
        pilot.app.push_screen(AskText(question, placeholder="e.g. the laptop that had it open crashed"))
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=size, run_before=at(None, None, ask))


@SIZES
def test_privacy(snap_compare, make_app, samples, size):
    async def blank(pilot):
        await _press(pilot, "f12")

    assert snap_compare(make_app(), terminal_size=size, run_before=at(samples[0], None, blank, review=True))


@pytest.fixture
def encrypted_file(tmp_path, monkeypatch):
    """An encrypted database named `meetings.db` in the current folder (its path is on the screen)."""
    from mapm_tui import crypto
    from mapm_tui.store import open_store

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MAPM_PASSPHRASE")
    db = Path("meetings.db")
    open_store(db, key=crypto.key_for_file(db, "lantern meadow copper finch")).close()
    return db


@SIZES
def test_unlock(snap_compare, encrypted_file, clock, size):
    from mapm_tui.app import MapmApp
    from mapm_tui.passphrase import Unlocker

    app = MapmApp(db=str(encrypted_file), clock=clock, unlocker=Unlocker(encrypted_file))
    assert snap_compare(app, terminal_size=size, run_before=at(None, None))


@SIZES
def test_new_passphrase(snap_compare, tmp_path, monkeypatch, clock, size):
    from mapm_tui.app import MapmApp
    from mapm_tui.passphrase import Unlocker

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MAPM_PASSPHRASE")
    app = MapmApp(db="meetings.db", clock=clock, unlocker=Unlocker(Path("meetings.db")))
    assert snap_compare(app, terminal_size=size, run_before=at(None, None))
