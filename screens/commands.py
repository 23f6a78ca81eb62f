"""The command palette (ctrl+p): jump to any agenda step, and every command the screens offer."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual.app import SystemCommand
from textual.markup import escape
from textual.screen import Screen

from .app_contract import ScreensApp


def system_commands(app: ScreensApp, screen: Screen) -> Iterable[SystemCommand]:
    yield SystemCommand(
        "Blank the screen (privacy)", "Hide everything at once; any key brings it back (F12)", app.action_privacy
    )
    yield SystemCommand("Help", "Every key on this screen (F1)", app.action_help)
    live = app.live
    if live is not None:
        for number, step in enumerate(live.steps, start=1):
            yield SystemCommand(
                f"Step {number}: {escape(step.title)}",  # a template's title is text, not markup
                "Go to this agenda step",
                partial(app.goto_step, step.key),
            )
        yield SystemCommand(
            "Meeting set-up", "Type of meeting, reasons, subjects, the family, invitees", app.open_setup
        )
        yield SystemCommand("Meetings (home)", "Close this meeting and list all meetings (F10)", app.close_meeting)
        yield SystemCommand(
            "Review and finalise", "The whole meeting as the minutes will read, with the findings", app.open_review
        )
    yield SystemCommand("Quit", "Save everything and leave (ctrl+q)", app.action_quit)
