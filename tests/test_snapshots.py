"""How the screens look, as SVG snapshots (tests/__snapshots__/): 120x40, a fixed clock, cursor blink
off, the data folder in tmp. After a deliberate change of look, review the new pictures and run
`pytest tests/test_snapshots.py --snapshot-update`."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from mapm_tui.bundle import import_bundle
from tests.samples import load_sample

SIZE = (120, 40)


@pytest.fixture
def samples(store, templates):
    return [
        import_bundle(store, load_sample(n), templates)
        for n in ("hampshire-planning.json", "calderdale-adult-disagreement.json")
    ]


def still(pilot) -> None:
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False


def at(meeting_id: str, step: str | None, then=None):
    async def run_before(pilot) -> None:
        await pilot.pause()
        pilot.app.open_meeting(meeting_id, step)
        await pilot.pause()
        if then is not None:
            await then(pilot)
            await pilot.pause()
        still(pilot)
        await pilot.pause()

    return run_before


def test_home(snap_compare, make_app, samples):
    async def run_before(pilot):
        await pilot.pause()
        await pilot.pause()
        still(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_setup(snap_compare, make_app, new_meeting, store):
    meeting_id = new_meeting("hampshire", case_ref="EH-2026-0999", venue="Room 2, Example Family Centre")
    store.set_fields(
        meeting_id, {"meeting_type": "planning", "other_procedure": "team_around_the_child", "reasons": ["drift"]}
    )
    store.add_item(meeting_id, "subjects", {"name": "Sam Example", "kind": "child", "date_of_birth": "2015-03-12"})
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=at(meeting_id, None))


def test_entries_step(snap_compare, make_app, samples):
    async def typing(pilot):
        pilot.app.screen.query_one("#capture", Input).value = "r: Dad drives after drinking @adair"

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=at(samples[0], "identified_during", typing))


def test_action_form_with_findings(snap_compare, make_app, samples):
    async def open_vague_action(pilot):
        table = pilot.app.screen.query_one("#actions")
        table.move_cursor(row=3)  # act-4: vague, agency only, no need addressed, due after the review
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=at(samples[0], "plan", open_vague_action))


def test_help(snap_compare, make_app, samples):
    async def help_(pilot):
        await pilot.press("f1")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=at(samples[0], "identified_during", help_))
