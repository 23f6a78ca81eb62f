"""A meeting's audit trail, oldest first: when (UTC), who (name and operating-system user), what (issue 12).

Opened from the review with `a`. The events come from `mapm_tui.audit`; this screen only shows them.
"""

from __future__ import annotations

import datetime as dt

from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from mapm_tui import audit, dates

from .app_contract import ScreensApp
from .widgets import Table, cut


def _when(event: audit.Event) -> str:
    try:
        moment = dt.datetime.fromisoformat(event.at or "")
    except ValueError:
        return event.at or "—"
    return f"{dates.format_date(moment.date())} {moment:%H:%M}"


class AuditScreen(ModalScreen[None]):
    app = getters.app(ScreensApp)

    BINDINGS = [Binding("escape", "close", "Close", id="close_audit")]
    HELP_TITLE = "Audit trail"
    HELP = (
        "Everything done to this meeting, oldest first: opened, exported, searched into, finalised, reopened, "
        "sent. Times are UTC. No note text is kept here; changes after finalising are the amendments."
    )
    DEFAULT_CSS = """
    AuditScreen { align: center middle; }
    AuditScreen > Vertical {
        width: 110; max-width: 98%; height: 90%; border: thick $accent; background: $surface; padding: 0 1;
    }
    AuditScreen #audit-title { text-style: bold; color: $accent; width: 100%; }
    AuditScreen DataTable { height: 1fr; }
    """

    def __init__(self, meeting_id: str) -> None:
        super().__init__()
        self.meeting_id = meeting_id

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("", id="audit-title", markup=False)
            yield Table(id="audit-events", cursor_type="row", zebra_stripes=True)
            yield Label("Escape closes · `mapm audit verify` checks the whole trail", classes="field-help")

    def on_mount(self) -> None:
        events = audit.events(self.app.opened_store, self.meeting_id)
        table = self.query_one("#audit-events", DataTable)
        table.add_columns("When (UTC)", "Who", "What")
        for event in events:
            who = event.by or "—"
            if event.os_user:
                who += f" [{event.os_user}]"
            table.add_row(_when(event), cut(who, 30), cut(event.what, 60), key=str(event.pk))
        self.query_one("#audit-title", Label).update(
            f"Audit trail of meeting {self.meeting_id}: {len(events)} event{'s' if len(events) != 1 else ''}"
        )
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
