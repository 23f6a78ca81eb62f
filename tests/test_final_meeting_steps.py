"""A final meeting's steps offer no way to change it. The key bar listed alt+s Strength, ctrl+o Fact/opinion,
ctrl+n New action … on a meeting nobody may change, the disabled capture line stood above the entries with
"New: Strength", and the step clock said "over" in red reverse, a warning meant for a running meeting, on
every step that had run long. Now the keys that edit are left out (and do nothing), the capture line is not
shown, and the clock says how long the step took. A meeting in review (the minute-taker edits it) keeps
them all."""

from __future__ import annotations

import pytest
from textual.widgets import Label

from mapm_tui.bundle import import_bundle
from mapm_tui.screens.widgets import KeyBar
from tests.pilot_helpers import step_on_show, wait_until
from tests.samples import load_sample

SIZE = (120, 40)
ENTRY_KEYS = {"Strength", "Need", "Risk", "Fact/opinion", "Clear From", "Share with family"}


def _meeting(store, templates, status: str) -> str:
    data = load_sample("hampshire-two-part.json")
    data["meeting"]["status"] = status
    return import_bundle(store, data, templates)


async def _open(pilot, meeting_id: str, step: str):
    app = pilot.app
    app.open_meeting(meeting_id, step)
    await wait_until(pilot, lambda: step_on_show(app) and app.screen.body.step.key == step, f"step {step}")
    await pilot.pause()
    return app.screen.body


def _keys_shown(app) -> set[str]:
    bar = app.screen.query_one(KeyBar)
    bar.refresh_keys()
    return {description for _keys, description in bar.shown_keys}


@pytest.mark.parametrize("status", ["final", "in_review"])
async def test_the_entries_step_offers_edits_only_where_the_meeting_can_change(make_app, store, templates, status):
    meeting_id = _meeting(store, templates, status)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        body = await _open(pilot, meeting_id, "identified_during")
        shown = _keys_shown(app)
        assert "Help" in shown  # (the bar is drawn)
        capture = body.query_one("#capture")
        before = body.kind
        await pilot.press("alt+r")
        await pilot.pause()
        if status == "final":
            assert not ENTRY_KEYS & shown, shown
            assert not capture.display and not body.query_one("#capture-kind").display
            assert body.kind == before  # the key did nothing
        else:
            assert {"Strength", "Need", "Risk", "Fact/opinion"} <= shown
            assert capture.display
            assert body.kind == "risk"


@pytest.mark.parametrize("status", ["final", "in_review"])
async def test_the_plan_offers_a_new_action_only_where_the_meeting_can_change(make_app, store, templates, status):
    meeting_id = _meeting(store, templates, status)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, meeting_id, "plan")
        assert ("New action" in _keys_shown(app)) == (status == "in_review")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert (type(app.screen).__name__ == "ActionForm") == (status == "in_review")


@pytest.mark.parametrize("status", ["final", "in_review"])
async def test_the_step_clock_of_a_meeting_that_has_ended_says_how_long_the_step_took(
    make_app, store, templates, status
):
    meeting_id = _meeting(store, templates, status)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        body = await _open(pilot, meeting_id, "identified_during")
        seconds = app.live.step_seconds(body.step.key)
        assert seconds > body.step.minutes * 60  # the sample's step ran long
        clock = app.screen.query_one("#step-clock", Label)
        assert str(clock.content).startswith("Took ") and "over" not in str(clock.content)
        assert not clock.has_class("red") and not clock.has_class("amber")
