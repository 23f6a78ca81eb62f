"""Every step of a big meeting (40 people, 300 entries, 80 actions) shows its title and prompt: the lists
take the room the screen has left instead of a fixed number of rows. A list of up to 24 rows ran past the
bottom of a 40-row terminal, and the step scrolled its own title and prompt out of sight as soon as the
focus landed in the capture line."""

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
