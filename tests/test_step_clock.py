"""The meeting screen runs one header clock whichever step it opens on and however many steps' bodies it
has built: Textual calls `on_mount` of every class in a widget's MRO, so a step kind that also called the
base class's `on_mount` itself once started a second clock (never paused when the step was left) and
replayed its early keys twice."""

from __future__ import annotations

import pytest

from mapm_tui.agenda import shipped_templates


def _clocks(screen) -> int:
    return sum(1 for timer in screen._timers if timer.name == "clock")


def _one_step_of_each_kind() -> list[str]:
    seen: dict[str, str] = {}
    for step in shipped_templates()["hampshire"].steps:
        seen.setdefault(step.kind, step.key)
    return list(seen.values())


@pytest.mark.parametrize("step", _one_step_of_each_kind())
async def test_one_clock_per_step_screen(make_app, new_meeting, step):
    meeting_id = new_meeting("hampshire")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.open_meeting(meeting_id, step)
        await pilot.pause()
        assert getattr(app.screen, "step", None) is not None and app.screen.step.key == step
        assert _clocks(app.screen) == 1
        for other in _one_step_of_each_kind():
            app.goto_step(other)
            await pilot.pause()
        assert app.screen.step.key == other and _clocks(app.screen) == 1
