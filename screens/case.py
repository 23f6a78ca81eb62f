"""One case over time: its meetings in order, the actions still open (overdue first) and any
disagreement still recorded as remaining (G-34, G-42)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static

from mapm_tui import dates
from mapm_tui.vocabulary import STATUS_WORDS

from .widgets import Table, cut


def _day(iso: str | None) -> str:
    day = dates.parse_iso(iso)
    return dates.format_date(day) if day else "—"


class CaseScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "Close", id="close_case")]
    HELP_TITLE = "Case history"
    HELP = (
        "The meetings of this case, oldest first; the actions still open (overdue first); disagreement still remaining."
    )
    DEFAULT_CSS = """
    CaseScreen { align: center middle; }
    CaseScreen > Vertical { width: 110; max-width: 98%; height: 92%; border: thick $accent; background: $surface; padding: 0 1; }
    CaseScreen .title { text-style: bold; color: $accent; margin-top: 1; }
    CaseScreen DataTable { height: auto; max-height: 14; }
    CaseScreen #case-disagreements { height: auto; width: 100%; }
    """

    def __init__(self, case_ref: str) -> None:
        super().__init__()
        self.case_ref = case_ref

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Case {self.case_ref}", classes="title")
            with VerticalScroll():
                yield Label("Meetings", classes="title")
                yield Table(id="case-meetings", cursor_type="row", zebra_stripes=True)
                yield Label("", id="actions-title", classes="title")
                yield Table(id="case-actions", cursor_type="row", zebra_stripes=True)
                yield Label("Disagreement still remaining (G-42)", classes="title")
                yield Static("", id="case-disagreements", markup=False)
            yield Label("Escape closes.", classes="field-help")

    def on_mount(self) -> None:
        from mapm_tui import lifecycle

        view = lifecycle.case_meetings(self.app.store, self.case_ref, self.app.clock.today())
        meetings = self.query_one("#case-meetings", DataTable)
        meetings.add_columns("Date", "Status", "Subjects", "Open actions")
        for m in view.meetings:
            meetings.add_row(
                _day(m.date), STATUS_WORDS.get(m.status, m.status), cut(m.subjects, 40), str(m.open_actions)
            )
        actions = self.query_one("#case-actions", DataTable)
        actions.add_columns("Due", "", "Action", "Who", "Meeting")
        ordered = sorted(view.open_actions, key=lambda a: (not a.overdue, a.due_date or "9999"))
        for a in ordered:
            actions.add_row(
                _day(a.due_date),
                "OVERDUE" if a.overdue else "",
                cut(f"{a.number}. {a.description}", 50),
                cut(a.owner or a.agency, 20),
                _day(a.meeting_date),
            )
        self.query_one("#actions-title", Label).update(
            f"Open actions: {len(view.open_actions)}, of which overdue: {len(view.overdue)}"
        )
        self.query_one("#case-disagreements", Static).update(
            "\n".join(
                f"{_day(d.meeting_date)}: {d.summary or '(no summary)'} — escalation: {d.escalation or 'not recorded'}"
                for d in view.disagreements
            )
            or "None recorded."
        )
        meetings.focus()

    def action_close(self) -> None:
        self.dismiss(None)
