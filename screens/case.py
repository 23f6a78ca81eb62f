"""One case over time: its meetings in order, the actions still open (overdue first) and any
disagreement still recorded as remaining (G-34, G-42)."""

from __future__ import annotations

from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from mapm_tui import dates
from mapm_tui.vocabulary import STATUS_WORDS

from .app_contract import ScreensApp
from .widgets import Col, Table

#: the case's meetings, and its open actions: dates whole, the description takes the room, who next
MEETING_COLUMNS = (
    Col("Date", whole=True),
    Col("Status", whole=True),
    Col("Subjects", least=12, most=40),
    Col("Open actions", priority=2),
)
ACTION_COLUMNS = (
    Col("Due", whole=True),
    Col("", whole=True),
    Col("Action", least=24),
    Col("Who", least=12, most=24),
    Col("Meeting", priority=2),
)


def _day(iso: str | None) -> str:
    day = dates.parse_iso(iso)
    return dates.format_date(day) if day else "—"


class CaseScreen(ModalScreen[None]):
    app = getters.app(ScreensApp)

    BINDINGS = [Binding("escape", "close", "Close", id="close_case")]
    HELP_TITLE = "Case history"
    HELP = (
        "The meetings of this case, oldest first; the actions still open (overdue first); disagreement still remaining."
    )
    DEFAULT_CSS = """
    CaseScreen { align: center middle; }
    CaseScreen > Vertical {
        width: 110; max-width: 98%; height: 92%; border: thick $accent; background: $surface; padding: 0 1;
    }
    CaseScreen .title { text-style: bold; color: $accent; margin-top: 1; }
    CaseScreen DataTable { height: auto; max-height: 14; }
    CaseScreen #case-disagreements { height: auto; width: 100%; }
    """

    def __init__(self, case_ref: str) -> None:
        super().__init__()
        self.case_ref = case_ref

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Case {self.case_ref}", classes="title", markup=False)
            with VerticalScroll():
                yield Label("Meetings", classes="title")
                meetings = Table(id="case-meetings", columns=MEETING_COLUMNS, cursor_type="row", zebra_stripes=True)
                yield meetings
                yield meetings.detail
                yield Label("", id="actions-title", classes="title")
                actions = Table(id="case-actions", columns=ACTION_COLUMNS, cursor_type="row", zebra_stripes=True)
                yield actions
                yield actions.detail
                yield Label("Disagreement still remaining (G-42)", classes="title")
                yield Static("", id="case-disagreements", markup=False)
            yield Label("Escape closes.", classes="field-help")

    def _leave(self) -> None:
        self.dismiss()  # not awaited: it may not be from this screen's own handler

    def on_mount(self) -> None:
        from mapm_tui import lifecycle
        from mapm_tui.store import StoreError

        try:
            view = lifecycle.case_meetings(self.app.opened_store, self.case_ref, self.app.clock.today())
        except StoreError as exc:  # the server cannot be reached (ServerGone): say so and go back; c again retries
            self.app.notify(str(exc), severity="error", timeout=10, markup=False)
            self.call_after_refresh(self._leave)
            return
        self.query_one("#case-meetings", Table).set_rows(
            (
                str(n),
                [_day(m.date), STATUS_WORDS.get(m.status, m.status), m.subjects or "", str(m.open_actions)],
            )
            for n, m in enumerate(view.meetings)
        )
        ordered = sorted(view.open_actions, key=lambda a: (not a.overdue, a.due_date or "9999"))
        self.query_one("#case-actions", Table).set_rows(
            (
                str(n),
                [
                    _day(a.due_date),
                    "OVERDUE" if a.overdue else "",
                    f"{a.number}. {a.description}",
                    a.owner or a.agency or "",
                    _day(a.meeting_date),
                ],
            )
            for n, a in enumerate(ordered)
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
        self.query_one("#case-meetings", Table).focus()

    def action_close(self) -> None:
        self.dismiss(None)
