"""Attendance and apologies: who is here, who sent apologies, and how those are covered (G-22, G-23)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import DataTable, Input

from ..people import PeoplePanel
from ..step_base import StepBody


class AttendanceStep(StepBody):
    HELP = (
        "Mark each person as they are confirmed: with the list focused, p present, a apologies, "
        "w written contribution, s substitute (you are asked for whom), x absent, i invited, e expert, "
        'f family member, Enter edits every field. To add someone type "name, role, agency" in the line above '
        "the list and press Enter, or ctrl+n for the form (e-mail, advocate or supporter, the part of a "
        "two-part meeting attended). Tab moves between the line and the list. An apology with neither a "
        "substitute nor a written contribution is flagged in the review (G-22)."
    )
    # the list takes the room left on the screen, so the step's title and prompt stay in sight (a list of
    # a fixed most rows ran past the bottom of a 40-row terminal and the step scrolled its top away)
    DEFAULT_CSS = """
    AttendanceStep #people-panel { height: 1fr; }
    AttendanceStep #people { height: 1fr; min-height: 5; }
    """

    def compose_body(self) -> ComposeResult:
        yield PeoplePanel(self.live, id="people-panel")

    def refresh_step(self) -> None:
        panel = self.query_one(PeoplePanel)
        table = self.query_one("#people", DataTable)
        keep = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value) if table.row_count else None
        panel.refresh_people(keep)

    def first_focus(self):
        table = self.query_one("#people", DataTable)
        if table.row_count and self.live.editable:
            return table
        return self.query_one("#person-input", Input)
