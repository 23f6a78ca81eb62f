"""Recording to whom the minutes were sent, which copy, how and when (G-51, G-52)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select

from mapm_tui.schema import SHORT_LIMIT

from .widgets import cut


class DistributionDialog(ModalScreen[bool]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Record", id="save_distribution", priority=True),
        Binding("escape", "cancel", "Cancel", id="cancel_distribution"),
    ]
    HELP_TITLE = "Sent to"
    HELP = "Record each person or agency the minutes went to, and which copy. Enter in the last field records it."
    DEFAULT_CSS = """
    DistributionDialog { align: center middle; }
    DistributionDialog > Vertical { width: 84; height: auto; max-height: 95%; border: thick $accent; background: $surface; padding: 1 2; }
    DistributionDialog #dist-title { text-style: bold; color: $accent; }
    DistributionDialog .field-label { margin-top: 1; text-style: bold; }
    DistributionDialog #dist-error { color: $error; height: auto; width: 100%; }
    DistributionDialog #dist-sent { color: $text-muted; height: auto; width: 100%; }
    """

    def __init__(self, live) -> None:
        super().__init__()
        self.live = live

    def compose(self) -> ComposeResult:
        sent = self.live.meeting.get("distribution", [])
        shared = (self.live.meeting.get("minutes_sharing") or {}).get("share_with_family") is True
        versions = [("Full minutes", "full")] + ([("Family copy", "family")] if shared else [])
        with Vertical():
            yield Label("The minutes were sent to…", id="dist-title")
            yield Label(
                ("Sent so far: " + "; ".join(cut(d.get("name"), 30) + f" ({d.get('version', 'full')})" for d in sent))
                if sent
                else "Nothing recorded yet.",
                id="dist-sent",
                markup=False,
            )
            yield Label("Name (a person or an agency)", classes="field-label")
            yield Input(id="dist-name", max_length=SHORT_LIMIT)
            yield Label("Which copy", classes="field-label")
            yield Select(versions, value="full", allow_blank=False, id="dist-version")
            if not shared:
                yield Label(
                    "The family copy is not offered: the minutes are not recorded as shared with the family (G-52).",
                    classes="field-help",
                )
            yield Label("How (email, post, by hand…)", classes="field-label")
            yield Input(id="dist-method", max_length=SHORT_LIMIT, placeholder="Secure email")
            yield Label("Email address (optional)", classes="field-label")
            yield Input(id="dist-email", max_length=SHORT_LIMIT)
            yield Label("", id="dist-error", markup=False)

    def on_mount(self) -> None:
        self.query_one("#dist-name", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "dist-email":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        from mapm_tui import lifecycle

        try:
            lifecycle.record_distribution(
                self.live.store,
                self.live.id,
                self.query_one("#dist-name", Input).value,
                self.query_one("#dist-version", Select).value,
                method=self.query_one("#dist-method", Input).value.strip() or None,
                email=self.query_one("#dist-email", Input).value.strip() or None,
            )
        except Exception as exc:  # a refusal: one sentence, keep what was typed
            self.query_one("#dist-error", Label).update(str(exc))
            return
        self.notify(
            f"Recorded: minutes sent to {self.query_one('#dist-name', Input).value.strip()}.", timeout=4, markup=False
        )
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
