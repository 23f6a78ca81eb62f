"""Every action still open across all meetings, overdue first (G-34): only the latest action of each
carried-over chain, never done or cancelled ones. Enter opens the meeting it belongs to."""

from __future__ import annotations

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from mapm_tui import dates

from .app_contract import ScreensApp
from .widgets import Table, cut


def _day(iso: str | None) -> str:
    day = dates.parse_iso(iso)
    return dates.format_date(day) if day else "—"


class ActionsScreen(ModalScreen[None]):
    app = getters.app(ScreensApp)

    BINDINGS = [Binding("escape", "close", "Close", id="close_actions")]
    HELP_TITLE = "Open actions"
    HELP = (
        "Actions not yet done, across every meeting, overdue first. Enter opens the meeting of the highlighted action."
    )
    DEFAULT_CSS = """
    ActionsScreen { align: center middle; }
    ActionsScreen > Vertical {
        width: 116;
        max-width: 98%;
        height: 90%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    ActionsScreen #open-title { text-style: bold; color: $accent; width: 100%; }
    ActionsScreen DataTable { height: 1fr; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("", id="open-title")
            yield Table(id="open-actions", cursor_type="row", zebra_stripes=True)
            yield Label("Enter opens the meeting · Escape closes", classes="field-help")

    def on_mount(self) -> None:
        from mapm_tui import lifecycle

        found = lifecycle.actions(self.app.opened_store, today=self.app.clock.today())
        found.sort(key=lambda a: (not a.overdue, a.due_date or "9999"))
        table = self.query_one("#open-actions", DataTable)
        table.add_columns("Due", "", "Case", "Action", "Who")
        for a in found:
            table.add_row(
                _day(a.due_date),
                "OVERDUE" if a.overdue else "",
                cut(a.case_ref or a.meeting_id, 16),
                cut(f"{a.number}. {a.description}", 50),
                cut(a.owner or a.agency, 20),
                key=f"{a.meeting_id}|{a.action_id}",
            )
        overdue = sum(1 for a in found if a.overdue)
        self.query_one("#open-title", Label).update(f"Open actions: {len(found)}, of which overdue: {overdue}")
        table.focus()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        meeting_id = str(event.row_key.value).split("|", 1)[0]
        self.dismiss(None)
        self.app.open_meeting(meeting_id)

    def action_close(self) -> None:
        self.dismiss(None)
