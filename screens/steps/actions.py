"""The plan: who does what, by when (G-30 to G-32). The list of actions with their SMART state;
ctrl+n adds one, Enter changes the highlighted one, Delete removes it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label

from mapm_tui import dates
from mapm_tui.store_errors import StoreError
from mapm_tui.vocabulary import ACTION_STATUS_WORDS

from ..step_base import StepBody
from ..widgets import Col, Table, not_done

#: the list's columns: what, owner and date are kept at every width; SMART and progress give way first
#: on a narrow terminal (the highlighted action's whole row shows under the list)
COLUMNS = (
    Col("#", most=3, whole=True),
    Col("What", least=24),
    Col("Owner", least=14, most=30),
    Col("By when", most=16, whole=True),
    Col("SMART", priority=2, most=16, words=True),
)


class ActionsStep(StepBody):
    BINDINGS = [
        Binding("ctrl+n", "new_action", "New action", id="new_action", priority=True),
        Binding("delete", "delete_action", "Delete action", id="delete_action", show=False),
    ]
    EDITS = frozenset({"new_action", "delete_action"})
    HELP = (
        "ctrl+n opens the action form. Each action needs what, who, by when and how we will know "
        "(G-31); the form shows what is missing as you type, and you can save with gaps. Enter on an "
        "action changes it; Delete removes it (after a question). Actions carried over from the last "
        "meeting are listed too: open one to record its progress (done, partly done, not done, cancelled)."
    )
    DEFAULT_CSS = """
    ActionsStep #actions { height: 1fr; min-height: 5; }
    ActionsStep #actions-summary { height: auto; margin-bottom: 1; }
    ActionsStep #unaddressed { color: $warning; height: auto; }
    ActionsStep #actions-summary, ActionsStep #unaddressed { width: 100%; }  /* wrap, not cut */
    """

    def compose_body(self) -> ComposeResult:
        yield Label("", id="actions-summary", markup=False)
        table = Table(id="actions", columns=COLUMNS, cursor_type="row", zebra_stripes=True)
        yield table
        yield table.detail
        yield Label("", id="unaddressed", markup=False)

    def on_mount(self) -> None:  # (StepBody.on_mount runs too: Textual calls every class's handler)
        self.refresh_actions()
        if self.live.editable and self.live.draft("action:new"):  # an action half-typed before a crash
            self.call_after_refresh(self.action_new_action)

    def first_focus(self):
        return self.query_one("#actions", DataTable)

    def refresh_step(self) -> None:
        self.refresh_actions(self._highlighted())

    def refresh_actions(self, keep: str | None = None) -> None:
        actions = self.live.meeting.get("actions", [])
        gaps = blocking = 0
        rows = []
        for number, a in enumerate(actions, start=1):
            findings = self.live.action_findings(a, number)
            blocks = sum(1 for f in findings if f.blocks)
            gaps += bool(findings)
            blocking += bool(blocks)
            owner = self.live.attendee(a.get("owner_attendee_id"))
            who = (owner or {}).get("name") or a.get("owner_name") or ""
            if a.get("agency"):
                who = f"{who} ({a['agency']})" if who else a["agency"]
            due = dates.parse_iso(a["due_date"]) if a.get("due_date") else None
            state = ACTION_STATUS_WORDS.get(a.get("status", "open"), "")
            smart = state or (
                "✓ SMART" if not findings else f"✗ {blocks} blocking" if blocks else f"! {len(findings)} to check"
            )
            rows.append((a["id"], [str(number), a["description"], who, dates.format_date(due) if due else "—", smart]))
        self.query_one("#actions", Table).set_rows(rows, keep)
        summary = self.query_one("#actions-summary", Label)
        if not actions:
            summary.update("No actions yet. ctrl+n adds one: every meeting ends with agreed actions (G-30).")
        else:
            summary.update(
                f"{len(actions)} action{'s' if len(actions) != 1 else ''}: "
                + (
                    "all SMART."
                    if not gaps
                    else f"{gaps} with gaps ({blocking} would block finalising). Enter opens one."
                )
            )
        addressed = {e for a in actions if a.get("status") != "cancelled" for e in a.get("addresses") or []}
        open_needs = [
            e
            for e in self.live.meeting.get("entries", [])
            if e["kind"] in ("need", "risk") and e["id"] not in addressed
        ]
        self.query_one("#unaddressed", Label).update(
            f"Needs and risks no action addresses yet: {len(open_needs)}" if open_needs and actions else ""
        )
        self.meeting_screen.refresh_ticks()

    def _highlighted(self) -> str | None:
        table = self.query_one("#actions", DataTable)
        if table.row_count == 0:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def _open_form(self, action_id: str | None) -> None:
        from ..action_form import ActionForm

        def done(saved: str | None) -> None:
            self.refresh_actions(saved or action_id)
            self.show_save_state()
            self.query_one("#actions", DataTable).focus()

        self.app.push_screen(ActionForm(self.live, action_id), done)

    def action_new_action(self) -> None:
        if not self.live.editable:
            self.notify("This meeting is final: reopen it from the review to change the plan.")
            return
        self._open_form(None)

    @on(DataTable.RowSelected, "#actions")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._open_form(str(event.row_key.value))

    def action_delete_action(self) -> None:
        action_id = self._highlighted()
        if action_id is None or not self.live.editable:
            return
        from ..dialogs import Confirm

        number = [a["id"] for a in self.live.meeting.get("actions", [])].index(action_id) + 1

        def done(yes: bool | None) -> None:
            if yes:
                try:
                    self.live.delete_item("actions", action_id)
                except StoreError as exc:
                    not_done(self, "The action was not deleted", exc)
                    return
                self.refresh_actions()
                self.show_save_state()

        self.app.push_screen(
            Confirm(
                f"Delete action {number}? (Cancelling it keeps it in the minutes: open it and set its progress.)",
                danger=True,
            ),
            done,
        )
