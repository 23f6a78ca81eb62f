"""Every step of a big meeting (40 people, 300 entries, 80 actions) shows its title and prompt: the lists
take the room the screen has left instead of a fixed number of rows. A list of up to 24 rows ran past the
bottom of a 40-row terminal, and the step scrolled its own title and prompt out of sight as soon as the
focus landed in the capture line. And an entry just taken is in sight in a list longer than the screen."""

from __future__ import annotations

import pytest

from mapm_tui.screens.step_base import StepBody
from tests.minutes_fixtures import big_meeting
from tests.pilot_helpers import step_on_show, wait_until

#: the steps whose body is a form of several fields: at 80x24 they scroll (their first field, and the
#: title above it, are what the chair sees first); everything else fits the screen at both sizes
FORMS = {"DetailsStep", "FeedbackStep"}


@pytest.mark.sqlite_only
@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
async def test_each_step_shows_its_title_and_fits(store, templates, make_app, size):
    meeting = big_meeting()
    store.insert_meeting(meeting, templates[meeting["template"]])
    app = make_app()
    seen = []
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        app.open_meeting(meeting["id"], None)
        for step in templates[meeting["template"]].steps:
            app.goto_step(step.key)
            await wait_until(
                pilot,
                lambda key=step.key: step_on_show(app) and app.screen.body.step.key == key,
                f"step {step.key} on show",
            )
            await pilot.pause()
            body: StepBody = app.screen.body
            title = body.query_one("#step-title")
            kind = type(body).__name__
            seen.append(kind)
            assert body.scroll_y == 0, f"{step.key} ({kind}) scrolled its title away at {size}"
            assert body.region.contains_region(title.region), f"{step.key}: its title is out of sight at {size}"
            if size == (120, 40) or kind not in FORMS:
                assert body.virtual_size.height <= body.size.height, (
                    f"{step.key} ({kind}) needs {body.virtual_size.height} rows in {body.size.height} at {size}"
                )
    # the big meeting's lists are all there: long enough to have overflowed a fixed height
    assert {"EntriesStep", "ActionsStep", "AttendanceStep"} <= set(seen)


@pytest.mark.sqlite_only
async def test_an_entry_just_taken_is_in_sight_however_long_the_list(store, templates, make_app):
    """Enter took the entry and cleared the line, but on a step with more entries than rows the new one was
    added below the bottom of the list, out of sight, with the cursor (and the line under the list) still
    on the first: the chair saw no sign of what was taken. The cursor now goes to it, in view, in full below."""
    from textual.widgets import Input

    from tests.pilot_helpers import fill, on_show

    meeting = big_meeting()
    store.insert_meeting(meeting, templates[meeting["template"]])
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_meeting(meeting["id"], "identified_during")
        await wait_until(pilot, lambda: step_on_show(app), "the step on show")
        table = on_show(app, "#entries")
        visible_rows = table.size.height - 1  # (less the heading)
        assert table.row_count > visible_rows  # a list longer than the screen
        await fill(pilot, "#capture", "n: Maisie needs a bus pass to get to school", submit=True)
        await wait_until(pilot, lambda: on_show(app, "#capture", Input).value == "", "the entry taken")
        await pilot.pause()
        new = [e for e in app.live.entries_in_step(app.screen.body.step) if e["text"].startswith("Maisie needs")]
        assert len(new) == 1
        assert table.highlighted_key() == new[0]["id"]
        assert table.scroll_y <= table.cursor_row < table.scroll_y + visible_rows, (table.cursor_row, table.scroll_y)
        assert "Maisie needs a bus pass to get to school" in str(table.detail.content)
        assert app.focused is on_show(app, "#capture")  # the chair types on
